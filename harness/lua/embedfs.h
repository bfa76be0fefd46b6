/* The file tree compiled into the binary (scenarios/, corpus/; see harness/embedfs.cmake):
 * paths relative to the source tree, sorted. */
#ifndef PUSHSPEC_EMBEDFS_H
#define PUSHSPEC_EMBEDFS_H

#include <stddef.h>

typedef struct {
    const char *path;   /* e.g. "scenarios/server/conn.lua" */
    const char *data;   /* NUL-terminated after len bytes */
    size_t len;
} ps_embed_file;

extern const ps_embed_file ps_embedded_files[];   /* ends with a NULL path */

/* The file at exactly PATH, or NULL. */
const ps_embed_file *ps_embed_find(const char *path);

/* The next file after PREV (NULL: the first) directly in folder DIR (no
 * subfolders) whose name ends with SUFFIX (NULL: any), in path order; NULL at the end. */
const ps_embed_file *ps_embed_next(const char *dir, const char *suffix, const ps_embed_file *prev);

#endif

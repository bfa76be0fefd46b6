/* The scenario files of a folder: every DIR/NAME.lua (no dot files), in name order,
 * the order scenarios load in. One scan for the runner and the clause audit. */
#ifndef PUSHSPEC_DIRSCAN_H
#define PUSHSPEC_DIRSCAN_H

#include <stddef.h>

/* The paths "DIR/NAME.lua", sorted, in a NULL-ended array (free with ps_dir_lua_free);
 * *n gets their count. NULL with err when the folder cannot be read or memory runs out. */
char **ps_dir_lua_files(const char *dir, size_t *n, char *err, size_t errlen);
void ps_dir_lua_free(char **files);

#endif

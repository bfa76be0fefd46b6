#include "lua/embedfs.h"

#include <string.h>

const ps_embed_file *ps_embed_find(const char *path)
{
    for (const ps_embed_file *f = ps_embedded_files; f->path; f++)
        if (!strcmp(f->path, path))
            return f;
    return NULL;
}

static int in_dir(const char *path, const char *dir, const char *suffix)
{
    size_t d = strlen(dir), p = strlen(path), s = suffix ? strlen(suffix) : 0;
    if (strncmp(path, dir, d) || path[d] != '/' || strchr(path + d + 1, '/'))
        return 0;
    return !suffix || (p > d + 1 + s && !strcmp(path + p - s, suffix));
}

const ps_embed_file *ps_embed_next(const char *dir, const char *suffix, const ps_embed_file *prev)
{
    for (const ps_embed_file *f = prev ? prev + 1 : ps_embedded_files; f->path; f++)
        if (in_dir(f->path, dir, suffix))
            return f;
    return NULL;
}

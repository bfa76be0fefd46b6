#include "net/dirscan.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **ps_dir_lua_files(const char *dir, size_t *n, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "cannot open the scenario folder %s: %s", dir, strerror(errno));
        return NULL;
    }
    char **files = calloc(1, sizeof(char *));
    size_t cap = 0;
    struct dirent *e;
    *n = 0;
    while (files && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".lua") != 0 || e->d_name[0] == '.')
            continue;
        if (*n + 1 >= cap) {
            char **more = realloc(files, (cap = cap ? cap * 2 : 32) * sizeof(char *));
            if (!more) {
                files[*n] = NULL;
                ps_dir_lua_free(files);
                files = NULL;
                break;
            }
            files = more;
        }
        if (!(files[*n] = malloc(strlen(dir) + len + 2))) {
            ps_dir_lua_free(files);
            files = NULL;
            break;
        }
        sprintf(files[(*n)++], "%s/%s", dir, e->d_name);
        files[*n] = NULL;
    }
    closedir(d);
    if (!files) {
        snprintf(err, errlen, "out of memory listing the scenario folder %s", dir);
        return NULL;
    }
    qsort(files, *n, sizeof(char *), cmp_str);
    return files;
}

void ps_dir_lua_free(char **files)
{
    for (size_t i = 0; files && files[i]; i++)
        free(files[i]);
    free(files);
}

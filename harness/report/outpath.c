#define _POSIX_C_SOURCE 200809L   /* strdup, mkdir */
#include "report/outpath.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ps_mkdirs(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
        snprintf(err, errlen, "the folder name %.80s... is too long", dir);
        return -1;
    }
    for (char *p = path + 1; ; p++) {
        char c = *p;
        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create the folder %s: %s", path, strerror(errno));
            return -1;
        }
        *p = c;
        if (!c)
            return 0;
    }
}

int ps_out_prepare(const char *path, int is_dir, char *err, size_t errlen)
{
    char *copy = strdup(path);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const char *dir = is_dir ? copy : dirname(copy);
    int rc = ps_mkdirs(dir, err, errlen);
    if (rc == 0 && access(dir, W_OK) != 0) {
        snprintf(err, errlen, "cannot write into the folder %s (for %s): %s", dir, path, strerror(errno));
        rc = -1;
    }
    free(copy);
    return rc;
}

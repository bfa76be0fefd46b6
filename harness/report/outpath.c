#define _GNU_SOURCE   /* strdup, mkdir, mkstemp */
#include "report/outpath.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_OPEN 4

static struct { FILE *f; char *tmp, *path; } open_files[MAX_OPEN];

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

static const char *kind_of(mode_t m)
{
    return S_ISDIR(m) ? "a folder" : S_ISLNK(m) ? "a symbolic link" : S_ISFIFO(m) ? "a FIFO"
         : S_ISCHR(m) || S_ISBLK(m) ? "a device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* dir/.NAME.XXXXXX created with O_EXCL (mkstemp); the fd, or -1 with err. */
static int make_temp(const char *path, char **tmp_out, char *err, size_t errlen)
{
    char *d = strdup(path), *b = strdup(path);
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    int fd = -1;
    if (d && b && tmp) {
        snprintf(tmp, n, "%s/.%s.XXXXXX", dirname(d), basename(b));
        fd = mkstemp(tmp);
        if (fd < 0)
            snprintf(err, errlen, "cannot create a file beside %s: %s", path, strerror(errno));
    } else {
        snprintf(err, errlen, "out of memory");
    }
    free(d);
    free(b);
    if (fd < 0)
        free(tmp);
    else
        *tmp_out = tmp;
    return fd;
}

/* path is absent or a regular file (lstat: a link is not followed). */
static int check_file(const char *path, const char *what, char *err, size_t errlen)
{
    struct stat st;
    if (!*path) {
        snprintf(err, errlen, "%s is an empty file name", what);
        return -1;
    }
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s %s is %s: give the name of a regular file (or of one to create)%s", what,
                 path, kind_of(st.st_mode), S_ISLNK(st.st_mode) ? ", not a link" : "");
        return -1;
    }
    return 0;
}

/* A file can be created beside path (the folder made if missing). */
static int check_creatable(const char *path, char *err, size_t errlen)
{
    char *copy = strdup(path), *tmp = NULL;
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = ps_mkdirs(dirname(copy), err, errlen);
    free(copy);
    if (rc < 0)
        return -1;
    int fd = make_temp(path, &tmp, err, errlen);
    if (fd < 0)
        return -1;
    close(fd);
    unlink(tmp);
    free(tmp);
    return 0;
}

int ps_out_prepare(const char *path, int kind, char *err, size_t errlen)
{
    if (kind == PS_OUT_FILE_OR_STDOUT && !strcmp(path, "-"))
        return 0;
    if (kind != PS_OUT_DIR)
        return check_file(path, "the output", err, errlen) < 0 ? -1 : check_creatable(path, err, errlen);
    struct stat st;
    if (!*path) {
        snprintf(err, errlen, "the HTML report needs a folder name");
        return -1;
    }
    if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "the HTML folder %s is %s: give a folder (made if missing)", path,
                 S_ISREG(st.st_mode) ? "a file" : kind_of(st.st_mode));
        return -1;
    }
    if (ps_mkdirs(path, err, errlen) < 0)
        return -1;
    static const char *const inside[] = { "index.html", "result.json" };
    for (size_t i = 0; i < 2; i++) {
        char p[4200];
        snprintf(p, sizeof(p), "%s/%s", path, inside[i]);
        if (check_file(p, "the HTML report's", err, errlen) < 0 || check_creatable(p, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* The folder of *path was removed during the run: made again, or, when it
 * cannot be, the result goes to a named file in the working directory. The
 * run says where either way: a result is never lost to a missing folder. */
static int regain_folder(char **path, char **tmp, char *err, size_t errlen)
{
    char *copy = strdup(*path);
    char why[300];
    int fd = -1;
    if (copy && ps_mkdirs(dirname(copy), why, sizeof(why)) == 0 &&
        (fd = make_temp(*path, tmp, err, errlen)) >= 0)
        fprintf(stderr, "pushspec: the folder of %s was removed during the run: made again\n", *path);
    free(copy);
    if (fd >= 0)
        return fd;
    char *b = strdup(*path), *alt = malloc(strlen(*path) + 40);
    if (b && alt) {
        sprintf(alt, "pushspec-%ld-%s", (long)getpid(), basename(b));
        if (check_file(alt, "the fallback output", err, errlen) == 0 &&
            (fd = make_temp(alt, tmp, err, errlen)) >= 0) {
            fprintf(stderr, "pushspec: the folder of %s is gone and cannot be made again; the result goes "
                    "to %s in the working directory instead\n", *path, alt);
            free(*path);
            *path = alt;
            alt = NULL;
        }
    }
    free(b);
    free(alt);
    return fd;
}

FILE *ps_out_open(const char *path, char *err, size_t errlen)
{
    if (!strcmp(path, "-"))
        return stdout;
    size_t slot = 0;
    while (slot < MAX_OPEN && open_files[slot].f)
        slot++;
    char *tmp = NULL, *keep = strdup(path);
    int fd = slot < MAX_OPEN && keep && check_file(path, "the output", err, errlen) == 0
           ? make_temp(path, &tmp, err, errlen) : -1;
    if (fd < 0 && keep && slot < MAX_OPEN && (errno == ENOENT || errno == ENOTDIR))
        fd = regain_folder(&keep, &tmp, err, errlen);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        if (slot == MAX_OPEN || !keep)
            snprintf(err, errlen, "cannot write %s: too many files open", path);
        free(tmp);
        free(keep);
        return NULL;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);   /* as a plain fopen would have made it, not mkstemp's 0600 */
    open_files[slot].f = f;
    open_files[slot].tmp = tmp;
    open_files[slot].path = keep;
    return f;
}

int ps_out_close(FILE *f, char *err, size_t errlen)
{
    if (f == stdout) {
        if (ferror(f) | (fflush(f) != 0)) {
            snprintf(err, errlen, "cannot write to stdout");
            return -1;
        }
        return 0;
    }
    size_t slot = 0;
    while (slot < MAX_OPEN && open_files[slot].f != f)
        slot++;
    if (slot == MAX_OPEN)
        return fclose(f) == 0 ? 0 : -1;
    char *tmp = open_files[slot].tmp, *path = open_files[slot].path;
    open_files[slot].f = NULL;
    int bad = ferror(f) | (fflush(f) != 0) | (fsync(fileno(f)) != 0);
    bad |= fclose(f) != 0;
    int rc = 0;
    if (bad) {
        snprintf(err, errlen, "cannot write %s (disk full?)", path);
        rc = -1;
    } else if (check_file(path, "the output", err, errlen) < 0) {
        rc = -1;   /* something not a file appeared there during the run */
    } else if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    free(path);
    return rc;
}

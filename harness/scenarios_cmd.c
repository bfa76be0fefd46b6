/* pushspec scenarios export DIR [--force]: every embedded file under scenarios/
 * written to DIR (scenarios/server/conn.lua -> DIR/server/conn.lua). Nothing is
 * written when a file exists and --force is not given. */
#define _POSIX_C_SOURCE 200809L
#include "scenarios_cmd.h"
#include "lua/embedfs.h"
#include "report/outpath.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PREFIX "scenarios/"

static int write_file(const char *path, const ps_embed_file *f)
{
    char dir[4096], err[512];
    snprintf(dir, sizeof(dir), "%s", path);
    if (ps_mkdirs(dirname(dir), err, sizeof(err)) < 0)
        return fprintf(stderr, "pushspec: %s\n", err), -1;
    FILE *out = fopen(path, "wb");
    if (!out || fwrite(f->data, 1, f->len, out) != f->len || fclose(out) != 0) {
        fprintf(stderr, "pushspec: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int ps_cmd_scenarios_export(const char *dir, int force)
{
    char path[4096];
    size_t existing = 0, n = 0;
    const char *first = NULL;
    for (const ps_embed_file *f = ps_embedded_files; f->path; f++) {
        if (strncmp(f->path, PREFIX, strlen(PREFIX)))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, f->path + strlen(PREFIX));
        if (access(path, F_OK) == 0 && !existing++)
            first = f->path + strlen(PREFIX);
    }
    if (existing && !force) {
        fprintf(stderr, "pushspec: %s already has %zu of the scenario files (%s/%s%s); nothing written. "
                "Give another folder, or --force to overwrite them.\n",
                dir, existing, dir, first, existing > 1 ? ", ..." : "");
        return 2;
    }
    for (const ps_embed_file *f = ps_embedded_files; f->path; f++) {
        if (strncmp(f->path, PREFIX, strlen(PREFIX)))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, f->path + strlen(PREFIX));
        if (write_file(path, f) < 0)
            return 2;
        n++;
    }
    printf("wrote %zu files to %s%s; run them with: pushspec run --scenarios %s/server ...\n", n, dir,
           existing ? " (overwriting)" : "", dir);
    return 0;
}

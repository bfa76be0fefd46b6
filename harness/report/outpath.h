/* Output files of a run: checked before the run starts (so a long run never
 * ends with "cannot write the result"), then written through a temporary file
 * created exclusively beside the target and renamed over it, so a reader never
 * sees half a file and nothing planted at PATH or beside it is followed. */
#ifndef PUSHSPEC_OUTPATH_H
#define PUSHSPEC_OUTPATH_H

#include <stddef.h>
#include <stdio.h>

enum { PS_OUT_FILE = 0, PS_OUT_DIR = 1, PS_OUT_FILE_OR_STDOUT = 2 };

/* mkdir -p dir; 0, or -1 with err naming the folder. */
int ps_mkdirs(const char *dir, char *err, size_t errlen);
/* Check that path can be written as kind (PS_OUT_*): a regular file or absent
 * (never a folder, device, FIFO or symbolic link), in a folder where a file can
 * be created (made if missing); a folder for PS_OUT_DIR, its index.html and
 * result.json checked as files. "-" is stdout for PS_OUT_FILE_OR_STDOUT. */
int ps_out_prepare(const char *path, int kind, char *err, size_t errlen);
/* Open path for writing ("-": stdout) through an exclusive temporary file. */
FILE *ps_out_open(const char *path, char *err, size_t errlen);
/* Close what ps_out_open gave and rename it into place; -1 with err on failure
 * (the temporary file is removed, the old file left alone). */
int ps_out_close(FILE *f, char *err, size_t errlen);

#endif

/* Output files of a run: their folders are made before the run starts, so a
 * long run never ends with "cannot write the result". */
#ifndef PUSHSPEC_OUTPATH_H
#define PUSHSPEC_OUTPATH_H

#include <stddef.h>

/* mkdir -p dir; 0, or -1 with err naming the folder. */
int ps_mkdirs(const char *dir, char *err, size_t errlen);
/* Make path's folder (path itself when is_dir) and check it is writable. */
int ps_out_prepare(const char *path, int is_dir, char *err, size_t errlen);

#endif

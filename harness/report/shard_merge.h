/* `pushspec report`: the result files of one explore run's shards merged into one (shard_merge.c). */
#ifndef PUSHSPEC_SHARD_MERGE_H
#define PUSHSPEC_SHARD_MERGE_H

#include "report/report.h"

/* Merges, in set, every group of explore shard results of the same run into the group's first
 * place (its file name lists the group's). 0, or -1 with err (out of memory). */
int ps_report_merge_shards(ps_report_set *set, char *err, size_t errlen);

#endif

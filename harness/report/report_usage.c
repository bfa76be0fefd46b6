/* The help text of `pushspec report`: its own file, so the man page generator
 * (harness/man, which links the help texts alone) can have it too. */
#include "report/report.h"

const char ps_report_usage[] =
"Usage: pushspec report RESULT.json... [--html DIR] [--junit FILE] [--markdown FILE]\n"
"\n"
"Reports from result files written by 'pushspec run --json FILE'. Several files\n"
"(one per target, or runs of one target) make one rules x targets matrix.\n"
"The shards of one 'pushspec explore --shard I/N' run (same target, seed, ops,\n"
"sequences, jobs and weights) become one column: a fail in any shard beats a\n"
"pass, the sequences are joined, and the header names the shards merged and\n"
"flags a missing or duplicated one. Other runs' shards stay columns of their own.\n"
"\n"
"  --html DIR       DIR/index.html: one self-contained page (no network), the\n"
"                   matrix with differences first; click a cell for its transcript\n"
"  --junit FILE     JUnit XML: a testsuite per file, a testcase per rule\n"
"  --markdown FILE  a short summary for a pull-request comment ('-' for stdout)\n"
"\n"
"At least one output is needed. Exit status: 0 reports written, 2 usage or file\n"
"error. Verdicts do not change the status: 'pushspec run' already reported them.\n";

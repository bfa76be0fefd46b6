/* pushspec run ... --write-expect FILE --repeat N: the same run made N times, one after the
 * other, each merged into FILE (the first as asked, the others with --merge), so that a check
 * failing in some runs only is in the baseline. The reports and the exit status are the last run's. */
#ifndef PUSHSPEC_REPEAT_H
#define PUSHSPEC_REPEAT_H

/* argv as main got it. Returns -1 when ARGV has no --repeat (run as usual), else the exit status. */
int ps_repeat_main(int argc, char **argv);

#endif

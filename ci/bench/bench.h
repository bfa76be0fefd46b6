/* Timing for the microbenchmarks of ci/bench.sh. A run calls a function in
 * batches of about 10 ms until at least 0.5 s have elapsed in it; a figure is
 * the best (fastest) of 3 runs. Two contenders are timed in alternating batches
 * within each run, so both see the same machine (other load, clock speed).
 * BENCH_QUICK=1 in the environment (bench_smoke): one run of 0.05 s, to show the
 * figures are printed, not to measure them. */
#ifndef PS_BENCH_H
#define PS_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BENCH_MIN_S 0.5
#define BENCH_BATCH_S 0.01
#define BENCH_RUNS 3

typedef void (*bench_fn)(void *ctx);

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds taken by calls calls of fn. */
static inline double bench_batch(bench_fn fn, void *ctx, long calls)
{
    double t0 = bench_now();
    for (long i = 0; i < calls; i++)
        fn(ctx);
    return bench_now() - t0;
}

/* How many calls of fn take about BENCH_BATCH_S. */
static inline long bench_calibrate(bench_fn fn, void *ctx)
{
    long calls = 1;
    while (bench_batch(fn, ctx, calls) < BENCH_BATCH_S)
        calls *= 2;
    return calls;
}

/* Best of BENCH_RUNS runs of a and of b, in alternating batches: seconds per
 * call of each. b may be NULL (then only a is timed). */
static inline void bench_pair(bench_fn a, void *actx, bench_fn b, void *bctx, double *ta, double *tb)
{
    long na = bench_calibrate(a, actx), nb = b ? bench_calibrate(b, bctx) : 0;

    const char *quick = getenv("BENCH_QUICK");
    int q = quick && *quick && *quick != '0';
    double min_s = q ? BENCH_MIN_S / 10 : BENCH_MIN_S;

    *ta = *tb = 1e30;
    for (int r = 0; r < (q ? 1 : BENCH_RUNS); r++) {
        double sa = 0, sb = 0;
        long ca = 0, cb = 0;
        while (sa < min_s || (b && sb < min_s)) {
            sa += bench_batch(a, actx, na), ca += na;
            if (b)
                sb += bench_batch(b, bctx, nb), cb += nb;
        }
        if (sa / ca < *ta) *ta = sa / ca;
        if (b && sb / cb < *tb) *tb = sb / cb;
    }
}

#endif

/* No descendant of an adapter outlives the run. An adapter runs in its own
 * process group, and its group is killed when it stops; but a descendant that
 * left the group (setsid, a daemon's double fork) is out of that kill's reach.
 * pushspec is made the subreaper of everything it starts (prctl
 * PR_SET_CHILD_SUBREAPER, no privilege needed): an orphan is re-parented to it
 * instead of to init, and at exit every such orphan is killed, round after
 * round until none is left. Anything still marked as ours after that (the
 * PUSHSPEC_RUN variable every descendant inherits) is named on stderr: only
 * a cgroup could reach it. */
#ifndef PUSHSPEC_REAPER_H
#define PUSHSPEC_REAPER_H

/* Before the first child is started: subreaper, the mark, the sweep at exit. */
void ps_reaper_arm(void);
/* Kill and collect every orphan re-parented to us; warn about marked leftovers. */
void ps_reaper_sweep(void);

#endif

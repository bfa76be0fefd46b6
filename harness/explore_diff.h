/* pushspec explore with two --target: the same seeds against both servers, and every
 * observation where they differ after normalization (harness/lua/explore_diff.lua). */
#ifndef PUSHSPEC_EXPLORE_DIFF_H
#define PUSHSPEC_EXPLORE_DIFF_H

/* argv: explore's arguments (after "explore"). -1: not differential mode (fewer than two
 * --target), the caller runs explore as usual; otherwise the exit status. */
int ps_explore_diff_main(int argc, char **argv);

#endif

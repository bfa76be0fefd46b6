/* The help texts: printed by `pushspec help ...` and made into the man page
 * (harness/man/manpage.c), so both say the same. */
#ifndef PUSHSPEC_HELP_H
#define PUSHSPEC_HELP_H

extern const char ps_help_main[];       /* pushspec --help */
extern const char ps_help_run[];        /* pushspec help run */
extern const char ps_help_explore[];    /* pushspec help explore */
extern const char ps_help_init[];       /* pushspec help init */
extern const char ps_help_list[];       /* pushspec help list */
extern const char ps_help_scenarios[];  /* pushspec help scenarios */

#endif

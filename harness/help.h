/* The help texts: printed by `pushspec help ...` and made into the man page
 * (harness/man/manpage.c), so both say the same. */
#ifndef PUSHSPEC_HELP_H
#define PUSHSPEC_HELP_H

#include <stddef.h>

extern const char ps_help_main[];       /* pushspec --help */

/* One help topic per command: `pushspec help TOPIC`, `pushspec TOPIC --help` and a
 * section of the man page. A new command's help is one entry of ps_help_topics (help.c);
 * its options come from the option table (cli_opts.c). */
typedef struct {
    const char *topic;
    const char *intro;         /* the prose before the option lines */
    const char *outro;         /* and after them */
    unsigned cmds;             /* PS_CMD_* whose options it lists (cli_opts.c) */
    const char *man_section;   /* its man page section; NULL: shares the previous entry's text */
} ps_help_topic;

extern const ps_help_topic ps_help_topics[];   /* ends with a NULL topic */
/* The text of TOPIC (its prose and its options), or NULL when there is no such topic. */
const char *ps_help_text(const char *topic);
/* "run, fuzz, init, ..." into out. Returns out. */
char *ps_help_topic_names(char *out, size_t outlen);

#endif

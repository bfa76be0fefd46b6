/* Writes pushspec.1 (troff) from the help texts in harness/help.c, at build
 * time, so the man page says what `pushspec help ...` says.
 *   pushspec-manpage OUT.1 */
#include "help.h"

#include <stdio.h>
#include <string.h>

/* TEXT as a preformatted block: backslashes escaped, no line read as a request. */
static void put_block(FILE *f, const char *text)
{
    fputs(".nf\n", f);
    int bol = 1;
    for (const char *p = text; *p; p++) {
        if (bol && (*p == '.' || *p == '\''))
            fputs("\\&", f);
        if (*p == '\\')
            fputs("\\e", f);
        else if (*p == '-')
            fputs("\\-", f);
        else
            fputc(*p, f);
        bol = *p == '\n';
    }
    fputs(".fi\n", f);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pushspec-manpage OUT.1\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fputs(".TH PUSHSPEC 1 \"\" \"pushspec " PUSHSPEC_VERSION "\" \"User Commands\"\n"
          ".SH NAME\npushspec \\- conformance harness and fuzzer for the Pusher Channels protocol v7\n"
          ".SH SYNOPSIS\n", f);
    put_block(f, ps_help_main);
    for (const ps_help_topic *t = ps_help_topics; t->topic; t++)
        if (t->man_section) {   /* one section per help text, as `pushspec help TOPIC` prints it */
            fprintf(f, ".SH %s\n", t->man_section);
            put_block(f, ps_help_text(t->topic));
        }
    fputs(".SH FILES\n"
          ".TP\n.I share/pushspec/adapters/\nthe SDK adapters (pusher-js, pusher-http-node) and PROTOCOL.md, how to write one\n"
          ".TP\n.I share/pushspec/examples/\nexample targets and baselines (soketi) and a CI recipe (github-actions.yml)\n"
          ".SH SEE ALSO\nThe rule catalog: \\fBpushspec list \\-\\-rules\\fR, clause by clause with \\fB\\-\\-clauses\\fR; the scenario API and rules as files: "
          "\\fBpushspec scenarios export\\fR \\fIDIR\\fR.\n", f);
    if (fclose(f) != 0) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}

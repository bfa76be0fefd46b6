/* The command line: one option table (cli_opts.c) for every command, one parser,
 * and the option part of each command's help generated from the same table. */
#ifndef PUSHSPEC_CLI_H
#define PUSHSPEC_CLI_H

#include <stddef.h>

/* The commands, as bits: an option says which commands take it. */
enum {
    PS_CMD_RUN = 1 << 0,
    PS_CMD_FUZZ = 1 << 1,
    PS_CMD_EXPLORE = 1 << 2,
    PS_CMD_LIST = 1 << 3,
    PS_CMD_INIT = 1 << 4,
    PS_CMD_SCENARIOS = 1 << 5,
    PS_CMD_REPORT = 1 << 6,
};

typedef enum {
    PS_OPT_TARGET, PS_OPT_URL, PS_OPT_HTTP_URL, PS_OPT_APP_ID, PS_OPT_KEY, PS_OPT_SECRET,
    PS_OPT_SDK, PS_OPT_LISTEN,
    PS_OPT_FILTER, PS_OPT_TAG, PS_OPT_EXCLUDE_TAG, PS_OPT_SCENARIOS,
    PS_OPT_JOBS, PS_OPT_MAX_MEMORY, PS_OPT_TIMEOUT_SCALE, PS_OPT_INSECURE,
    PS_OPT_SECONDS, PS_OPT_SEED, PS_OPT_OPS, PS_OPT_BUDGET, PS_OPT_SEQUENCES, PS_OPT_WEIGHTS, PS_OPT_SHARD,
    PS_OPT_SAVE,
    PS_OPT_EXPECT, PS_OPT_WRITE_EXPECT, PS_OPT_FORCE, PS_OPT_REPEAT, PS_OPT_MERGE, PS_OPT_STRICT,
    PS_OPT_JSON, PS_OPT_HTML, PS_OPT_JUNIT, PS_OPT_MARKDOWN, PS_OPT_QUIET, PS_OPT_VERBOSE,
    PS_OPT_RULES, PS_OPT_CLAUSES, PS_OPT_CLAUSE,
    PS_OPT_COUNT
} ps_opt_id;

typedef enum {
    PS_ARG_SWITCH,    /* no value */
    PS_ARG_VALUE,     /* the next word is its value (for the commands of bare_ok, left out: "-") */
    PS_ARG_LIST,      /* a value; given again, the values join with commas */
} ps_arg_kind;

/* A value's check: 0, or -1 with the reason (naming the flag and the value) in err. */
typedef int (*ps_opt_check)(const char *flag, const char *value, char *err, size_t errlen);

typedef struct {
    ps_opt_id id;
    const char *name;      /* "--target" */
    ps_arg_kind kind;
    const char *value;     /* its value in the help, "FILE"; NULL for a switch */
    unsigned cmds;         /* PS_CMD_* that take it */
    int group;             /* PS_GROUP_*: where the help lists it */
    ps_opt_check check;    /* NULL: any value */
    const char *help;      /* lines joined by '\n', without indentation */
    unsigned bare_ok;      /* PS_CMD_* where the value may be left out (next word an option, or none) */
} ps_cli_opt;

/* Another help text of an option for some commands (its meaning there differs). */
typedef struct {
    ps_opt_id id;
    unsigned cmds;
    const char *help;
} ps_cli_help_variant;

enum { PS_GROUP_EXPLORE, PS_GROUP_TARGET, PS_GROUP_SDK, PS_GROUP_SELECTION, PS_GROUP_RUNNING, PS_GROUP_OUTPUT,
       PS_GROUP_COUNT };

typedef struct {
    const char *heading;   /* NULL: its options follow without a heading */
} ps_cli_group;

extern const ps_cli_opt ps_cli_opts[];                 /* ends with a NULL name */
extern const ps_cli_help_variant ps_cli_help_variants[];   /* ends with a NULL help */
extern const ps_cli_group ps_cli_groups[PS_GROUP_COUNT];

/* One command's words, parsed. */
typedef struct {
    const char *val[PS_OPT_COUNT];   /* the value; "1" for a switch given; NULL when not given */
    char list[PS_OPT_COUNT][1024];   /* PS_ARG_LIST values, comma-joined (val points here) */
    const char **pos;                /* the words that are not options, in order */
    int npos;
} ps_cli;

/* The name of the command CMD (one PS_CMD_* bit). */
const char *ps_cli_command_name(unsigned cmd);
/* Parses ARGV (the words after the command's name) for the command CMD. 0, or 2 after
 * printing the error (the flag, the command, and `pushspec help CMD`). Free with ps_cli_free. */
int ps_cli_parse(unsigned cmd, int argc, char **argv, ps_cli *out);
void ps_cli_free(ps_cli *c);
/* Prints "pushspec CMD: MESSAGE" and where to read the options; returns 2. */
int ps_cli_usage(unsigned cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* TEXT as MiB (or with a suffix M or G) into bytes; -1 when not from 32 MiB to 1 TiB. */
int ps_cli_mebibytes(const char *text, size_t *bytes);
/* The option lines of the commands CMDS (a mask), grouped, as the help prints them,
 * appended to OUT at *used. */
void ps_cli_options_help(unsigned cmds, char *out, size_t outlen, size_t *used);

#endif

/* The one command-line parser: every command's words read against the option
 * table (cli_opts.c), and the option lines of the help written from it. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2
#define HELP_COLUMN 20   /* option names are padded to this; the help starts 3 columns later */

static const char *const command_names[] = { "run", "fuzz", "explore", "list", "init", "scenarios", "report" };
/* What each command takes besides options, said with an unknown option. */
static const char *const command_words[] = {
    NULL, NULL, NULL, NULL, "init takes one FILE and --force", "scenarios export takes one folder and --force",
    "report takes result files, --html, --junit and --markdown",
};

const char *ps_cli_command_name(unsigned cmd)
{
    for (size_t i = 0; i < sizeof(command_names) / sizeof(command_names[0]); i++)
        if (cmd == 1u << i)
            return command_names[i];
    return "?";
}

int ps_cli_usage(unsigned cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "pushspec %s: ", ps_cli_command_name(cmd));
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nRun 'pushspec help %s' for its options.\n", ps_cli_command_name(cmd));
    return EXIT_USAGE;
}

static const ps_cli_opt *find_opt(const char *name)
{
    for (const ps_cli_opt *o = ps_cli_opts; o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    return NULL;
}

/* "run, fuzz" into out: the commands of MASK. */
static const char *commands_of(unsigned mask, char *out, size_t outlen)
{
    size_t w = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof(command_names) / sizeof(command_names[0]) && w < outlen; i++)
        if (mask & (1u << i))
            w += (size_t)snprintf(out + w, outlen - w, "%s%s", w ? ", " : "", command_names[i]);
    return out;
}

/* Stores VALUE of option O, checked. 0, or 2 after saying why. */
static int store(unsigned cmd, const ps_cli_opt *o, const char *value, ps_cli *c)
{
    char err[512];
    if (o->check && o->check(o->name, value, err, sizeof(err)) < 0)
        return ps_cli_usage(cmd, "%s", err);
    if (o->kind != PS_ARG_LIST) {
        c->val[o->id] = value;
        return 0;
    }
    char *list = c->list[o->id];
    size_t used = strlen(list);
    if (used + strlen(value) + 2 > sizeof(c->list[0]))
        return ps_cli_usage(cmd, "%s: too many values", o->name);
    snprintf(list + used, sizeof(c->list[0]) - used, "%s%s", used ? "," : "", value);
    c->val[o->id] = list;
    return 0;
}

int ps_cli_parse(unsigned cmd, int argc, char **argv, ps_cli *c)
{
    memset(c, 0, sizeof(*c));
    c->pos = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*c->pos));
    if (!c->pos)
        return fprintf(stderr, "pushspec: out of memory\n"), EXIT_USAGE;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1]) {   /* "-" alone is a word: stdout, for the commands that take it */
            c->pos[c->npos++] = a;
            continue;
        }
        const ps_cli_opt *o = find_opt(a);
        char names[128];
        const char *words = command_words[__builtin_ctz(cmd)];
        if (!o)
            return ps_cli_usage(cmd, "unknown option '%s'%s%s%s", a, words ? " (" : "", words ? words : "",
                                words ? ")" : "");
        if (!(o->cmds & cmd))
            return ps_cli_usage(cmd, "unknown option '%s' (it goes with pushspec %s)", a,
                                commands_of(o->cmds, names, sizeof(names)));
        const char *value = "1";
        int bare = (o->bare_ok & cmd) && (i + 1 >= argc || (argv[i + 1][0] == '-' && argv[i + 1][1]));
        if (bare)
            value = "-";
        else if (o->kind != PS_ARG_SWITCH) {
            if (i + 1 >= argc && !o->check)
                return ps_cli_usage(cmd, "%s needs a value (%s)", a, o->value);
            value = i + 1 < argc ? argv[++i] : "";   /* missing, with a check: its words say what it takes */
        }
        if (store(cmd, o, value, c))
            return EXIT_USAGE;
    }
    return 0;
}

void ps_cli_free(ps_cli *c)
{
    free(c->pos);
    c->pos = NULL;
}

static void put(char *out, size_t outlen, size_t *used, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(char *out, size_t outlen, size_t *used, const char *fmt, ...)
{
    if (*used >= outlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + *used, outlen - *used, fmt, ap);
    va_end(ap);
    *used += n > 0 ? (size_t)n : 0;
    if (*used >= outlen)
        *used = outlen - 1;
}

static const char *help_of(const ps_cli_opt *o, unsigned cmds)
{
    for (const ps_cli_help_variant *v = ps_cli_help_variants; v->help; v++)
        if (v->id == o->id && (v->cmds & cmds))
            return v->help;
    return o->help;
}

void ps_cli_options_help(unsigned cmds, char *out, size_t outlen, size_t *used)
{
    int headings = (cmds & (PS_CMD_RUN | PS_CMD_FUZZ | PS_CMD_EXPLORE)) != 0;
    for (int g = 0; g < PS_GROUP_COUNT; g++) {
        int first = 1;
        for (const ps_cli_opt *o = ps_cli_opts; o->name; o++) {
            if (o->group != g || !(o->cmds & cmds))
                continue;
            if (first && headings && ps_cli_groups[g].heading)
                put(out, outlen, used, "%s%s\n", *used && out[*used - 2] != '\n' ? "\n" : "", ps_cli_groups[g].heading);
            first = 0;
            char name[64];
            snprintf(name, sizeof(name), "%s%s%s", o->name, o->value ? " " : "", o->value ? o->value : "");
            if (strlen(name) > HELP_COLUMN)
                put(out, outlen, used, "  %s\n%*s", name, HELP_COLUMN + 3, "");
            else
                put(out, outlen, used, "  %-*s ", HELP_COLUMN, name);
            for (const char *h = help_of(o, cmds), *nl; *h; h = nl + 1) {   /* each line indented under the first */
                nl = strchr(h, '\n');
                int len = nl ? (int)(nl - h) : (int)strlen(h);
                put(out, outlen, used, "%.*s\n", len, h);
                if (!nl || !nl[1])
                    break;
                put(out, outlen, used, "%*s", HELP_COLUMN + 3, "");
            }
        }
    }
}

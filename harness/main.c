/* pushspec: the command line. Parses flags, loads the catalog, target and
 * scenarios, runs them, prints and writes the results. */
#include "cli.h"
#include "help.h"
#include "init.h"
#include "repeat.h"
#include "scenarios_cmd.h"
#include "clauses_cmd.h"
#include "core/clauses.h"
#include "core/rules.h"
#include "core/sign.h"
#include "net/net.h"
#include "net/preflight.h"
#include "lua/runner.h"
#include "lua/target.h"
#include "explore_cmd.h"
#include "explore_diff.h"
#include "report/console.h"
#include "report/header.h"
#include "report/expect_write.h"
#include "report/outpath.h"
#include "report/report.h"
#include "report/result.h"
#include "core/hostport.h"
#include "core/redact.h"
#include "net/limits.h"
#include "net/adapter.h"
#include "net/redacted_print.h"
#include "net/stop.h"
#include "net/budget.h"
#include "report/finish.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define MODE_EXPLORE 2

typedef struct {
    const char *target, *url, *http_url, *app_id, *key, *secret;
    const char *filter, *scenarios, *expect, *json;
    char tag[1024], exclude_tag[1024];   /* comma lists: every --tag / --exclude-tag given */
    const char *sdk, *listen, *html, *junit, *markdown;
    const char *seconds, *seed;   /* fuzz (seed: explore too) */
    int fuzz;                     /* 1 fuzz, MODE_EXPLORE explore */
    const char *ops, *budget, *weights, *shard, *save, *sequences;   /* explore */
    int jobs, strict, insecure, quiet, verbose;
    double scale;
    size_t max_memory;   /* bytes; 0: the default */
    int rules, clauses;            /* list (its --json FILE is json; "-" stdout) */
    const char *clause;            /* list --clause RULE-ID[:label] */
    const char *write_expect;      /* run */
    int force;
    int merge;                     /* --merge: --write-expect merges into an existing FILE */
} opts;

/* The parsed words as the commands use them. */
static void opts_from(const ps_cli *c, opts *o)
{
    const char *const *v = c->val;
    o->target = v[PS_OPT_TARGET], o->url = v[PS_OPT_URL], o->http_url = v[PS_OPT_HTTP_URL];
    o->app_id = v[PS_OPT_APP_ID], o->key = v[PS_OPT_KEY], o->secret = v[PS_OPT_SECRET];
    o->filter = v[PS_OPT_FILTER], o->scenarios = v[PS_OPT_SCENARIOS], o->expect = v[PS_OPT_EXPECT];
    o->json = v[PS_OPT_JSON], o->sdk = v[PS_OPT_SDK], o->listen = v[PS_OPT_LISTEN];
    snprintf(o->tag, sizeof(o->tag), "%s", v[PS_OPT_TAG] ? v[PS_OPT_TAG] : "");
    snprintf(o->exclude_tag, sizeof(o->exclude_tag), "%s", v[PS_OPT_EXCLUDE_TAG] ? v[PS_OPT_EXCLUDE_TAG] : "");
    o->html = v[PS_OPT_HTML], o->junit = v[PS_OPT_JUNIT], o->markdown = v[PS_OPT_MARKDOWN];
    o->seconds = v[PS_OPT_SECONDS], o->seed = v[PS_OPT_SEED];
    o->ops = v[PS_OPT_OPS], o->budget = v[PS_OPT_BUDGET], o->weights = v[PS_OPT_WEIGHTS];
    o->shard = v[PS_OPT_SHARD], o->save = v[PS_OPT_SAVE], o->sequences = v[PS_OPT_SEQUENCES];
    o->jobs = v[PS_OPT_JOBS] ? atoi(v[PS_OPT_JOBS]) : 0;   /* the table checked the values */
    o->scale = v[PS_OPT_TIMEOUT_SCALE] ? strtod(v[PS_OPT_TIMEOUT_SCALE], NULL) : 0;
    if (v[PS_OPT_MAX_MEMORY])
        ps_cli_mebibytes(v[PS_OPT_MAX_MEMORY], &o->max_memory);
    o->strict = !!v[PS_OPT_STRICT], o->insecure = !!v[PS_OPT_INSECURE];
    o->quiet = !!v[PS_OPT_QUIET], o->verbose = !!v[PS_OPT_VERBOSE];
    o->clauses = !!v[PS_OPT_CLAUSES];
    o->clause = v[PS_OPT_CLAUSE];
    o->rules = !!v[PS_OPT_RULES] || o->clauses;
    o->write_expect = v[PS_OPT_WRITE_EXPECT], o->force = !!v[PS_OPT_FORCE], o->merge = !!v[PS_OPT_MERGE];
}

/* The words of command CMD into O; 0, or 2 (said) for a bad word or a stray argument. */
static int parse_flags(unsigned cmd, int argc, char **argv, opts *o)
{
    ps_cli c;
    int rc = ps_cli_parse(cmd, argc, argv, &c);
    if (!rc && c.npos)
        rc = ps_cli_usage(cmd, "unexpected argument '%s' (options start with --)", c.pos[0]);
    if (!rc)
        opts_from(&c, o);
    ps_cli_free(&c);   /* the values point into argv; the tag lists were copied */
    return rc;
}

static int matches_any(const char *globs, const char *text)
{
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", globs);
    for (char *save, *g = strtok_r(buf, ",", &save); g; g = strtok_r(NULL, ",", &save))
        if (fnmatch(g, text, 0) == 0)
            return 1;
    return 0;
}

/* Whether S has one of the comma-separated TAGS. */
static int has_any_tag(const ps_scenario *s, const char *tags)
{
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", tags);
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (ps_scenario_has_tag(s, t))
            return 1;
    return 0;
}

static size_t select_scenarios(ps_runner *r, const opts *o)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nsc; i++) {
        ps_scenario *s = r->sc[i];
        int keep = 1;
        if (o->filter) {
            keep = matches_any(o->filter, s->id);
            for (size_t j = 0; !keep && j < s->nrules; j++)
                keep = matches_any(o->filter, s->rules[j]);
        }
        if (o->tag[0] && !has_any_tag(s, o->tag))
            keep = 0;
        if (o->exclude_tag[0] && has_any_tag(s, o->exclude_tag))
            keep = 0;
        s->selected = keep;
        n += (size_t)keep;
    }
    return n;
}

/* pushspec list --json: every rule with the scenarios that check it, and every scenario. */
static cJSON *list_json(const ps_catalog *cat, const ps_runner *r)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *rules = cJSON_AddArrayToObject(root, "rules");
    for (size_t i = 0; i < cat->n; i++) {
        cJSON *ro = cJSON_CreateObject();
        cJSON_AddStringToObject(ro, "id", cat->rules[i].id);
        cJSON_AddStringToObject(ro, "roles", cat->rules[i].roles);
        cJSON_AddStringToObject(ro, "strength", cat->rules[i].should ? "SHOULD" : "MUST");
        cJSON_AddStringToObject(ro, "section", cat->rules[i].section);
        cJSON_AddStringToObject(ro, "text", cat->rules[i].text);
        cJSON *by = cJSON_AddArrayToObject(ro, "scenarios");
        size_t pos = 0;
        for (const ps_scenario *s; (s = ps_runner_checking(r, cat->rules[i].id, &pos));)
            cJSON_AddItemToArray(by, cJSON_CreateString(s->id));
        cJSON_AddItemToArray(rules, ro);
    }
    cJSON *scs = cJSON_AddArrayToObject(root, "scenarios");
    for (size_t j = 0; j < r->nsc; j++) {
        cJSON *so = cJSON_CreateObject();
        cJSON_AddStringToObject(so, "id", r->sc[j]->id);
        cJSON_AddStringToObject(so, "title", r->sc[j]->title);
        cJSON_AddStringToObject(so, "file", r->sc[j]->file);
        cJSON_AddNumberToObject(so, "line", r->sc[j]->line);
        if (r->sc[j]->profile)
            cJSON_AddStringToObject(so, "profile", r->sc[j]->profile);
        cJSON *rl = cJSON_AddArrayToObject(so, "rules");
        for (size_t k = 0; k < r->sc[j]->nrules; k++)
            cJSON_AddItemToArray(rl, cJSON_CreateString(r->sc[j]->rules[k]));
        cJSON *tl = cJSON_AddArrayToObject(so, "tags");
        for (size_t k = 0; k < r->sc[j]->ntags; k++)
            cJSON_AddItemToArray(tl, cJSON_CreateString(r->sc[j]->tags[k]));
        cJSON_AddItemToArray(scs, so);
    }
    return root;
}

/* TEXT and a newline to PATH ("-": stdout). 0, or -1 (said). */
static int write_text(const char *path, const char *text)
{
    if (!strcmp(path, "-"))
        return puts(text) == EOF ? -1 : 0;
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) == EOF || fputc('\n', f) == EOF || fclose(f) != 0) {
        fprintf(stderr, "pushspec list: cannot write %s: %s\n", path, strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    return 0;
}

static int cmd_list(int argc, char **argv)
{
    opts o = { 0 };
    char err[1024];
    if (parse_flags(PS_CMD_LIST, argc, argv, &o))
        return EXIT_USAGE;
    if (o.clause && o.json)
        return ps_cli_usage(PS_CMD_LIST, "%s", "--clause prints one clause as text; --clauses --json lists them all");
    if (o.clause)
        o.clauses = o.rules = 1;
    ps_catalog cat;
    if (ps_catalog_builtin(&cat, err, sizeof(err)) < 0)
        return fprintf(stderr, "pushspec: %s\n", err), EXIT_USAGE;
    ps_runner r = { 0 };
    int bad = ps_runner_init(&r, &cat, err, sizeof(err)) < 0;
    if (!bad && o.scenarios)
        bad = ps_runner_load_scenarios(&r, o.scenarios, err, sizeof(err)) < 0;
    for (int i = 0; !bad && !o.scenarios && i < PS_ROLE_COUNT; i++)
        bad = ps_runner_load_embedded(&r, ps_target_scenario_dir(ps_role_get((ps_role_kind)i), 0), err,
                                      sizeof(err)) < 0;
    if (bad) {
        fprintf(stderr, "pushspec: %s\n", err);
        ps_runner_free(&r);
        ps_catalog_free(&cat);
        return EXIT_USAGE;
    }
    int rc = 0;
    if (o.json) {
        cJSON *root = list_json(&cat, &r);
        rc = o.clauses ? ps_list_clauses(&cat, &r, o.scenarios, NULL, root) : 0;
        char *text = rc ? NULL : cJSON_Print(root);
        if (text && write_text(o.json, text) < 0)
            rc = EXIT_USAGE;
        free(text);
        cJSON_Delete(root);
    } else if (o.clauses) {
        rc = ps_list_clauses(&cat, &r, o.scenarios, o.clause, NULL);
    } else if (o.rules) {
        const char *section = "";
        for (size_t i = 0; i < cat.n; i++) {
            const ps_rule *ru = &cat.rules[i];
            if (strcmp(section, ru->section)) {
                section = ru->section;
                printf("\n%s\n", section);
            }
            printf("  %-9s [%s] %-6s %s\n", ru->id, ru->roles, ru->should ? "SHOULD" : "MUST", ru->text);
            printf("            checked by:");
            size_t pos = 0;
            int any = 0;
            for (const ps_scenario *s; (s = ps_runner_checking(&r, ru->id, &pos)); any = 1)
                printf(" %s", s->id);
            printf("%s\n", any ? "" : " (no scenario yet)");
        }
    } else {
        for (size_t j = 0; j < r.nsc; j++) {
            ps_scenario *s = r.sc[j];
            printf("%-44s", s->id);
            for (size_t k = 0; k < s->nrules; k++)
                printf(" %s", s->rules[k]);
            for (size_t k = 0; k < s->ntags; k++)
                printf(" #%s", s->tags[k]);
            printf("\n    %s\n", s->title);
        }
        printf("%zu scenarios\n", r.nsc);
    }
    ps_runner_free(&r);
    ps_catalog_free(&cat);
    return rc;
}

/* Every output's folder exists and is writable before a long run starts. */
static int prepare_outputs(const opts *o, char *err, size_t errlen)
{
    const char *files[] = { o->json, o->junit, o->markdown };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        if (files[i] && ps_out_prepare(files[i], i == 2 ? PS_OUT_FILE_OR_STDOUT : PS_OUT_FILE, err, errlen) < 0)
            return -1;
    if (o->write_expect && ps_expect_write_prepare(o->write_expect, o->force, o->merge, err, errlen) < 0)
        return -1;
    return o->html ? ps_out_prepare(o->html, PS_OUT_DIR, err, errlen) : 0;
}

/* Where explore writes the minimal failing sequences: --save, else beside the result. */
static const char *explore_save_dir(const opts *o, char *buf, size_t len)
{
    if (o->save)
        return o->save;
    if (!o->json)
        return "pushspec-explore";
    snprintf(buf, len, "%s", o->json);
    char *dot = strrchr(buf, '.'), *slash = strrchr(buf, '/');
    if (dot && (!slash || dot > slash))
        *dot = 0;
    size_t n = strlen(buf);
    snprintf(buf + n, len - n, ".scenarios");
    return buf;
}

/* One long sequence on purpose: each step can stop the run with its own message. */
static int cmd_run(int argc, char **argv, int fuzz)
{
    opts o = { 0 };
    char err[2048];
    unsigned cmd = fuzz == MODE_EXPLORE ? PS_CMD_EXPLORE : fuzz ? PS_CMD_FUZZ : PS_CMD_RUN;
    o.fuzz = fuzz;
    if (parse_flags(cmd, argc, argv, &o))
        return EXIT_USAGE;
    if (fuzz && o.sdk)
        return ps_cli_usage(cmd, "%s", fuzz == MODE_EXPLORE ? "pushspec explore tests a server: give --target or --url, not --sdk"
                               : "pushspec fuzz sends hostile input to a server: give --target or --url, not --sdk");
    char save_buf[1024];
    const char *explore_args[24] = { 0 };   /* 10 key/value pairs and NULL */
    if (fuzz == MODE_EXPLORE && ps_explore_args(o.seed, o.ops, o.budget, o.weights, o.shard, o.sequences, o.jobs,
                                                explore_save_dir(&o, save_buf, sizeof(save_buf)), explore_args,
                                                err, sizeof(err)) < 0)
        return ps_cli_usage(cmd, "%s", err);
    if (o.seed && !fuzz && !o.sdk)
        return ps_cli_usage(cmd, "%s", "--seed goes with pushspec fuzz, or with --sdk (the seed of the fake server's forms)");
    if (o.merge && !o.write_expect)
        return ps_cli_usage(cmd, "%s", "--merge goes with --write-expect FILE (merge this run into the baseline it names)");
    if (o.force && !o.write_expect)
        return ps_cli_usage(cmd, "%s", "--force goes with --write-expect FILE (overwrite the baseline it names)");
    if (o.sdk && (o.target || o.url))
        return ps_cli_usage(cmd, "%s", "--sdk runs the fake-server role (pushspec is the server); it takes no --target or --url");
    ps_catalog cat;
    ps_baseline base = { 0 };
    ps_runner r = { 0 };
    ps_target_info ti = { 0 };
    int rc = EXIT_USAGE;

    if (ps_catalog_builtin(&cat, err, sizeof(err)) < 0)
        return fprintf(stderr, "pushspec: %s\n", err), EXIT_USAGE;
    ps_stop_install();   /* a SIGINT/SIGTERM from here on stops what runs, adapters included */
    r.jobs = fuzz == MODE_EXPLORE && !o.jobs ? 1 : o.jobs;
    ps_budget_set(o.max_memory);
    r.env.timeout_scale = o.scale;
    r.env.insecure = o.insecure;
    if (ps_sign_init() < 0 || ps_runner_init(&r, &cat, err, sizeof(err)) < 0 ||
        (o.expect && ps_baseline_load(o.expect, &cat, &base, err, sizeof(err)) < 0))
        goto fail;
    if (ps_net_init(o.verbose) < 0) {
        snprintf(err, sizeof(err), "cannot start the libwebsockets event loop");
        goto fail;
    }
    if (fuzz == MODE_EXPLORE)
        ps_explore_add_known(explore_args, &base);
    ps_target_args ta = { o.target, o.url, o.http_url, o.app_id, o.key, o.secret, fuzz, o.seconds, o.seed,
                          fuzz == MODE_EXPLORE ? explore_args : NULL };
    if (o.sdk ? ps_target_sdk(&r, o.sdk, o.listen, o.scale, o.seed, &ti, err, sizeof(err)) < 0
              : ps_target_load(&r, &ta, &ti, err, sizeof(err)) < 0)
        goto fail;
    ps_redact_set_secret(ti.secret);   /* from here on no output shows it */
    const char *dir = ps_target_scenario_dir(ti.role, fuzz);
    if ((o.scenarios ? ps_runner_load_scenarios(&r, o.scenarios, err, sizeof(err))
                     : ps_runner_load_embedded(&r, dir, err, sizeof(err))) < 0)
        goto fail;
    if (select_scenarios(&r, &o) == 0 || (fuzz == MODE_EXPLORE && ps_explore_select(&r, o.jobs) == 0)) {
        snprintf(err, sizeof(err), "no scenario matches the selection (see pushspec list)");
        goto fail;
    }
    if (prepare_outputs(&o, err, sizeof(err)) < 0)
        goto fail;
    if (ps_target_start_webhooks(&r, &ti, fuzz == MODE_EXPLORE, err, sizeof(err)) < 0)
        goto fail;
    if (!o.sdk) {
        char path[512];
        snprintf(path, sizeof(path), "/app/%s?protocol=7&client=pushspec&version=%s", ti.key, PUSHSPEC_VERSION);
        if (ps_target_preflight(&ti, path, o.insecure, (int)(5000 * (o.scale > 0 ? o.scale : 1)), err,
                                sizeof(err)) < 0)
            goto fail;
    }
    if (fuzz == MODE_EXPLORE && getenv(PS_EXPLORE_PREFLIGHT_ENV)) {   /* explore_diff.c: is it reachable? */
        rc = 0;
        goto done;
    }
    int is_tty = isatty(2);
    ps_console_init(is_tty, is_tty && !getenv("NO_COLOR"), o.quiet, ti.secret);
    r.observer = ps_console_observer(&r);
    ps_header head;
    char line[600];
    ps_header_of_target(&head, &ti);
    ps_say("%s\n", ps_header_line(&head, line, sizeof(line)));
    for (int i = 0; i < ti.nnodes; i++)   /* a cluster: every node it spreads the scenarios over */
        ps_say("  %s: %s, %s\n", ti.node_name[i], ti.node_url[i], ti.node_http_url[i]);
    ps_finish_opts fo = { o.json, o.html, o.junit, o.markdown, o.expect, o.strict, ti.role, o.write_expect, o.merge };
    if (ps_stop_requested())
        goto stopped;
    ps_runner_run(&r);   /* returns early on a stop (a signal, or a Lua panic that unwound to it) */
    int sig = ps_stop_requested();
    rc = ps_run_finish(&r, &base, &ti, &fo, sig);   /* a stop: the partial result, exit 128 + sig */
    if (sig)
        ps_adapter_stop_all();
    goto done;

fail:
    if (ps_stop_requested())
        goto stopped;
    ps_say("pushspec: %s\n", err);
    rc = EXIT_USAGE;
    goto done;
stopped:
    ps_say("pushspec: interrupted by signal %d before the run started; no result written\n", ps_stop_requested());
    rc = 128 + ps_stop_requested();
done:
    ps_runner_free(&r);
    ps_net_destroy();
    ps_target_free(&ti);
    ps_redact_set_secret(NULL);
    ps_baseline_free(&base);
    ps_catalog_free(&cat);
    return rc;
}

/* init, scenarios export and report: commands of words and a few options. */
static int cmd_words(const char *name, int argc, char **argv)
{
    unsigned cmd = !strcmp(name, "init") ? PS_CMD_INIT : !strcmp(name, "scenarios") ? PS_CMD_SCENARIOS : PS_CMD_REPORT;
    ps_cli c;
    int rc = ps_cli_parse(cmd, argc, argv, &c);
    const char *const *v = c.val;
    if (rc)
        ;
    else if (cmd == PS_CMD_INIT)
        rc = c.npos > 1 ? ps_cli_usage(cmd, "init takes one FILE and --force, not also '%s'", c.pos[1])
                        : ps_cmd_init(c.npos ? c.pos[0] : NULL, !!v[PS_OPT_FORCE]);
    else if (cmd == PS_CMD_SCENARIOS && (c.npos < 1 || strcmp(c.pos[0], "export")))
        rc = ps_cli_usage(cmd, "%s", c.npos < 1 ? "scenarios needs a subcommand: export DIR"
                                                : "the only scenarios subcommand is export");
    else if (cmd == PS_CMD_SCENARIOS)
        rc = c.npos != 2 || !c.pos[1][0] ? ps_cli_usage(cmd, "%s", c.npos < 2 ? "scenarios export needs the folder to write to"
                                                                    : "scenarios export takes one folder and --force")
                                         : ps_cmd_scenarios_export(c.pos[1], !!v[PS_OPT_FORCE]);
    else if (!c.npos)
        rc = ps_cli_usage(cmd, "%s", "no result file given (make one with 'pushspec run --json FILE')");
    else if (!v[PS_OPT_HTML] && !v[PS_OPT_JUNIT] && !v[PS_OPT_MARKDOWN])
        rc = ps_cli_usage(cmd, "%s", "say which report to write: --html DIR, --junit FILE or --markdown FILE");
    else
        rc = ps_report_write(c.pos, (size_t)c.npos, v[PS_OPT_HTML], v[PS_OPT_JUNIT], v[PS_OPT_MARKDOWN]);
    ps_cli_free(&c);
    return rc;
}

/* The catalogs compiled into the binary (CMakeLists.txt's embed_text), handed to core. */
extern const char ps_embedded_rules[], ps_embedded_clauses[];

int main(int argc, char **argv)
{
    ps_catalog_register_builtin(ps_embedded_rules);
    ps_clauses_register_builtin(ps_embedded_clauses);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        const char *text = argc >= 3 && !strcmp(argv[1], "help") ? ps_help_text(argv[2]) : ps_help_main;
        char names[256];
        if (!text) {
            fprintf(stderr, "pushspec: no help topic '%s'; the topics: %s\n", argv[2],
                    ps_help_topic_names(names, sizeof(names)));
            return EXIT_USAGE;
        }
        fputs(text, stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("pushspec %s (protocol 7)\n", PUSHSPEC_VERSION);
        return 0;
    }
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(ps_help_text(argv[1]) ? ps_help_text(argv[1]) : ps_help_main, stdout);
            return 0;
        }
    int repeated = ps_repeat_main(argc, argv);   /* --repeat N: this binary run N times */
    if (repeated >= 0)
        return repeated;
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc - 2, argv + 2, 0);
    if (!strcmp(argv[1], "fuzz"))
        return cmd_run(argc - 2, argv + 2, 1);
    if (!strcmp(argv[1], "explore")) {
        int diff = ps_explore_diff_main(argc - 2, argv + 2);   /* two --target: both, compared */
        return diff >= 0 ? diff : cmd_run(argc - 2, argv + 2, MODE_EXPLORE);
    }
    if (!strcmp(argv[1], "list"))
        return cmd_list(argc - 2, argv + 2);
    if (!strcmp(argv[1], "init") || !strcmp(argv[1], "scenarios") || !strcmp(argv[1], "report"))
        return cmd_words(argv[1], argc - 2, argv + 2);
    fprintf(stderr, "pushspec: unknown command '%s'\n\n%s", argv[1], ps_help_main);
    return EXIT_USAGE;
}

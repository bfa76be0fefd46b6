/* Every option of every command, once: its name, whether it takes a value, which
 * commands take it, how its value is checked, and its help line(s). The parser
 * (cli.c) and the help (help.c, and so the man page) both read this table. */
#include "cli.h"
#include "net/budget.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERVER (PS_CMD_RUN | PS_CMD_FUZZ | PS_CMD_EXPLORE)   /* the commands that test a server */

int ps_cli_mebibytes(const char *text, size_t *bytes)
{
    char *end;
    double v = strtod(text, &end);
    if (*end == 'G' || *end == 'g')
        v *= 1024, end++;
    else if (*end == 'M' || *end == 'm')
        end++;
    if (end == text || *end || !(v >= (double)(PS_MEMORY_MIN >> 20)) || v > 1048576)
        return -1;
    *bytes = (size_t)v << 20;
    return 0;
}

static int check_memory(const char *flag, const char *v, char *err, size_t errlen)
{
    size_t bytes;
    if (ps_cli_mebibytes(v, &bytes) == 0)
        return 0;
    snprintf(err, errlen, "%s takes MiB from 32 to 1048576 (or e.g. 2G), not '%s'", flag, v);
    return -1;
}

static int check_jobs(const char *flag, const char *v, char *err, size_t errlen)
{
    char *end;
    double n = strtod(v, &end);
    if (end != v && !*end && n >= 1 && n <= 10000 && n == (int)n)
        return 0;
    snprintf(err, errlen, "%s takes a whole number from 1 to 10000, not '%s'", flag, v);
    return -1;
}

static int check_scale(const char *flag, const char *v, char *err, size_t errlen)
{
    char *end;
    double x = strtod(v, &end);
    if (end != v && !*end && x > 0 && isfinite(x) && x <= 1000)
        return 0;
    snprintf(err, errlen, "%s takes a positive number up to 1000, not '%s'", flag, v);
    return -1;
}

static int check_seconds(const char *flag, const char *v, char *err, size_t errlen)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (end != v && !*end && n >= 1 && n <= 86400)
        return 0;
    snprintf(err, errlen, "%s takes a whole number from 1 to 86400, not '%s'", flag, v);
    return -1;
}

static int check_tags(const char *flag, const char *v, char *err, size_t errlen)
{
    if (strspn(v, ",") < strlen(v))
        return 0;
    snprintf(err, errlen, "%s needs a tag, or tags separated by commas (e.g. slow,destructive), not '%s'", flag, v);
    return -1;
}

const ps_cli_group ps_cli_groups[PS_GROUP_COUNT] = {
    [PS_GROUP_EXPLORE] = { "Seeds and budgets:" },
    [PS_GROUP_TARGET] = { "Target (a file, flags, or the environment; flags win over the environment,\n"
                          "which wins over the file):" },
    [PS_GROUP_SDK] = { "SDK under test (fake-server role; pushspec plays the Pusher server; run only):" },
    [PS_GROUP_SELECTION] = { "Selection:" },
    [PS_GROUP_RUNNING] = { "Running:" },
    [PS_GROUP_OUTPUT] = { "Verdicts and output:" },
};

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"   /* most rows leave bare_ok out: 0 */
const ps_cli_opt ps_cli_opts[] = {
    /* explore's own */
    { PS_OPT_SEED, "--seed", PS_ARG_VALUE, "N", SERVER, PS_GROUP_EXPLORE, NULL,
      "fuzz: the seed of the mutations (default: the time; printed).\n"
      "With --sdk: the seed that draws the fake server's forms (member\n"
      "order, spacing, header case); the console and the result show it" },
    { PS_OPT_SECONDS, "--seconds", PS_ARG_VALUE, "N", PS_CMD_FUZZ, PS_GROUP_EXPLORE, check_seconds,
      "fuzz: how long to send hostile input (1 to 86400)" },
    { PS_OPT_OPS, "--ops", PS_ARG_VALUE, "N", PS_CMD_EXPLORE, PS_GROUP_EXPLORE, NULL,
      "operations per sequence (default 200)" },
    { PS_OPT_BUDGET, "--budget", PS_ARG_VALUE, "SECONDS", PS_CMD_EXPLORE, PS_GROUP_EXPLORE, NULL,
      "exploring time (default 30); sequences start while time is\n"
      "left; shrinking does not count towards it" },
    { PS_OPT_SEQUENCES, "--sequences", PS_ARG_VALUE, "N", PS_CMD_EXPLORE, PS_GROUP_EXPLORE, NULL,
      "at most N sequences per job (with a fixed seed: the same\n"
      "operations on every machine, however fast)" },
    { PS_OPT_WEIGHTS, "--weights", PS_ARG_VALUE, "LIST", PS_CMD_EXPLORE, PS_GROUP_EXPLORE, NULL,
      "name=weight,... of the operation families (connect, close,\n"
      "subscribe, unsubscribe, client_event, trigger, get_channels,\n"
      "get_channel, get_users, signin, terminate_user, wait);\n"
      "0 leaves a family out" },
    { PS_OPT_SHARD, "--shard", PS_ARG_VALUE, "I/N", PS_CMD_EXPLORE, PS_GROUP_EXPLORE, NULL,
      "this machine's part of the seeds: sequence k of the run uses\n"
      "seed S + k*N + I-1, so N machines never repeat a sequence;\n"
      "pushspec report merges their result files (same target,\n"
      "seed, ops, sequences, jobs and weights) into one column" },
    { PS_OPT_SAVE, "--save", PS_ARG_VALUE, "DIR", PS_CMD_EXPLORE, PS_GROUP_EXPLORE, NULL,
      "where the minimal failing sequences are written as scenario\n"
      "files (default: beside --json, as NAME.scenarios/, else\n"
      "./pushspec-explore/)" },

    /* the target */
    { PS_OPT_TARGET, "--target", PS_ARG_VALUE, "FILE", SERVER, PS_GROUP_TARGET, NULL,
      "Lua file returning {url=, http_url=, app={id=, key=, secret=},\n"
      "profiles={...}, limits={...}}; pushspec init writes one" },
    { PS_OPT_URL, "--url", PS_ARG_VALUE, "URL", SERVER, PS_GROUP_TARGET, NULL,
      "WebSocket base URL, ws://HOST:PORT     (PUSHER_TARGET_URL)" },
    { PS_OPT_HTTP_URL, "--http-url", PS_ARG_VALUE, "URL", SERVER, PS_GROUP_TARGET, NULL,
      "HTTP API base URL, http://HOST:PORT    (PUSHER_HTTP_URL;\n"
      "default: the WebSocket URL with http)" },
    { PS_OPT_APP_ID, "--app-id", PS_ARG_VALUE, "ID", SERVER, PS_GROUP_TARGET, NULL, "(PUSHER_APP_ID)" },
    { PS_OPT_KEY, "--key", PS_ARG_VALUE, "KEY", SERVER, PS_GROUP_TARGET, NULL, "(PUSHER_APP_KEY)" },
    { PS_OPT_SECRET, "--secret", PS_ARG_VALUE, "SECRET", SERVER, PS_GROUP_TARGET, NULL,
      "(PUSHER_APP_SECRET) replaced by <redacted> wherever it would\n"
      "appear: stdout, stderr, the JSON result and every report, also\n"
      "JSON- or URL-escaped or cut short (one under 4 characters\n"
      "only where it stands alone, not inside a word)" },

    /* the SDK under test; fuzz and explore take the flags to say why not */
    { PS_OPT_SDK, "--sdk", PS_ARG_VALUE, "COMMAND", SERVER, PS_GROUP_SDK, NULL,
      "start this adapter per scenario and drive the SDK through it\n"
      "(JSON lines on stdin/stdout; see ci/adapters/PROTOCOL.md, installed\n"
      "in share/pushspec/adapters), e.g. --sdk 'node pusher-js.js'\n"
      "Its hello may list the SDK's capabilities: scenarios needing a\n"
      "feature it lacks are skipped (kind capability-missing)" },
    { PS_OPT_LISTEN, "--listen", PS_ARG_VALUE, "HOST:PORT", SERVER, PS_GROUP_SDK, NULL,
      "where the fake server listens (default 127.0.0.1 and a free port);\n"
      "exactly that address: 127.0.0.1:8080, [::1]:8080 or a name\n"
      "(localhost:8080, its first address that binds); a target's\n"
      "webhooks.listen works the same" },

    /* which scenarios */
    { PS_OPT_FILTER, "--filter", PS_ARG_VALUE, "GLOB[,GLOB]", SERVER, PS_GROUP_SELECTION, NULL,
      "only scenarios whose id or one of whose rule ids matches,\n"
      "e.g. --filter 'CONN-*' or --filter 'auth-*,PING-1'" },
    { PS_OPT_TAG, "--tag", PS_ARG_LIST, "TAG[,TAG]", SERVER, PS_GROUP_SELECTION, check_tags,
      "only scenarios with at least one of these tags (e.g. slow);\n"
      "may be repeated: --tag a --tag b is --tag a,b" },
    { PS_OPT_EXCLUDE_TAG, "--exclude-tag", PS_ARG_LIST, "TAG[,TAG]", SERVER, PS_GROUP_SELECTION, check_tags,
      "no scenarios with any of these tags; may be repeated, e.g.\n"
      "--exclude-tag slow,destructive" },
    { PS_OPT_SCENARIOS, "--scenarios", PS_ARG_VALUE, "DIR", SERVER | PS_CMD_LIST, PS_GROUP_SELECTION, NULL,
      "run the scenario files (*.lua) in DIR instead of the built-in\n"
      "ones (server/; with --sdk, client/ or http-sdk/ by the kind the\n"
      "adapter says hello with); pushspec scenarios export DIR writes\n"
      "the built-in ones out" },

    /* how it runs */
    { PS_OPT_JOBS, "--jobs", PS_ARG_VALUE, "N", SERVER, PS_GROUP_RUNNING, check_jobs,
      "scenarios running at once (default 32)" },
    { PS_OPT_MAX_MEMORY, "--max-memory", PS_ARG_VALUE, "MIB", SERVER, PS_GROUP_RUNNING, check_memory,
      "the process's memory ceiling (default 160, or e.g. 1G): see below" },
    { PS_OPT_TIMEOUT_SCALE, "--timeout-scale", PS_ARG_VALUE, "X", SERVER, PS_GROUP_RUNNING, check_scale,
      "multiply every deadline by X (slow targets, debuggers)" },
    { PS_OPT_INSECURE, "--insecure", PS_ARG_SWITCH, NULL, SERVER, PS_GROUP_RUNNING, NULL,
      "do not verify TLS certificates of wss:// and https:// targets" },

    /* verdicts and outputs */
    { PS_OPT_EXPECT, "--expect", PS_ARG_VALUE, "FILE", SERVER, PS_GROUP_OUTPUT, NULL,
      "baseline of expected failures: lines 'RULE-ID reason'; a\n"
      "listed rule that fails is expected-fail, one that passes fails the run.\n"
      "'RULE-ID:label[,label] reason' pins which checks of the rule fail\n"
      "(labels: pushspec list --rules --clauses); several such lines for\n"
      "one rule add up, and any other failing check of it fails the run\n"
      "'RULE-ID?' or 'RULE-ID:label? reason': a failure seen in some runs\n"
      "only; a run where the rule passes is no unexpected pass" },
    { PS_OPT_WRITE_EXPECT, "--write-expect", PS_ARG_VALUE, "FILE", SERVER, PS_GROUP_OUTPUT, NULL,
      "write this run's failures as a baseline for --expect: every rule\n"
      "that failed, erred or timed out, whatever --expect said (the whole\n"
      "baseline, not a difference); one line 'RULE-ID:label reason' per\n"
      "failing check, a bare 'RULE-ID reason' when the rule's failures\n"
      "include a check without a label, an error or a timeout; reasons\n"
      "start from the Actual (redacted, one line, at most 200 bytes);\n"
      "'# SECTION' headings. Not written when the run is interrupted" },
    { PS_OPT_FORCE, "--force", PS_ARG_SWITCH, NULL, SERVER | PS_CMD_INIT | PS_CMD_SCENARIOS, PS_GROUP_OUTPUT, NULL,
      "let --write-expect overwrite an existing FILE" },
    { PS_OPT_REPEAT, "--repeat", PS_ARG_VALUE, "N", PS_CMD_RUN, PS_GROUP_OUTPUT, NULL,
      "with --write-expect: the run made N times, the later ones merged\n"
      "(--merge); the reports and the exit status are the last run's" },
    { PS_OPT_MERGE, "--merge", PS_ARG_SWITCH, NULL, SERVER, PS_GROUP_OUTPUT, NULL,
      "--write-expect merges this run into an existing FILE: a check that\n"
      "failed in some runs only is kept, its name marked ? (it may pass)" },
    { PS_OPT_STRICT, "--strict", PS_ARG_SWITCH, NULL, SERVER, PS_GROUP_OUTPUT, NULL,
      "SHOULD rules count as failures (as MUST rules always do)" },
    { PS_OPT_RULES, "--rules", PS_ARG_SWITCH, NULL, PS_CMD_LIST, PS_GROUP_OUTPUT, NULL,
      "every rule of the catalog (RULES.md) by section, with its roles,\n"
      "MUST or SHOULD, its text and the scenarios that check it" },
    { PS_OPT_CLAUSES, "--clauses", PS_ARG_SWITCH, NULL, PS_CMD_LIST, PS_GROUP_OUTPUT, NULL,
      "(implies --rules) each rule's clauses from the clause catalog\n"
      "(CLAUSES.md: lines '- RULE-ID:label  clause' under the rule's\n"
      "section), each with the checks that cover it: file:line of every\n"
      "\"RULE-ID:label\" string in the scenario files and the harness's Lua\n"
      "modules (comments do not count). Only a label in t:check, t:judge,\n"
      "t:require, t:incidental, a ps.verify verifier or ps.clause(...)\n"
      "is a check; one in a bare table entry or a helper's argument is\n"
      "shown but counts for nothing. A clause no check names says NO\n"
      "CHECK, a rule without clauses NO CLAUSES; labels the scenarios use\n"
      "that CLAUSES.md does not define are listed at the end" },
    { PS_OPT_CLAUSE, "--clause", PS_ARG_VALUE, "RULE-ID[:label]", PS_CMD_LIST, PS_GROUP_OUTPUT, NULL,
      "one clause (or every clause of one rule): its sentence, its\n"
      "rule's text, its CLAUSES.md line and its checks. A check's label\n"
      "in a scenario is the link to its sentence; unknown: exit 2" },
    { PS_OPT_JSON, "--json", PS_ARG_VALUE, "FILE", SERVER | PS_CMD_LIST, PS_GROUP_OUTPUT, NULL,
      "write the machine-readable result: per rule and per scenario,\n"
      "verdicts, durations, Expected/Actual, and transcripts of failures", PS_CMD_LIST },
    { PS_OPT_HTML, "--html", PS_ARG_VALUE, "DIR", SERVER | PS_CMD_REPORT, PS_GROUP_OUTPUT, NULL,
      "a self-contained HTML report (DIR/index.html, and the result\n"
      "it was made from in DIR/result.json)" },
    { PS_OPT_JUNIT, "--junit", PS_ARG_VALUE, "FILE", SERVER | PS_CMD_REPORT, PS_GROUP_OUTPUT, NULL,
      "JUnit XML, one testcase per rule" },
    { PS_OPT_MARKDOWN, "--markdown", PS_ARG_VALUE, "FILE", SERVER | PS_CMD_REPORT, PS_GROUP_OUTPUT, NULL,
      "a short Markdown summary (for a pull-request comment; - for stdout)\n"
      "Output paths are checked before the run: each must be a regular\n"
      "file or not exist yet (never a folder, device, FIFO or link);\n"
      "files are written beside the target, then renamed over it" },
    { PS_OPT_QUIET, "--quiet", PS_ARG_SWITCH, NULL, SERVER, PS_GROUP_OUTPUT, NULL, "no per-scenario lines" },
    { PS_OPT_VERBOSE, "--verbose", PS_ARG_SWITCH, NULL, SERVER, PS_GROUP_OUTPUT, NULL,
      "libwebsockets warnings on stderr" },
    { 0, NULL, 0, NULL, 0, 0, NULL, NULL, 0 },
};

/* Where an option means something else for some commands, its words for them. */
const ps_cli_help_variant ps_cli_help_variants[] = {
    { PS_OPT_SEED, PS_CMD_EXPLORE,
      "first seed, a whole number (default: the time; printed).\n"
      "The same seed, ops and weights give the same operations" },
    { PS_OPT_JOBS, PS_CMD_EXPLORE,
      "independent sequences in parallel (1-16), each on its\n"
      "own channels" },
    { PS_OPT_SCENARIOS, PS_CMD_LIST,
      "the scenario files (*.lua) in DIR instead of the built-in ones;\n"
      "--clauses reads DIR/CLAUSES.md, else DIR/../CLAUSES.md (where\n"
      "pushspec scenarios export puts it), else the built-in one" },
    { PS_OPT_JSON, PS_CMD_LIST,
      "the same as JSON, to FILE (without FILE, or '-': stdout): rules[]\n"
      "(with clauses[] of {label, text, line, checks[] of {file, line, kind,\n"
      "counts}} under --clauses; kind: check, clause, argument or elsewhere;\n"
      "counts: whether it is a check), scenarios[], and with --clauses\n"
      "undefined_labels[] and clause_summary" },
    { PS_OPT_TARGET, PS_CMD_EXPLORE,
      "the server's target file. Given twice: differential mode\n"
      "(below)" },
    { PS_OPT_JSON, PS_CMD_EXPLORE,
      "the result file (differential: FILE.a.json and FILE.b.json)" },
    { PS_OPT_FORCE, PS_CMD_INIT | PS_CMD_SCENARIOS, "overwrite existing files" },
    { PS_OPT_HTML, PS_CMD_REPORT,
      "DIR/index.html: one self-contained page (no network), the\n"
      "matrix with differences first; click a cell for its transcript" },
    { PS_OPT_JUNIT, PS_CMD_REPORT, "JUnit XML: a testsuite per file, a testcase per rule" },
    { PS_OPT_MARKDOWN, PS_CMD_REPORT, "a short summary for a pull-request comment ('-' for stdout)" },
    { 0, 0, NULL },
};

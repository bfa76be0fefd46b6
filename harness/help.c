#include "help.h"
#include "cli.h"

#include <stdio.h>
#include <string.h>

const char ps_help_main[] =
"pushspec " PUSHSPEC_VERSION " - conformance harness for the Pusher Channels protocol v7\n"
"\n"
"Usage:\n"
"  pushspec run --target FILE [options]     run the server suite against a server\n"
"  pushspec run --url ws://HOST:PORT --app-id ID --key KEY --secret SECRET [options]\n"
"  pushspec run --sdk 'ADAPTER COMMAND' [options]\n"
"                                           be the server for an SDK under test, through its adapter\n"
"  pushspec fuzz --target FILE [--seconds N] [--seed S] [--json FILE]\n"
"                                           send mutated and generated frames to a live server,\n"
"                                           record every input that broke it (reproducible by seed)\n"
"  pushspec explore --target FILE [--seed S] [--ops N] [--budget SECONDS] [--json FILE]\n"
"                                           random operation sequences checked against a model\n"
"                                           of a Pusher server; each divergence shrunk and saved\n"
"                                           as a scenario file\n"
"  pushspec init [FILE] [--force]           write a commented target file to start from\n"
"  pushspec list [--rules [--clauses]] [--json [FILE]]\n"
"                                           list the scenarios, or every rule and what checks it,\n"
"                                           clause by clause\n"
"  pushspec scenarios export DIR [--force]  write the built-in scenarios out, to change or extend\n"
"  pushspec report RESULT.json... [--html DIR] [--junit FILE] [--markdown FILE]\n"
"                                           reports from result files; several make one matrix\n"
"  pushspec help COMMAND                    all options of a command (run, fuzz, explore, init,\n"
"                                           list, scenarios, report)\n"
"  pushspec --version\n"
"\n"
"The scenarios, the rule catalog and the fuzzing corpora are built into the\n"
"binary; --scenarios DIR runs others instead.\n"
"\n"
"Every rule of the protocol checklist (pushspec list --rules) gets a verdict:\n"
"pass, fail, error, timeout or skip (with the reason); a baseline (--expect) turns\n"
"known failures into expected-fail. A check that had nothing to judge (the\n"
"connection died before pushspec's request reached the server, the server never\n"
"closed or answered at all) is the error 'nothing observed: ...', never a pass.\n"
"\n"
"Exit status: 0 every rule passes or fails as expected; 1 a MUST rule failed or\n"
"was not judged (error, timeout: counted apart from failures in every report), or\n"
"the same of a SHOULD rule with --strict, or an expected failure passed; 2 usage\n"
"or infrastructure error (bad flag, bad file, target unreachable).\n"
"\n"
"Example:\n"
"  pushspec init my-server.lua        # then edit url and app in it\n"
"  pushspec run --target my-server.lua --expect my-server.expect \\\n"
"               --json reports/my-server.json --html reports/my-server\n";

static const char report_intro[] =
"Usage: pushspec report RESULT.json... [--html DIR] [--junit FILE] [--markdown FILE]\n"
"\n"
"Reports from result files written by 'pushspec run --json FILE'. Several files\n"
"(one per target, or runs of one target) make one rules x targets matrix.\n"
"The shards of one 'pushspec explore --shard I/N' run (same target, seed, ops,\n"
"sequences, jobs and weights) become one column: a fail in any shard beats a\n"
"pass, the sequences are joined, and the header names the shards merged and\n"
"flags a missing or duplicated one. Other runs' shards stay columns of their own.\n"
"\n";

static const char report_outro[] =
"\n"
"At least one output is needed. Exit status: 0 reports written, 2 usage or file\n"
"error. Verdicts do not change the status: 'pushspec run' already reported them.\n";

/* Each command's help: its prose here, its option lines from the option table
 * (cli_opts.c) between the two. */
static const char run_intro[] =
"Usage: pushspec run [options]\n"
"       pushspec fuzz [options]   (hostile input: --seconds N, --seed N)\n"
"\n";

static const char run_outro[] =
"\n"
"SIGINT, SIGTERM, SIGHUP, SIGUSR1 or SIGUSR2 stops the run: the partial result (with a\n"
"note) is written, adapters are stopped, and the exit status is 128 + the signal (130,\n"
"143, 129, 138, 140). An output folder removed during the run is made again (or the\n"
"result goes to pushspec-PID-NAME in the working directory, and the run says so).\n"
"\n"
"Bounds on what a peer can make pushspec keep (a bound hit is said on stderr, in the\n"
"summary and in the result's limits_hit). A bound of a scenario's own connection or\n"
"adapter ends that scenario with the error 'limit NAME reached: ...'; a shared one\n"
"(webhooks, the fake server's connections and bytes) is named in the failure of\n"
"each wait that gave up while it was hit. Above them all, one ceiling for the whole\n"
"process (--max-memory, default 160 MiB): WebSocket inboxes and frames being read,\n"
"adapter lines, webhooks, transcripts and Lua memory all draw from it, so the bounds\n"
"below cannot multiply past it; the scenario whose store asked for more ends with\n"
"'limit memory-total reached' (memory-total), the others go on:\n"
"  webhook receiver     2000 webhooks and 32 MiB of bodies kept per run (more: 503),\n"
"                       1 MiB per webhook (more: 413), 32 connections at once\n"
"  fake server          64 connections at once (more are closed), 32 MiB of request\n"
"                       bodies held at once, 8 MiB per body (more: 413)\n"
"  adapter              20000 unread report lines or 16 MiB (more are dropped),\n"
"                       1 MiB per line (cut and flagged); when done with it: SIGTERM to\n"
"                       its process group, 2 s, then SIGKILL\n"
"  WebSocket            4 MiB per frame (ws-frame-bytes; larger: dropped, its start\n"
"                       shown, its scenario ends with an error unless it called\n"
"                       t:expect_oversize()), 64 MiB or 100000 frames unread per\n"
"                       connection (ws-inbox-bytes, ws-inbox-frames: later frames\n"
"                       dropped)\n"
"  Lua (scenarios)      32 MiB of Lua memory per scenario (lua-memory-per-scenario;\n"
"                       over it the scenario ends with an error, the others run on),\n"
"                       512 MiB in all; a connection hands a scenario 1000 frames or\n"
"                       512 KiB per resume (lua-frames-per-resume), the rest waits;\n"
"                       deadlines hold while a connection floods (checked as its\n"
"                       frames enter Lua, not only between resumes)\n"
"  HTTP API answer      8 MiB of body (http-body-bytes; the rest is cut, and a chunk\n"
"                       size or Content-Length past what was read ends the answer)\n"
"  target file          evaluated within 5 s and the instruction limit (exit 2)\n"
"  restart command      the target's restart gets 60 s (times --timeout-scale), then\n"
"                       its process group is killed and the server counts as down\n"
"\n"
"Environment: NO_COLOR disables colour; TMPDIR holds the result the reports are made\n"
"from when there is no --json or --html.\n";

static const char init_intro[] =
"Usage: pushspec init [FILE] [--force]\n"
"\n"
"Writes a target file to start from (default: pushspec-target.lua; '-' prints it):\n"
"the server's WebSocket and HTTP API URLs, its app (id, key, secret), every\n"
"profile a scenario can use with what it needs from the server (a disabled app, a\n"
"connection quota, client events off, ...), where to receive webhooks, and a\n"
"restart command for the destructive scenarios. Each part is commented; set url\n"
"and app and it runs (scenarios whose profile is left out are skipped, saying so).\n"
"An existing FILE is not overwritten unless --force is given.\n"
"\n";

static const char init_outro[] =
"\n"
"Then: pushspec run --target FILE\n";

static const char list_intro[] =
"Usage: pushspec list [--scenarios DIR] [--rules [--clauses]] [--json [FILE]]\n"
"       pushspec list --clause RULE-ID[:label] [--scenarios DIR]\n"
"\n"
"  (no option)          every scenario: its id, the rules it checks, its tags, its title\n";

static const char list_outro[] =
"\n"
"A CLAUSES.md line with an unknown rule, a label not of a-z 0-9 '-', a label used\n"
"twice for one rule, or under another section than its rule's is an error (exit 2)\n"
"naming FILE:LINE. The ctest 'clauses' (ci/check-clauses.sh) fails while a rule has\n"
"no clause, a clause no check, or a scenario uses an undefined label.\n";

static const char scenarios_intro[] =
"Usage: pushspec scenarios export DIR [--force]\n"
"\n"
"Writes the scenarios built into this pushspec to DIR: server/, client/,\n"
"http-sdk/, fuzz/ (one Lua file per rule section), RULES.md (the rule catalog),\n"
"CLAUSES.md (each rule's clauses and their check labels) and API.md (the scenario API). Change or add files there and run them with\n"
"pushspec run --scenarios DIR/server. Existing files are not overwritten unless\n"
"--force is given.\n"
"\n";

static const char explore_intro[] =
"Usage: pushspec explore --target FILE [options]\n"
"       pushspec explore --target A --target B --seed S [options]\n"
"\n"
"Model-based random testing of a server. Random sequences of operations (connect,\n"
"close, subscribe and unsubscribe with valid and invalid auth, client events,\n"
"triggers in every body form, every HTTP API query, signin, terminate) run\n"
"against the server; after each one, every frame, HTTP answer and webhook is\n"
"compared with what a reference model of a Pusher server predicts. A divergence\n"
"fails the clause the prediction names (Expected: the model, Actual: the server,\n"
"with the operation history). The failing sequence is then shrunk by replaying\n"
"parts of it (fresh channels and connections each time) and the minimal one is\n"
"written as a scenario file: pushspec run --scenarios DIR --target FILE replays it.\n"
"\n";

static const char explore_outro[] =
"\n"
"Differential mode (--target A --target B): the same seeds and flags run against\n"
"A, then B (both are checked reachable first), and every operation where the two\n"
"servers showed something different is listed under \"differences\", on the\n"
"console and in both result files: after normalization (channel prefix, socket\n"
"ids, timestamps, JSON key order and spacing, presence ids and user lists in any\n"
"order). A difference is information, also where the model has no opinion; the\n"
"model still judges each target in its own result. Once the operations of a\n"
"sequence part (the generator follows what each server showed), it is compared\n"
"no further. --save DIR becomes DIR.a and DIR.b. Outputs other than --json and\n"
"--save are refused (make them with pushspec report FILE.a.json FILE.b.json);\n"
"the same file twice, a third target or a target that cannot be reached: exit 2\n"
"before anything runs.\n"
"\n"
"Operation families the target cannot do are left out and the result says so:\n"
"webhooks need webhooks = {listen=} in the target file, signin and terminate a\n"
"user_authentication profile. Progress (operations per second, divergences,\n"
"shrinking) goes to stderr. The result file is a normal one: the rules judged,\n"
"each clause's verdict, and per sequence the records `sequence` (seed, ops,\n"
"divergences) and `minimal` (the shrunk operations and the scenario file).\n"
"A candidate is kept while shrinking only when two replays in a row fail.\n"
"\n"
"A server that dies: after a divergence (or a request with no answer) a fresh\n"
"connection is tried; only a refused or reset one counts as down, a slow one\n"
"does not. The record `server_down` names the last operation and its sequence\n"
"(saved like a shrunk one, the killing operation alone when that kills too);\n"
"the target's restart command brings the server back and the next sequence\n"
"starts. Without one, the run ends: error \"server down since ...\".\n"
"\n"
"Example:\n"
"  pushspec explore --target ci/targets/soketi.lua --seed 7 --budget 30 \\\n"
"                   --json explore.json\n"
"  pushspec run --target ci/targets/soketi.lua --scenarios explore.scenarios\n"
"  pushspec explore --target soketi.lua --target mine.lua --seed 7 --sequences 5 \\\n"
"                   --json diff.json\n"
"  pushspec explore --target ci/targets/soketi.lua --seed 7 --sequences 20 \\\n"
"                   --shard 2/4 --json shard-2.json   (one machine of four)\n"
"  pushspec report shard-*.json --markdown summary.md   (the four merged)\n";

const ps_help_topic ps_help_topics[] = {
    { "run", run_intro, run_outro, PS_CMD_RUN | PS_CMD_FUZZ, "RUN AND FUZZ" },
    { "fuzz", run_intro, run_outro, PS_CMD_RUN | PS_CMD_FUZZ, NULL },
    { "explore", explore_intro, explore_outro, PS_CMD_EXPLORE, "EXPLORE" },
    { "init", init_intro, init_outro, PS_CMD_INIT, "INIT" },
    { "list", list_intro, list_outro, PS_CMD_LIST, "LIST" },
    { "scenarios", scenarios_intro, "", PS_CMD_SCENARIOS, "SCENARIOS" },
    { "report", report_intro, report_outro, PS_CMD_REPORT, "REPORT" },
    { NULL, NULL, NULL, 0, NULL },
};

const char *ps_help_text(const char *topic)
{
    static char text[sizeof(ps_help_topics) / sizeof(ps_help_topics[0])][24576];
    for (const ps_help_topic *t = ps_help_topics; topic && t->topic; t++) {
        if (strcmp(t->topic, topic))
            continue;
        char *out = text[t - ps_help_topics];
        size_t used = (size_t)snprintf(out, sizeof(text[0]), "%s", t->intro);
        ps_cli_options_help(t->cmds, out, sizeof(text[0]), &used);
        snprintf(out + used, sizeof(text[0]) - used, "%s", t->outro);
        return out;
    }
    return NULL;
}

char *ps_help_topic_names(char *out, size_t outlen)
{
    size_t w = 0;
    out[0] = '\0';
    for (const ps_help_topic *t = ps_help_topics; t->topic && w < outlen; t++)
        w += (size_t)snprintf(out + w, outlen - w, "%s%s", w ? ", " : "", t->topic);
    return out;
}

#include "help.h"
#include "report/report.h"

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
"  pushspec init [FILE] [--force]           write a commented target file to start from\n"
"  pushspec list [--rules [--clauses]] [--json]\n"
"                                           list the scenarios, or every rule and what checks it,\n"
"                                           clause by clause\n"
"  pushspec scenarios export DIR [--force]  write the built-in scenarios out, to change or extend\n"
"  pushspec report RESULT.json... [--html DIR] [--junit FILE] [--markdown FILE]\n"
"                                           reports from result files; several make one matrix\n"
"  pushspec help COMMAND                    all options of a command (run, fuzz, init, list,\n"
"                                           scenarios, report)\n"
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

const char ps_help_run[] =
"Usage: pushspec run [options]\n"
"\n"
"Target (a file, flags, or the environment; flags win over the environment,\n"
"which wins over the file):\n"
"  --target FILE        Lua file returning {url=, http_url=, app={id=, key=, secret=},\n"
"                       profiles={...}, limits={...}}; pushspec init writes one\n"
"  --url URL            WebSocket base URL, ws://HOST:PORT     (PUSHER_TARGET_URL)\n"
"  --http-url URL       HTTP API base URL, http://HOST:PORT    (PUSHER_HTTP_URL;\n"
"                       default: the WebSocket URL with http)\n"
"  --app-id ID          (PUSHER_APP_ID)\n"
"  --key KEY            (PUSHER_APP_KEY)\n"
"  --secret SECRET      (PUSHER_APP_SECRET) replaced by <redacted> wherever it would\n"
"                       appear: stdout, stderr, the JSON result and every report, also\n"
"                       JSON- or URL-escaped or cut short (one under 4 characters\n"
"                       only where it stands alone, not inside a word)\n"
"\n"
"SDK under test (fake-server role; pushspec plays the Pusher server):\n"
"  --sdk COMMAND        start this adapter per scenario and drive the SDK through it\n"
"                       (JSON lines on stdin/stdout; see ci/adapters/PROTOCOL.md, installed\n"
"                       in share/pushspec/adapters), e.g. --sdk 'node pusher-js.js'\n"
"                       Its hello may list the SDK's capabilities: scenarios needing a\n"
"                       feature it lacks are skipped (kind capability-missing)\n"
"  --listen HOST:PORT   where the fake server listens (default 127.0.0.1 and a free port);\n"
"                       exactly that address: 127.0.0.1:8080, [::1]:8080 or a name\n"
"                       (localhost:8080, its first address that binds); a target's\n"
"                       webhooks.listen works the same\n"
"\n"
"Selection:\n"
"  --filter GLOB[,GLOB] only scenarios whose id or one of whose rule ids matches,\n"
"                       e.g. --filter 'CONN-*' or --filter 'auth-*,PING-1'\n"
"  --tag TAG[,TAG]      only scenarios with at least one of these tags (e.g. slow);\n"
"                       may be repeated: --tag a --tag b is --tag a,b\n"
"  --exclude-tag TAG[,TAG]\n"
"                       no scenarios with any of these tags; may be repeated, e.g.\n"
"                       --exclude-tag slow,destructive\n"
"  --scenarios DIR      run the scenario files (*.lua) in DIR instead of the built-in\n"
"                       ones (server/; with --sdk, client/ or http-sdk/ by the kind the\n"
"                       adapter says hello with); pushspec scenarios export DIR writes\n"
"                       the built-in ones out\n"
"\n"
"Running:\n"
"  --jobs N             scenarios running at once (default 32)\n"
"  --timeout-scale X    multiply every deadline by X (slow targets, debuggers)\n"
"  --insecure           do not verify TLS certificates of wss:// and https:// targets\n"
"\n"
"Verdicts and output:\n"
"  --expect FILE        baseline of expected failures: lines 'RULE-ID reason'; a\n"
"                       listed rule that fails is expected-fail, one that passes fails the run.\n"
"                       'RULE-ID:label[,label] reason' pins which checks of the rule fail\n"
"                       (labels: pushspec list --rules --clauses); several such lines for\n"
"                       one rule add up, and any other failing check of it fails the run\n"
"  --write-expect FILE  write this run's failures as a baseline for --expect: every rule\n"
"                       that failed, erred or timed out, whatever --expect said (the whole\n"
"                       baseline, not a difference); one line 'RULE-ID:label reason' per\n"
"                       failing check, a bare 'RULE-ID reason' when the rule's failures\n"
"                       include a check without a label, an error or a timeout; reasons\n"
"                       start from the Actual (redacted, one line, at most 200 bytes);\n"
"                       '# SECTION' headings. Not written when the run is interrupted\n"
"  --force              let --write-expect overwrite an existing FILE\n"
"  --strict             SHOULD rules count as failures (as MUST rules always do)\n"
"  --json FILE          write the machine-readable result: per rule and per scenario,\n"
"                       verdicts, durations, Expected/Actual, and transcripts of failures\n"
"  --html DIR           a self-contained HTML report (DIR/index.html, and the result\n"
"                       it was made from in DIR/result.json)\n"
"  --junit FILE         JUnit XML, one testcase per rule\n"
"  --markdown FILE      a short Markdown summary (for a pull-request comment; - for stdout)\n"
"                       Output paths are checked before the run: each must be a regular\n"
"                       file or not exist yet (never a folder, device, FIFO or link);\n"
"                       files are written beside the target, then renamed over it\n"
"  --quiet              no per-scenario lines\n"
"  --verbose            libwebsockets warnings on stderr\n"
"\n"
"SIGINT or SIGTERM stops the run: the partial result (with a note) is written, adapters\n"
"are stopped, and the exit status is 130 or 143.\n"
"\n"
"Bounds on what a peer can make pushspec keep (a bound hit is said on stderr, in the\n"
"summary and in the result's limits_hit). A bound of a scenario's own connection or\n"
"adapter ends that scenario with the error 'limit NAME reached: ...'; a shared one\n"
"(webhooks, the fake server's connections and bytes) is named in the failure of\n"
"each wait that gave up while it was hit:\n"
"  webhook receiver     2000 webhooks and 32 MiB of bodies kept per run (more: 503),\n"
"                       1 MiB per webhook (more: 413), 32 connections at once\n"
"  fake server          64 connections at once (more are closed), 32 MiB of request\n"
"                       bodies held at once, 8 MiB per body (more: 413)\n"
"  adapter              20000 unread report lines or 16 MiB (more are dropped),\n"
"                       1 MiB per line (cut and flagged); when done with it: SIGTERM to\n"
"                       its process group, 2 s, then SIGKILL\n"
"  WebSocket            4 MiB per frame (ws-frame-bytes; larger: dropped, its start\n"
"                       shown), 64 MiB or 100000 frames unread per connection\n"
"                       (ws-inbox-bytes, ws-inbox-frames: later frames dropped)\n"
"  Lua (scenarios)      32 MiB of Lua memory per scenario (lua-memory-per-scenario;\n"
"                       over it the scenario ends with an error, the others run on),\n"
"                       512 MiB in all; a connection hands a scenario 1000 frames or\n"
"                       8 MiB per resume (lua-frames-per-resume), the rest waits;\n"
"                       deadlines hold while a connection floods (checked as its\n"
"                       frames enter Lua, not only between resumes)\n"
"  target file          evaluated within 5 s and the instruction limit (exit 2)\n"
"  restart command      the target's restart gets 60 s (times --timeout-scale), then\n"
"                       its process group is killed and the server counts as down\n"
"\n"
"Environment: NO_COLOR disables colour; TMPDIR holds the result the reports are made\n"
"from when there is no --json or --html.\n";

const char ps_help_init[] =
"Usage: pushspec init [FILE] [--force]\n"
"\n"
"Writes a target file to start from (default: pushspec-target.lua; '-' prints it):\n"
"the server's WebSocket and HTTP API URLs, its app (id, key, secret), every\n"
"profile a scenario can use with what it needs from the server (a disabled app, a\n"
"connection quota, client events off, ...), where to receive webhooks, and a\n"
"restart command for the destructive scenarios. Each part is commented; set url\n"
"and app and it runs (scenarios whose profile is left out are skipped, saying so).\n"
"An existing FILE is not overwritten unless --force is given.\n"
"\n"
"Then: pushspec run --target FILE\n";

const char ps_help_list[] =
"Usage: pushspec list [--scenarios DIR] [--rules [--clauses]] [--json]\n"
"\n"
"  (no option)          every scenario: its id, the rules it checks, its tags, its title\n"
"  --rules              every rule of the catalog (RULES.md) by section, with its roles,\n"
"                       MUST or SHOULD, its text and the scenarios that check it\n"
"  --clauses            (implies --rules) each rule's clauses from the clause catalog\n"
"                       (CLAUSES.md: lines '- RULE-ID:label  clause' under the rule's\n"
"                       section), each with the checks that cover it: file:line of every\n"
"                       \"RULE-ID:label\" string in the scenario files and the harness's Lua\n"
"                       modules (comments do not count). A clause no check names says NO\n"
"                       CHECK, a rule without clauses NO CLAUSES; labels the scenarios use\n"
"                       that CLAUSES.md does not define are listed at the end\n"
"  --json               the same as JSON: rules[] (with clauses[] of {label, text, line,\n"
"                       checks[] of {file, line}} under --clauses), scenarios[], and with\n"
"                       --clauses undefined_labels[] and clause_summary\n"
"  --scenarios DIR      the scenario files (*.lua) in DIR instead of the built-in ones;\n"
"                       --clauses reads DIR/CLAUSES.md, else DIR/../CLAUSES.md (where\n"
"                       pushspec scenarios export puts it), else the built-in one\n"
"\n"
"A CLAUSES.md line with an unknown rule, a label not of a-z 0-9 '-', a label used\n"
"twice for one rule, or under another section than its rule's is an error (exit 2)\n"
"naming FILE:LINE. The ctest 'clauses' (ci/check-clauses.sh) fails while a rule has\n"
"no clause, a clause no check, or a scenario uses an undefined label.\n";

const char ps_help_scenarios[] =
"Usage: pushspec scenarios export DIR [--force]\n"
"\n"
"Writes the scenarios built into this pushspec to DIR: server/, client/,\n"
"http-sdk/, fuzz/ (one Lua file per rule section), RULES.md (the rule catalog),\n"
"CLAUSES.md (each rule's clauses and their check labels) and API.md (the scenario API). Change or add files there and run them with\n"
"pushspec run --scenarios DIR/server. Existing files are not overwritten unless\n"
"--force is given.\n";

const ps_help_topic ps_help_topics[] = {
    { "run", ps_help_run, "RUN AND FUZZ" },
    { "fuzz", ps_help_run, NULL },
    { "init", ps_help_init, "INIT" },
    { "list", ps_help_list, "LIST" },
    { "scenarios", ps_help_scenarios, "SCENARIOS" },
    { "report", ps_report_usage, "REPORT" },
    { NULL, NULL, NULL },
};

const char *ps_help_text(const char *topic)
{
    for (const ps_help_topic *t = ps_help_topics; topic && t->topic; t++)
        if (!strcmp(t->topic, topic))
            return t->text;
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

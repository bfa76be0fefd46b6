/* JUnit XML: one <testsuite> per result file, one <testcase> per rule, so CI
 * test viewers (GitLab, Jenkins, GitHub actions that read JUnit) list rules.
 * Expected failures are passing testcases with a <system-out> note: the run
 * treats them as fine, and a viewer's "skipped" would hide that they fail. */
#include "report/report.h"
#include "report/header.h"

#include <string.h>

static void put_transcript(FILE *f, const cJSON *sc)
{
    const cJSON *tr = cJSON_GetObjectItemCaseSensitive(sc, "transcript");
    if (!cJSON_GetArraySize(tr))
        return;
    fputs("\nTranscript (ms since the scenario started, connection, &gt; sent / &lt; received / ! event):\n", f);
    const cJSON *e;
    cJSON_ArrayForEach(e, tr) {
        fprintf(f, "  %6.0f #%-2.0f ", ps_rep_num(e, "t_ms"), ps_rep_num(e, "conn"));
        ps_rep_escape(f, ps_rep_str(e, "dir"), 0);
        fputc(' ', f);
        ps_rep_escape(f, ps_rep_str(e, "kind"), 0);
        fputc(' ', f);
        ps_rep_escape(f, ps_rep_str(e, "text"), 0);
        if (ps_rep_num(e, "bytes") > 0)
            fprintf(f, " [... %.0f bytes in all]", ps_rep_num(e, "bytes"));
        fputc('\n', f);
    }
}

/* Expected / Actual / message and where they came from: the body of a failure. */
static void put_details(FILE *f, const cJSON *res, const cJSON *rule)
{
    static const char *const fields[][2] = {
        { "expected", "Expected" }, { "actual", "Actual" }, { "message", "Message" },
        { "baseline_reason", "Baseline" }, { "reason", "Reason" },
    };
    fprintf(f, "%s %s (", ps_rep_str(rule, "id"), ps_rep_str(rule, "strength"));
    ps_rep_escape(f, ps_rep_str(rule, "section"), 0);
    fputs("): ", f);
    ps_rep_escape(f, ps_rep_str(rule, "text"), 0);
    fprintf(f, "\nVerdict: %s\n", ps_rep_str(rule, "verdict"));
    char checks[512];
    if (*ps_rep_failed_checks(rule, checks, sizeof(checks))) {
        fputs("Failing checks: ", f);
        ps_rep_escape(f, checks, 0);
        fputc('\n', f);
    }
    if (*ps_rep_str(rule, "unlisted_failing_checks")) {
        fputs("Not in the baseline: ", f);
        ps_rep_escape(f, ps_rep_str(rule, "unlisted_failing_checks"), 0);
        fputc('\n', f);
    }
    char clauses[4096];
    if (*ps_rep_clauses(rule, "\n  ", clauses, sizeof(clauses))) {
        fputs("Clauses:\n  ", f);
        ps_rep_escape(f, clauses, 0);
        fputc('\n', f);
    }
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *v = ps_rep_str(rule, fields[i][0]);
        if (*v) {
            fprintf(f, "%s: ", fields[i][1]);
            ps_rep_escape(f, v, 0);
            fputc('\n', f);
        }
    }
    const cJSON *sc = ps_rep_scenario(res, ps_rep_str(rule, "scenario"));
    if (!sc)
        return;
    fputs("Scenario: ", f);
    ps_rep_escape(f, ps_rep_str(sc, "id"), 0);
    fputs(" \"", f);
    ps_rep_escape(f, ps_rep_str(sc, "title"), 0);
    fputs("\" (", f);
    ps_rep_escape(f, ps_rep_str(sc, "file"), 0);
    fprintf(f, ":%.0f), %s in %.0f ms\n", ps_rep_num(sc, "line"), ps_rep_str(sc, "verdict"),
            ps_rep_num(sc, "duration_ms"));
    if (*ps_rep_str(sc, "message")) {
        fputs("Scenario message: ", f);
        ps_rep_escape(f, ps_rep_str(sc, "message"), 0);
        fputc('\n', f);
    }
    put_transcript(f, sc);
}

static void failure_message(const cJSON *rule, char *out, size_t outlen)
{
    char what[300];
    const char *cls = ps_rep_class(rule);
    if (!strcmp(cls, "xpass")) {
        snprintf(what, sizeof(what), "unexpected pass: listed as an expected failure (%s) but passes; "
                 "remove it from the baseline", ps_rep_str(rule, "baseline_reason"));
    } else if (*ps_rep_str(rule, "message")) {
        snprintf(what, sizeof(what), "%s: %s", ps_rep_str(rule, "verdict"), ps_rep_str(rule, "message"));
    } else if (*ps_rep_str(rule, "expected") || *ps_rep_str(rule, "actual")) {
        snprintf(what, sizeof(what), "%s: expected %s, got %s", ps_rep_str(rule, "verdict"),
                 ps_rep_str(rule, "expected"), ps_rep_str(rule, "actual"));
    } else {
        snprintf(what, sizeof(what), "%s", ps_rep_str(rule, "verdict"));
    }
    /* a SHOULD failure is a warning unless the run was --strict; say so */
    int warn = !strcmp(ps_rep_str(rule, "strength"), "SHOULD") &&
               !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rule, "counts_as_failure"));
    char full[700], news[320] = "";
    if (*ps_rep_str(rule, "unlisted_failing_checks"))
        snprintf(news, sizeof(news), "failing checks the baseline does not list: %s; ",
                 ps_rep_str(rule, "unlisted_failing_checks"));
    snprintf(full, sizeof(full), "%s%s%s", warn ? "(SHOULD: a warning, not counted without --strict) " : "",
             news, what);
    ps_rep_oneline(full, 300, out, outlen);
}

static int is_error(const cJSON *rule)
{
    const char *cls = ps_rep_class(rule);
    return !strcmp(cls, "error") || !strcmp(cls, "timeout");
}

static void put_testcase(FILE *f, const cJSON *res, const cJSON *rule)
{
    char name[128], msg[320];
    const char *cls = ps_rep_class(rule);
    const cJSON *sc = ps_rep_scenario(res, ps_rep_str(rule, "scenario"));
    ps_rep_oneline(ps_rep_str(rule, "text"), 90, name, sizeof(name));
    fputs("    <testcase classname=\"", f);
    ps_rep_escape(f, ps_rep_str(rule, "section"), 1);
    fputs("\" name=\"", f);
    ps_rep_escape(f, ps_rep_str(rule, "id"), 1);
    fputs(": ", f);
    ps_rep_escape(f, name, 1);
    fprintf(f, "\" time=\"%.3f\"", sc ? ps_rep_num(sc, "duration_ms") / 1000.0 : 0.0);
    if (ps_rep_is_problem(rule)) {
        /* JUnit's own split: <error> for a check not made (error, timeout), <failure> for a deviation */
        const char *el = is_error(rule) ? "error" : "failure";
        failure_message(rule, msg, sizeof(msg));
        fprintf(f, ">\n      <%s message=\"", el);
        ps_rep_escape(f, msg, 1);
        fprintf(f, "\" type=\"%s\">", !strcmp(cls, "xpass") ? "unexpected-pass" : ps_rep_str(rule, "verdict"));
        put_details(f, res, rule);
        fprintf(f, "</%s>\n    </testcase>\n", el);
    } else if (!strcmp(cls, "skip")) {
        fputs(">\n      <skipped message=\"", f);
        ps_rep_escape(f, ps_rep_str(rule, "reason"), 1);
        if (*ps_rep_str(rule, "skip_kind")) {   /* why, for tools: e.g. capability-missing */
            fputs("\" type=\"", f);
            ps_rep_escape(f, ps_rep_str(rule, "skip_kind"), 1);
        }
        fputs("\"/>\n    </testcase>\n", f);
    } else if (!strcmp(cls, "xfail")) {
        fputs(">\n      <system-out>expected failure: ", f);
        ps_rep_escape(f, ps_rep_str(rule, "baseline_reason"), 0);
        fputs("\n\n", f);
        put_details(f, res, rule);
        fputs("</system-out>\n    </testcase>\n", f);
    } else {
        fputs("/>\n", f);
    }
}

typedef struct {
    int tests, failures, errors, skipped;
} counts;

/* JUnit's four numbers, from the one tally: a problem that erred is an error, others failures. */
static counts count(const cJSON *res)
{
    ps_tally t = ps_rep_count(res);
    return (counts){ t.rules, t.problems - t.problem_errors, t.problem_errors, t.skip };
}

static void put_property(FILE *f, const char *name, const char *value)
{
    fprintf(f, "      <property name=\"%s\" value=\"", name);
    ps_rep_escape(f, value, 1);
    fputs("\"/>\n", f);
}

static void put_suite(FILE *f, const cJSON *res, size_t idx)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(res, "target");
    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(res, "summary");
    counts c = count(res);
    char fallback[32];
    snprintf(fallback, sizeof(fallback), "target %zu", idx + 1);
    const char *name = *ps_rep_str(t, "name") ? ps_rep_str(t, "name") : fallback;
    fprintf(f, "  <testsuite id=\"%zu\" name=\"", idx);
    ps_rep_escape(f, name, 1);
    fprintf(f, "\" package=\"pushspec\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" "
            "time=\"%.3f\" timestamp=\"", c.tests, c.failures, c.errors, c.skipped, ps_rep_num(sum, "wall_ms") / 1000.0);
    ps_rep_escape(f, ps_rep_str(res, "finished_at"), 1);
    fputs("\">\n    <properties>\n", f);
    /* never target.secret: it is redacted in the JSON, and has no place here anyway */
    ps_header h;
    ps_header_of_result(&h, res);
    for (size_t k = 0; k < h.n; k++)   /* the name is the suite's */
        if (*h.f[k].value && strcmp(h.f[k].key, "name"))
            put_property(f, !strcmp(h.f[k].key, "version") ? "pushspec_version" : h.f[k].key, h.f[k].value);
    put_property(f, "strict", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "strict")) ? "true" : "false");
    fputs("    </properties>\n", f);
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(res, "rules"))
        put_testcase(f, res, r);
    fputs("  </testsuite>\n", f);
}

int ps_report_junit(const cJSON *results[], size_t n, const char *path, char *err, size_t errlen)
{
    FILE *f = ps_rep_open(path, err, errlen);
    if (!f)
        return -1;
    counts all = { 0, 0, 0, 0 };
    double time = 0;
    for (size_t i = 0; i < n; i++) {
        counts c = count(results[i]);
        all.tests += c.tests;
        all.failures += c.failures;
        all.errors += c.errors;
        all.skipped += c.skipped;
        time += ps_rep_num(cJSON_GetObjectItemCaseSensitive(results[i], "summary"), "wall_ms") / 1000.0;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"pushspec\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" "
            "time=\"%.3f\">\n", all.tests, all.failures, all.errors, all.skipped, time);
    for (size_t i = 0; i < n; i++)
        put_suite(f, results[i], i);
    fputs("</testsuites>\n", f);
    return ps_rep_close(f, path, err, errlen);
}

/* Markdown short enough for a pull-request comment: a line per target, a
 * table of the rules that need attention only, counts of the rest, and where
 * the full JSON is. Transcripts stay in the HTML report. */
#include "report/report.h"
#include "report/header.h"
#include "core/skip.h"

#include <string.h>

#define MAX_ROWS 30      /* failing rows shown; the rest is counted */
#define MAX_IDS 12       /* rule ids listed inline for expected failures */

/* Inside a code span a backslash escapes nothing, so a backtick is replaced;
 * GitHub tables still need | escaped there. */
static void put_code(FILE *f, const char *s)
{
    char line[160];
    ps_rep_oneline(s, 100, line, sizeof(line));
    if (!*line) {
        fputs("-", f);
        return;
    }
    fputc('`', f);
    for (const char *p = line; *p; p++) {
        if (*p == '`')
            fputc('\'', f);
        else if (*p == '|')
            fputs("\\|", f);
        else
            fputc(*p, f);
    }
    fputc('`', f);
}

/* Plain text (target names): escape what Markdown or a table would take. */
static void put_text(FILE *f, const char *s)
{
    char line[256];
    for (const char *p = ps_rep_oneline(s, 200, line, sizeof(line)); *p; p++) {
        if (strchr("\\`*_[]<>|#~", *p))
            fputc('\\', f);
        fputc(*p, f);
    }
}

static void put_summary(FILE *f, const cJSON *res)
{
    ps_tally t = ps_rep_count(res);
    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(res, "summary");
    fputs("- **", f);
    put_text(f, ps_header_target_name(res));
    fprintf(f, "**: %s — %d pass, %d fail", t.counted ? "**FAILED**" : "OK", t.pass, t.fail);
    if (t.error) fprintf(f, ", %d error", t.error);
    if (t.timeout) fprintf(f, ", %d timeout", t.timeout);
    fprintf(f, ", %d skip", t.skip);
    if (t.xfail) fprintf(f, ", %d expected-fail", t.xfail);
    if (t.xpass) fprintf(f, ", %d unexpected-pass", t.xpass);
    fprintf(f, " (%d rule%s, %.0f scenarios, %.1f s)", t.rules, t.rules == 1 ? "" : "s", ps_rep_num(sum, "scenarios"),
            ps_rep_num(sum, "wall_ms") / 1000.0);
    const cJSON *tg = cJSON_GetObjectItemCaseSensitive(res, "target");
    if (*ps_rep_str(tg, "shards")) {   /* explore shards merged by pushspec report */
        fputs("; explore shards ", f);
        put_text(f, ps_rep_str(tg, "shards"));
    }
    const cJSON *diff = cJSON_GetObjectItemCaseSensitive(res, "differences");   /* explore with two --target */
    if (diff)
        fprintf(f, "; %d differences from the other target in %.0f operations compared",
                cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(diff, "items")), ps_rep_num(diff, "compared_operations"));
    fputc('\n', f);
}

static const char *verdict_label(const cJSON *rule)
{
    const char *c = ps_rep_class(rule);
    if (!strcmp(c, "xpass"))
        return "unexpected pass";
    if (!strcmp(ps_rep_str(rule, "strength"), "SHOULD") &&
        !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rule, "counts_as_failure")))
        return !strcmp(c, "fail") ? "fail (warning)" : !strcmp(c, "error") ? "error (warning)"
                                                                         : "timeout (warning)";
    return c;
}

static void put_row(FILE *f, const cJSON *res, const cJSON *rule, int with_target)
{
    fprintf(f, "| `%s` ", ps_rep_str(rule, "id"));
    if (with_target) {
        fputs("| ", f);
        put_text(f, ps_header_target_name(res));
        fputc(' ', f);
    }
    fprintf(f, "| %s | %s | ", ps_rep_str(rule, "strength"), verdict_label(rule));
    if (!strcmp(ps_rep_class(rule), "xpass")) {
        char note[300];
        snprintf(note, sizeof(note), "passes; baseline says: %s", ps_rep_str(rule, "baseline_reason"));
        put_code(f, note);
    } else {
        const char *a = ps_rep_str(rule, "actual");
        put_code(f, *a ? a : ps_rep_str(rule, "message"));
        char checks[512];
        if (*ps_rep_str(rule, "unlisted_failing_checks")) {
            fputs(" — not in the baseline: ", f);
            put_text(f, ps_rep_str(rule, "unlisted_failing_checks"));
        } else if (*ps_rep_failed_checks(rule, checks, sizeof(checks))) {
            fputs(" — failing checks: ", f);
            put_text(f, checks);
        }
        char clauses[4096];
        if (*ps_rep_clauses(rule, "; ", clauses, sizeof(clauses))) {
            fputs(" — clauses: ", f);
            put_text(f, clauses);
        }
    }
    fputs(" |\n", f);
}

/* "`A`, `B` (target)" for up to MAX_IDS rules of a class, shared over targets. */
static void put_ids(FILE *f, const cJSON *results[], size_t n, const char *cls)
{
    int shown = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        const cJSON *r;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(results[i], "rules")) {
            if (strcmp(ps_rep_class(r), cls))
                continue;
            if (total++ >= MAX_IDS)
                continue;
            fprintf(f, "%s`%s`", shown++ ? ", " : "", ps_rep_str(r, "id"));
            if (n > 1) {
                fputs(" (", f);
                put_text(f, ps_header_target_name(results[i]));
                fputc(')', f);
            }
        }
    }
    if (total > shown)
        fprintf(f, " and %d more", total - shown);
}

/* The rules skipped because an SDK lacks a feature, each with its reason: unlike the other skips
 * they say something about the SDK, so they are listed (at most MAX_IDS). */
static void put_lacking(FILE *f, const cJSON *results[], size_t n)
{
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        const cJSON *r;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(results[i], "rules")) {
            if (strcmp(ps_rep_class(r), "skip") || ps_skip_kind_by_name(ps_rep_str(r, "skip_kind")) != PS_SKIP_CAPABILITY)
                continue;
            if (!total)
                fprintf(f, "\n\nSkipped because the SDK lacks a feature (%s):", ps_skip_kind_name(PS_SKIP_CAPABILITY));
            if (total++ >= MAX_IDS)
                continue;
            fprintf(f, "\n- `%s`", ps_rep_str(r, "id"));
            if (n > 1) {
                fputs(" (", f);
                put_text(f, ps_header_target_name(results[i]));
                fputc(')', f);
            }
            fputs(": ", f);
            put_text(f, ps_rep_str(r, "reason"));
        }
    }
    if (total > MAX_IDS)
        fprintf(f, "\n- …and %d more", total - MAX_IDS);
}

int ps_report_markdown(const cJSON *results[], size_t n, const char *path, const char *const files[],
                       char *err, size_t errlen)
{
    FILE *f = ps_rep_open(path, err, errlen);
    if (!f)
        return -1;
    fputs("### pushspec: Pusher Channels protocol 7 conformance\n\n", f);
    int problems = 0, skips = 0, xfails = 0;
    for (size_t i = 0; i < n; i++) {
        ps_tally t = ps_rep_count(results[i]);
        put_summary(f, results[i]);
        problems += t.problems;
        skips += t.skip;
        xfails += t.xfail;
    }
    fputc('\n', f);
    if (!problems) {
        fputs("No failing or unexpected rules.\n", f);
    } else {
        fprintf(f, "**Rules failed, not judged (error, timeout) or unexpectedly passing (%d):**\n\n| Rule %s| Strength | Verdict | Actual |\n"
                "|---|%s---|---|---|\n", problems, n > 1 ? "| Target " : "", n > 1 ? "---|" : "");
        int rows = 0;
        for (size_t i = 0; i < n; i++) {
            const cJSON *r;
            cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(results[i], "rules"))
                if (ps_rep_is_problem(r) && rows++ < MAX_ROWS)
                    put_row(f, results[i], r, n > 1);
        }
        if (rows > MAX_ROWS)
            fprintf(f, "\n…and %d more; see the HTML report.\n", rows - MAX_ROWS);
    }
    fputc('\n', f);
    fprintf(f, "Skipped: %d rule%s (not checked by the selected scenarios, not in this role, or a feature the "
            "SDK lacks).", skips, skips == 1 ? "" : "s");
    if (xfails) {
        fprintf(f, " Expected failures (baseline): %d: ", xfails);
        put_ids(f, results, n, "xfail");
        fputc('.', f);
    }
    put_lacking(f, results, n);
    fputs("\n\nFull result", f);
    if (files && n) {
        fputs(n > 1 ? "s: " : ": ", f);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ", " : "", f);
            put_code(f, files[i]);
        }
    }
    fputs(" (verdicts, Expected/Actual and transcripts of every failure).\n", f);
    return ps_rep_close(f, path, err, errlen);
}

#include "report/console.h"
#include "report/rule_checks.h"
#include "core/redact.h"
#include "report/clause_text.h"
#include "net/loop.h"
#include "net/redacted_print.h"
#include "net/limits.h"
#include "net/stop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tty, color, quiet;
static const char *secret;
static int64_t last_draw;
static int line_drawn;

void ps_console_init(int is_tty, int use_color, int be_quiet, const char *app_secret)
{
    quiet = be_quiet;
    tty = is_tty;
    color = use_color;
    secret = app_secret;
}

static const char *paint(ps_verdict v)
{
    if (!color)
        return "";
    switch (v) {
    case PS_V_PASS: return "\033[32m";
    case PS_V_FAIL: return "\033[31m";
    case PS_V_ERROR: case PS_V_TIMEOUT: return "\033[35m";
    default: return "\033[33m";
    }
}

static const char *reset(void) { return color ? "\033[0m" : ""; }

static void clear_line(void)
{
    if (tty && line_drawn) {
        fputs("\r\033[K", stderr);
        line_drawn = 0;
    }
}

static void scenario_done(void *ctx, const ps_scenario *s)
{
    (void)ctx;
    if (quiet)
        return;
    clear_line();
    ps_say("%s%-7s%s %-44s", paint(s->verdict), ps_verdict_name(s->verdict), reset(), s->id);
    for (size_t i = 0; i < s->nrules; i++)
        ps_say(" %s", s->rules[i]);
    ps_say(" (%lld ms)\n", (long long)(s->end_ms - s->start_ms));
}

static void progress(void *ctx, size_t done, size_t total, size_t running)
{
    const ps_runner *r = ctx;
    int64_t now = ps_now_ms();
    if (!tty || quiet || now - last_draw < 100)
        return;
    last_draw = now;
    clear_line();
    ps_say("[%zu/%zu] %zu running, %.1f s", done, total, running,
            (double)(now - r->wall_start_ms) / 1000.0);
    line_drawn = 1;
}

ps_run_observer ps_console_observer(const ps_runner *r)
{
    return (ps_run_observer){ NULL, scenario_done, progress, (void *)r };
}

static void print_redacted(const char *label, const char *text)
{
    char *r = ps_redact_text(text ? text : "", secret);
    ps_say_to(stdout, "    %-9s %s\n", label, r ? r : "");
    free(r);
}

static void print_transcript_tail(const ps_scenario *s, size_t n)
{
    size_t total = s->tr.count, from = total > n ? total - n : 0;
    if (!total)
        return;
    ps_say_to(stdout, "    last frames (scenario %s):\n", s->id);
    for (size_t i = from; i < total; i++) {
        const ps_tentry *e = ps_transcript_at(&s->tr, i);
        char *r = ps_redact_text(e->text, secret);
        ps_say_to(stdout, "      %6lld ms  #%d %c %-7s %.160s%s\n", (long long)e->t_ms, e->conn, e->dir,
                e->kind, r ? r : "", (r && strlen(r) > 160) ? "..." : "");
        free(r);
    }
}

/* "failing checks: a, b (and 1 without a label)": the labels a per-check baseline would name. */
static void print_failing_checks(const ps_runner *r, const ps_rule_result *rr)
{
    ps_rule_checks rc;
    if (ps_rule_checks_collect(r, rr->rule->id, &rc) < 0 || (!rc.n && !rc.unlabelled))
        return;
    char list[512] = "";
    for (size_t i = 0; i < rc.n; i++) {
        size_t n = strlen(list);
        snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "", rc.c[i].label);
    }
    if (rc.unlabelled)
        ps_say_to(stdout, "    failing checks: %s%s%d without a label\n", list, rc.n ? ", and " : "", rc.unlabelled);
    else
        ps_say_to(stdout, "    failing checks: %s\n", list);
    for (size_t i = 0; i < rc.n; i++) {   /* each with what it judges */
        char text[1024];
        ps_say_to(stdout, "      %s: %s\n", rc.c[i].label,
                  ps_clause_text(r->env.catalog, rr->rule, rc.c[i].label, NULL, text, sizeof(text)));
    }
    ps_rule_checks_free(&rc);
}

static void print_failure(const ps_runner *r, const ps_rule_result *rr, int strict)
{
    const ps_rule *rule = rr->rule;
    int counted = ps_results_counts_as_failure(rr, strict);
    ps_say_to(stdout, "\n%s%s %s%s [%s] %s%s\n", paint(rr->v), rule->id,
            rr->x == PS_X_XPASS ? "UNEXPECTED PASS" : ps_verdict_name(rr->v), reset(),
            rule->should ? "SHOULD" : "MUST", counted ? "" : "(warning) ", rule->section);
    ps_say_to(stdout, "    %s\n", rule->text);
    if (rr->x == PS_X_XPASS) {
        ps_say_to(stdout, "    the baseline expects a failure (%s) but it passed: remove it from the expect file\n",
                rr->expect_reason);
        return;
    }
    if (rr->where)
        ps_say_to(stdout, "    scenario  %s (%s:%d)\n", rr->where->id, rr->where->file, rr->where->line);
    print_failing_checks(r, rr);
    if (rr->unlisted[0]) {
        ps_say_to(stdout, "    the baseline lists this rule's failing checks (%s); these failed as well: %s\n",
                  rr->expect_reason, rr->unlisted);
    }
    const char *expected = rr->unlisted_check ? rr->unlisted_check->expected : rr->check ? rr->check->expected : NULL;
    const char *actual = rr->unlisted_check ? rr->unlisted_check->actual : rr->check ? rr->check->actual : NULL;
    if (expected)
        print_redacted("Expected:", expected);
    if (actual)
        print_redacted("Actual:", actual);
    if (!rr->unlisted_check && rr->check && rr->check->reason)   /* the headline's own check only */
        print_redacted("Reason:", rr->check->reason);
    if (rr->where && rr->where->err_source)
        ps_say_to(stdout, "    at        %s\n", rr->where->err_source);
    if (rr->where)
        print_transcript_tail(rr->where, 8);
}

static size_t done_count(const ps_runner *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nsc; i++)
        n += r->sc[i]->selected && r->sc[i]->state == PS_S_DONE;
    return n;
}

void ps_console_summary(const ps_runner *r, const ps_results *res, int strict)
{
    ps_tally t = ps_results_tally(res, strict);   /* the numbers every report gives */
    clear_line();
    for (size_t i = 0; i < res->n; i++) {
        const ps_rule_result *rr = &res->r[i];
        int bad = rr->v == PS_V_FAIL || rr->v == PS_V_ERROR || rr->v == PS_V_TIMEOUT;
        if ((bad && rr->x != PS_X_XFAIL) || rr->x == PS_X_XPASS)
            print_failure(r, rr, strict);
    }
    ps_say_to(stdout, "\nRules:\n");
    const char *section = "";
    size_t other_role = 0, lacking = 0;
    for (size_t i = 0; i < res->n; i++) {
        const ps_rule_result *rr = &res->r[i];
        if (rr->v == PS_V_SKIP && rr->skip_kind == PS_SKIP_OTHER_ROLE) {
            other_role++;   /* rules of the other roles: one line below, not one each */
            continue;
        }
        if (strcmp(section, rr->rule->section) != 0) {
            section = rr->rule->section;
            ps_say_to(stdout, "  %s\n", section);
        }
        const char *x = rr->x == PS_X_XFAIL ? " (expected)" : rr->x == PS_X_XPASS ? " (UNEXPECTED PASS)" : "";
        ps_say_to(stdout, "    %-9s %s%-7s%s%s", rr->rule->id, paint(rr->v), ps_verdict_name(rr->v), reset(), x);
        if (rr->v == PS_V_SKIP && rr->skip_kind == PS_SKIP_CAPABILITY)
            lacking++;
        if (rr->v == PS_V_SKIP && rr->reason[0])
            ps_say_to(stdout, "  %s%s%s%s", rr->skip_kind == PS_SKIP_CAPABILITY ? "[" : "",
                      rr->skip_kind == PS_SKIP_CAPABILITY ? ps_skip_kind_name(PS_SKIP_CAPABILITY) : "",
                      rr->skip_kind == PS_SKIP_CAPABILITY ? "] " : "", rr->reason);
        else if (rr->x == PS_X_XFAIL && rr->expect_reason)
            ps_say_to(stdout, "  %s", rr->expect_reason);
        fputc('\n', stdout);
    }
    if (other_role)
        ps_say_to(stdout, "  (%zu rules of other roles skipped: they are checked with an SDK under test)\n",
                other_role);
    int64_t slowest = 0, sum = 0;
    for (size_t i = 0; i < r->nsc; i++) {
        const ps_scenario *s = r->sc[i];
        if (s->selected && s->state == PS_S_DONE) {
            int64_t d = s->end_ms - s->start_ms;
            sum += d;
            slowest = d > slowest ? d : slowest;
        }
    }
    double wall = (double)(r->wall_end_ms - r->wall_start_ms);
    ps_say_to(stdout, "\nwall time %.1f s = %.2f x the slowest scenario (%.1f s), %.2f x the sum of all (%.1f s)\n",
            wall / 1000.0, slowest ? wall / (double)slowest : 0.0, (double)slowest / 1000.0,
            sum ? wall / (double)sum : 0.0, (double)sum / 1000.0);
    ps_say_to(stdout, "expected failures %d; SHOULD warnings %d%s\n", t.xfail, t.warn,
            strict ? " (--strict: counted as failures)" : "");
    /* of the rules that count against the run, an error or a timeout is a check not made,
     * not a deviation seen: counted apart */
    int errors = t.counted_error - t.counted_timeout, timeouts = t.counted_timeout;
    ps_say_to(stdout, "rules: %d passed, %d failed, %d skipped", t.pass, t.counted - t.counted_error, t.skip);
    if (lacking)
        ps_say_to(stdout, " (%zu because the SDK lacks a feature: %s)", lacking, ps_skip_kind_name(PS_SKIP_CAPABILITY));
    fputc('\n', stdout);
    if (errors || timeouts)
        ps_say_to(stdout, "not judged: %d rule%s in error, %d timed out (their checks could not be made; "
                  "see the reasons above)\n", errors, errors == 1 ? "" : "s", timeouts);
    for (size_t i = 0; i < ps_limits_hit_count(); i++) {
        const char *what;
        unsigned long times;
        const char *name = ps_limit_hit_at(i, &what, &times);
        ps_say_to(stdout, "limit %s reached %lu time%s: %s\n", name, times, times == 1 ? "" : "s", what);
    }
    if (res->stopped_by)
        ps_say_to(stdout, "interrupted by signal %d: %zu of %zu scenarios did not finish; a partial result\n",
                  res->stopped_by, res->selected - done_count(r), res->selected);
}

#include "report/result.h"
#include "report/header.h"
#include "report/outpath.h"
#include "report/rule_checks.h"
#include "report/clause_text.h"
#include "core/redact.h"
#include "net/limits.h"
#include "core/utf8.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static void merge_scenario(ps_rule_result *rr, const ps_scenario *s, const ps_rule_outcome *c)
{
    rr->nscenarios++;
    /* a stronger verdict, or the first to decide, names where it came from */
    if (!rr->where || c->v > rr->v) {
        rr->v = ps_verdict_merge(rr->v, c->v);
        rr->where = s;
        rr->check = c;
    }
}

static void append(char *buf, size_t len, const char *what)
{
    size_t n = strlen(buf);
    if (n + 1 < len)
        snprintf(buf + n, len - n, "%s%s", n ? ", " : "", what);
}

/* A labelled baseline entry pins which checks fail: any other failing check of the rule (a label it does
 * not list, or a check without a label) is a new failure. Returns how many; marks the listed ones seen. */
static int unlisted_failures(const ps_runner *run, ps_rule_result *rr, ps_expect_entry *e)
{
    int n = 0;
    for (size_t j = 0; j < run->nsc; j++) {
        const ps_scenario *s = run->sc[j];
        if (!s->selected || s->state != PS_S_DONE)
            continue;
        /* its declared rules' checks, then its incidental findings */
        for (size_t k = 0; k < s->nrules + s->nincidental; k++) {
            const ps_rule_outcome *c = k < s->nrules ? &s->checks[k] : &s->incidental[k - s->nrules];
            if (strcmp(c->rule, rr->rule->id) != 0)
                continue;
            if (c->unlabelled_fails) {
                n++;
                append(rr->unlisted, sizeof(rr->unlisted), "a check without a label");
            }
            for (size_t l = 0; l < c->nlabels; l++) {
                if (!c->labels[l].fails)
                    continue;
                size_t m = 0;
                while (m < e->nlabels && strcmp(e->labels[m], c->labels[l].name) != 0)
                    m++;
                if (m < e->nlabels) {
                    e->label_failed[m] = 1;
                    continue;
                }
                n++;
                if (!rr->unlisted_check) {
                    rr->unlisted_check = &c->labels[l];
                    rr->where = s;
                }
                append(rr->unlisted, sizeof(rr->unlisted), c->labels[l].name);
            }
        }
    }
    return n;
}

void ps_results_compute(const ps_runner *run, const ps_baseline *b, const ps_role *role, ps_results *out)
{
    const ps_catalog *cat = run->env.catalog;
    memset(out, 0, sizeof(*out));
    for (size_t j = 0; j < run->nsc; j++)
        out->selected += run->sc[j]->selected != 0;
    out->r = calloc(cat->n, sizeof(*out->r));
    out->n = cat->n;
    for (size_t i = 0; i < cat->n; i++) {
        ps_rule_result *rr = &out->r[i];
        rr->rule = &cat->rules[i];
        for (size_t j = 0; j < run->nsc; j++) {
            const ps_scenario *s = run->sc[j];
            if (!s->selected || s->state != PS_S_DONE)
                continue;
            for (size_t k = 0; k < s->nrules; k++)
                if (strcmp(s->checks[k].rule, rr->rule->id) == 0)
                    merge_scenario(rr, s, &s->checks[k]);
            for (size_t k = 0; k < s->nincidental; k++)   /* fails the rule; not a scenario checking it */
                if (strcmp(s->incidental[k].rule, rr->rule->id) == 0 && rr->v != PS_V_FAIL) {
                    rr->v = PS_V_FAIL;
                    rr->where = s;
                    rr->check = &s->incidental[k];
                }
        }
        if (rr->v == PS_V_NONE) {
            rr->v = PS_V_SKIP;
            if (!ps_rule_has_role(rr->rule, role->letter)) {
                rr->skip_kind = PS_SKIP_OTHER_ROLE;
                snprintf(rr->reason, sizeof(rr->reason), "role %s: not checked in the %c role",
                         rr->rule->roles, role->letter);
            } else {
                rr->skip_kind = PS_SKIP_NOT_SELECTED;
                snprintf(rr->reason, sizeof(rr->reason), "no selected scenario checks this rule");
            }
        } else if (rr->v == PS_V_SKIP && rr->check && rr->check->reason) {
            rr->skip_kind = rr->check->skip_kind;
            snprintf(rr->reason, sizeof(rr->reason), "%s", rr->check->reason);
        }
        ps_expect_entry *e = ps_baseline_find(b, rr->rule->id);
        if (e) {
            e->used = 1;
            rr->expect_reason = e->reason;
            if (rr->v == PS_V_PASS)
                rr->x = e->sometimes ? rr->x : PS_X_XPASS;   /* an intermittent failure may pass */
            else if (rr->v != PS_V_SKIP)
                rr->x = e->nlabels && rr->v == PS_V_FAIL && unlisted_failures(run, rr, e) ? PS_X_PLAIN : PS_X_XFAIL;
        }
    }
}

ps_tally ps_results_tally(const ps_results *res, int strict)
{
    ps_tally t;
    memset(&t, 0, sizeof(t));
    for (size_t i = 0; i < res->n; i++) {
        const ps_rule_result *rr = &res->r[i];
        ps_tally_add(&t, rr->v, rr->x, rr->rule->should, ps_results_counts_as_failure(rr, strict));
    }
    return t;
}

int ps_results_counts_as_failure(const ps_rule_result *rr, int strict)
{
    if (rr->x == PS_X_XPASS)
        return 1;
    if (rr->x == PS_X_XFAIL)
        return 0;
    if (rr->v != PS_V_FAIL && rr->v != PS_V_ERROR && rr->v != PS_V_TIMEOUT)
        return 0;
    return !rr->rule->should || strict;
}

int ps_results_exit_code(const ps_results *res, int strict)
{
    for (size_t i = 0; i < res->n; i++)
        if (ps_results_counts_as_failure(&res->r[i], strict))
            return 1;
    return 0;
}

void ps_results_free(ps_results *res)
{
    free(res->r);
    memset(res, 0, sizeof(*res));
}

static void add_redacted(cJSON *o, const char *name, const char *text, const char *secret)
{
    char *r = ps_redact_text(text ? text : "", secret);
    cJSON_AddStringToObject(o, name, r ? r : "");
    free(r);
}

/* Redact the strings of a parsed record: redacting its JSON text would turn bytes
 * ps_redact_text escapes as \xNN into invalid JSON, and the record would be lost. */
static void redact_strings(cJSON *v, const char *secret)
{
    if (cJSON_IsString(v) && v->valuestring) {
        char *r = ps_redact_text(v->valuestring, secret);
        if (r)
            cJSON_SetValuestring(v, r);
        free(r);
    }
    for (cJSON *c = v->child; c; c = c->next)
        redact_strings(c, secret);
}

static cJSON *transcript_json(const ps_transcript *t, const char *secret)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a; i++) {
        const ps_tentry *e = ps_transcript_at(t, i);
        if (!e)
            break;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "t_ms", (double)e->t_ms);
        cJSON_AddNumberToObject(o, "conn", e->conn);
        char dir[2] = { e->dir, 0 };
        cJSON_AddStringToObject(o, "dir", dir);
        cJSON_AddStringToObject(o, "kind", e->kind);
        add_redacted(o, "text", e->text, secret);
        if (e->full_len > PS_TRANSCRIPT_TEXT_MAX)
            cJSON_AddNumberToObject(o, "bytes", (double)e->full_len);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

/* The labels of a rule's failing checks in one scenario: what a per-check baseline names. */
static void add_failed_labels(cJSON *r, const ps_rule_outcome *c)
{
    cJSON *a = NULL;
    for (size_t i = 0; i < c->nlabels; i++)
        if (c->labels[i].fails) {
            if (!a)
                a = cJSON_AddArrayToObject(r, "failed_checks");
            cJSON_AddItemToArray(a, cJSON_CreateString(c->labels[i].name));
        }
    if (c->unlabelled_fails)
        cJSON_AddNumberToObject(r, "unlabelled_failures", c->unlabelled_fails);
}

static cJSON *scenario_json(const ps_scenario *s, const char *secret)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", s->id);
    add_redacted(o, "title", s->title, secret);
    add_redacted(o, "file", s->file, secret);
    cJSON_AddNumberToObject(o, "line", s->line);
    cJSON_AddStringToObject(o, "verdict", ps_verdict_name(s->verdict));
    cJSON_AddNumberToObject(o, "duration_ms", (double)(s->end_ms - s->start_ms));
    if (s->message)
        add_redacted(o, "message", s->message, secret);
    if (s->err_source)
        add_redacted(o, "source", s->err_source, secret);
    cJSON *tags = cJSON_AddArrayToObject(o, "tags");
    for (size_t i = 0; i < s->ntags; i++)
        cJSON_AddItemToArray(tags, cJSON_CreateString(s->tags[i]));
    cJSON *rules = cJSON_AddArrayToObject(o, "rules");
    for (size_t i = 0; i < s->nrules; i++) {
        const ps_rule_outcome *c = &s->checks[i];
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "id", c->rule);
        cJSON_AddStringToObject(r, "verdict", ps_verdict_name(c->v));
        cJSON_AddNumberToObject(r, "checks", c->checks);
        add_failed_labels(r, c);
        if (c->expected)
            add_redacted(r, "expected", c->expected, secret);
        if (c->actual)
            add_redacted(r, "actual", c->actual, secret);
        if (c->reason)
            add_redacted(r, "reason", c->reason, secret);
        if (c->v == PS_V_SKIP && c->skip_kind != PS_SKIP_NONE)
            cJSON_AddStringToObject(r, "skip_kind", ps_skip_kind_name(c->skip_kind));
        cJSON_AddItemToArray(rules, r);
    }
    /* fails of rules it does not declare (wire checks, set-up steps) */
    cJSON *inc = s->nincidental ? cJSON_AddArrayToObject(o, "incidental") : NULL;
    for (size_t i = 0; i < s->nincidental; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "id", s->incidental[i].rule);
        cJSON_AddStringToObject(r, "verdict", "fail");
        cJSON_AddNumberToObject(r, "checks", s->incidental[i].checks);
        add_failed_labels(r, &s->incidental[i]);
        add_redacted(r, "expected", s->incidental[i].expected, secret);
        add_redacted(r, "actual", s->incidental[i].actual, secret);
        cJSON_AddItemToArray(inc, r);
    }
    if (s->nrecords) {
        cJSON *recs = cJSON_AddArrayToObject(o, "records");
        for (size_t i = 0; i < s->nrecords; i++) {
            cJSON *v = cJSON_Parse(s->records[i]);
            if (!v)   /* cannot happen (the text came from cJSON): say so rather than drop it */
                v = cJSON_CreateString("(a record that could not be parsed)");
            redact_strings(v, secret);
            if (v)
                cJSON_AddItemToArray(recs, v);
        }
    }
    if ((s->verdict != PS_V_PASS && s->verdict != PS_V_SKIP) || s->nincidental)
        cJSON_AddItemToObject(o, "transcript", transcript_json(&s->tr, secret));
    return o;
}

static const char *expectation_name(ps_expectation x)
{
    return x == PS_X_XFAIL ? "expected-fail" : x == PS_X_XPASS ? "unexpected-pass" : NULL;
}

/* Every failing check label of the rule, over all its scenarios (what --write-expect pins), and
 * "clauses": each label's clause text (the rule's text, and defined false, for a label without one). */
static void add_rule_failed_checks(cJSON *o, const ps_runner *run, const ps_rule *rule)
{
    ps_rule_checks rc;
    if (ps_rule_checks_collect(run, rule->id, &rc) < 0)
        return;
    cJSON *a = rc.n ? cJSON_AddArrayToObject(o, "failed_checks") : NULL;
    for (size_t i = 0; i < rc.n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(rc.c[i].label));
    cJSON *cls = rc.n ? cJSON_AddArrayToObject(o, "clauses") : NULL;
    for (size_t i = 0; i < rc.n; i++) {
        char text[1024];
        int defined;
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "label", rc.c[i].label);
        cJSON_AddStringToObject(c, "text", ps_clause_text(run->env.catalog, rule, rc.c[i].label, &defined, text,
                                                         sizeof(text)));
        cJSON_AddBoolToObject(c, "defined", defined);
        cJSON_AddItemToArray(cls, c);
    }
    if (rc.unlabelled)
        cJSON_AddNumberToObject(o, "unlabelled_failures", rc.unlabelled);
    ps_rule_checks_free(&rc);
}

static cJSON *rule_json(const ps_runner *run, const ps_rule_result *rr, int strict, const char *secret)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", rr->rule->id);
    cJSON_AddStringToObject(o, "roles", rr->rule->roles);
    cJSON_AddStringToObject(o, "strength", rr->rule->should ? "SHOULD" : "MUST");
    cJSON_AddStringToObject(o, "section", rr->rule->section);
    cJSON_AddStringToObject(o, "text", rr->rule->text);
    cJSON_AddStringToObject(o, "verdict", ps_verdict_name(rr->v));
    if (expectation_name(rr->x))
        cJSON_AddStringToObject(o, "expectation", expectation_name(rr->x));
    if (rr->expect_reason)
        add_redacted(o, "baseline_reason", rr->expect_reason, secret);
    cJSON_AddBoolToObject(o, "counts_as_failure", ps_results_counts_as_failure(rr, strict));
    if (rr->reason[0])
        add_redacted(o, "reason", rr->reason, secret);
    if (rr->v == PS_V_SKIP && rr->skip_kind != PS_SKIP_NONE)
        cJSON_AddStringToObject(o, "skip_kind", ps_skip_kind_name(rr->skip_kind));
    if (rr->where && rr->v != PS_V_SKIP)
        cJSON_AddStringToObject(o, "scenario", rr->where->id);
    if (rr->v == PS_V_FAIL || rr->v == PS_V_ERROR || rr->v == PS_V_TIMEOUT)
        add_rule_failed_checks(o, run, rr->rule);
    if (rr->unlisted[0])
        cJSON_AddStringToObject(o, "unlisted_failing_checks", rr->unlisted);
    if (rr->unlisted_check) {
        add_redacted(o, "expected", rr->unlisted_check->expected, secret);
        add_redacted(o, "actual", rr->unlisted_check->actual, secret);
    } else if (rr->check && (rr->v == PS_V_FAIL || rr->v == PS_V_ERROR || rr->v == PS_V_TIMEOUT)) {
        if (rr->check->expected)
            add_redacted(o, "expected", rr->check->expected, secret);
        if (rr->check->actual)
            add_redacted(o, "actual", rr->check->actual, secret);
        if (rr->check->reason)
            add_redacted(o, "message", rr->check->reason, secret);
    }
    cJSON_AddNumberToObject(o, "scenarios", rr->nscenarios);
    return o;
}

int ps_results_write_json(const char *path, const ps_runner *run, const ps_results *res,
                          const ps_target_info *t, int strict, char *err, size_t errlen)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "tool", "pushspec");
    char when[32];
    time_t now = time(NULL);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    cJSON_AddStringToObject(root, "finished_at", when);
    cJSON_AddBoolToObject(root, "strict", strict);
    cJSON *tg = cJSON_AddObjectToObject(root, "target");
    ps_header h;
    ps_header_of_target(&h, t);
    ps_header_to_json(&h, root, tg, ps_redact_text, t->secret);
    cJSON_AddStringToObject(tg, "secret", "<redacted>");
    if (t->nnodes > 0) {   /* a cluster: the nodes the scenarios were spread over */
        cJSON *nodes = cJSON_AddArrayToObject(tg, "nodes");
        for (int i = 0; i < t->nnodes; i++) {
            cJSON *n = cJSON_CreateObject();
            add_redacted(n, "name", t->node_name[i], t->secret);
            add_redacted(n, "url", t->node_url[i], t->secret);
            add_redacted(n, "http_url", t->node_http_url[i], t->secret);
            cJSON_AddItemToArray(nodes, n);
        }
    }

    size_t nsel = 0;
    int64_t sum = 0, slowest = 0;
    cJSON *scs = cJSON_CreateArray();
    for (size_t i = 0; i < run->nsc; i++) {
        const ps_scenario *s = run->sc[i];
        if (!s->selected || s->state != PS_S_DONE)
            continue;
        nsel++;
        int64_t d = s->end_ms - s->start_ms;
        sum += d;
        if (d > slowest)
            slowest = d;
        cJSON_AddItemToArray(scs, scenario_json(s, t->secret));
    }
    cJSON *sum_o = cJSON_AddObjectToObject(root, "summary");
    ps_tally tl = ps_results_tally(res, strict);   /* by cell class, as every report counts */
    cJSON_AddNumberToObject(sum_o, "rules", (double)tl.rules);
    cJSON_AddNumberToObject(sum_o, "pass", (double)tl.pass);
    cJSON_AddNumberToObject(sum_o, "fail", (double)tl.fail);
    cJSON_AddNumberToObject(sum_o, "error", (double)tl.error);
    cJSON_AddNumberToObject(sum_o, "timeout", (double)tl.timeout);
    cJSON_AddNumberToObject(sum_o, "skip", (double)tl.skip);
    cJSON_AddNumberToObject(sum_o, "expected_fail", (double)tl.xfail);
    cJSON_AddNumberToObject(sum_o, "unexpected_pass", (double)tl.xpass);
    cJSON_AddNumberToObject(sum_o, "scenarios", (double)nsel);
    cJSON_AddNumberToObject(sum_o, "wall_ms", (double)(run->wall_end_ms - run->wall_start_ms));
    cJSON_AddNumberToObject(sum_o, "slowest_scenario_ms", (double)slowest);
    cJSON_AddNumberToObject(sum_o, "sum_scenario_ms", (double)sum);
    cJSON_AddNumberToObject(sum_o, "exit_code", res->stopped_by ? 128 + res->stopped_by
                                                                : ps_results_exit_code(res, strict));
    if (res->stopped_by) {
        char note[160];
        snprintf(note, sizeof(note), "interrupted by %s: a partial result, %zu of %zu scenarios finished",
                 res->stopped_by == SIGTERM ? "SIGTERM" : res->stopped_by == SIGINT ? "SIGINT"
                 : res->stopped_by == SIGHUP ? "SIGHUP" : res->stopped_by == SIGUSR1 ? "SIGUSR1"
                 : res->stopped_by == SIGUSR2 ? "SIGUSR2" : "a signal", nsel,
                 res->selected);
        cJSON_AddStringToObject(root, "note", note);
    }
    cJSON *lim = cJSON_AddArrayToObject(root, "limits_hit");
    for (size_t i = 0; i < ps_limits_hit_count(); i++) {
        const char *what;
        unsigned long times;
        const char *name = ps_limit_hit_at(i, &what, &times);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "limit", name);
        add_redacted(o, "what", what, t->secret);
        cJSON_AddNumberToObject(o, "times", (double)times);
        cJSON_AddItemToArray(lim, o);
    }

    cJSON *rules = cJSON_AddArrayToObject(root, "rules");
    for (size_t i = 0; i < res->n; i++)
        cJSON_AddItemToArray(rules, rule_json(run, &res->r[i], strict, t->secret));
    cJSON_AddItemToObject(root, "scenarios", scs);

    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        snprintf(err, errlen, "out of memory writing %s", path);
        return -1;
    }
    /* written beside the destination, then renamed: a crash never leaves half a file */
    FILE *f = ps_out_open(path, err, errlen);
    int ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    free(text);
    if (!f)
        return -1;
    if (ps_out_close(f, err, errlen) < 0 || !ok) {
        if (!ok)
            snprintf(err, errlen, "cannot write the result file %s", path);
        return -1;
    }
    return 0;
}

#define _GNU_SOURCE   /* mkstemps */
#include "report/finish.h"
#include "report/console.h"
#include "report/expect_write.h"
#include "report/clause_text.h"
#include "report/report.h"
#include "net/loop.h"
#include "net/redacted_print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The reports are made from the JSON result: without --json it is kept beside
 * the HTML, or in a temporary file of a name nobody can guess (mkstemps). */
static const char *json_path_of(const ps_finish_opts *o, char *buf, size_t buflen, int *temp)
{
    *temp = 0;
    if (o->json || (!o->html && !o->junit && !o->markdown))
        return o->json;
    if (o->html) {
        snprintf(buf, buflen, "%s/result.json", o->html);
        return buf;
    }
    const char *dir = getenv("TMPDIR");
    snprintf(buf, buflen, "%s/pushspec-result-XXXXXX.json", dir && *dir ? dir : "/tmp");
    int fd = mkstemps(buf, 5);
    if (fd < 0)
        return NULL;
    close(fd);
    *temp = 1;
    return buf;
}

/* The HTML folder always holds the result it was made from, --json or not. */
static int html_result(const char *html, const ps_runner *r, const ps_results *res, const ps_target_info *ti,
                       int strict, char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/result.json", html);
    return ps_results_write_json(path, r, res, ti, strict, err, errlen);
}

int ps_run_finish(ps_runner *r, const ps_baseline *base, const ps_target_info *ti,
                  const ps_finish_opts *o, int stopped_by)
{
    char err[2048] = "", buf[4096];
    ps_results res;
    if (stopped_by && !r->wall_end_ms)
        r->wall_end_ms = ps_now_ms();
    ps_results_compute(r, base, o->role, &res);
    res.stopped_by = stopped_by;
    ps_console_summary(r, &res, o->strict);
    for (size_t i = 0; i < base->n && !stopped_by; i++) {
        const ps_expect_entry *e = &base->e[i];
        if (!e->used)
            ps_say_to(stdout, "note: %s:%d names %s, which no rule result used\n", o->expect, e->line, e->rule);
        const ps_rule_result *rr = NULL;   /* labels are only compared when the rule failed */
        for (size_t j = 0; j < res.n && !rr; j++)
            rr = strcmp(res.r[j].rule->id, e->rule) == 0 ? &res.r[j] : NULL;
        for (size_t k = 0; e->used && rr && rr->v == PS_V_FAIL && k < e->nlabels; k++)
            if (!e->label_failed[k]) {
                char text[1024];
                ps_say_to(stdout, "note: %s:%d names %s:%s (%s), a check that did not fail in this run\n", o->expect,
                          e->line, e->rule, e->labels[k], ps_clause_text(r->env.catalog, rr->rule, e->labels[k], NULL,
                                                                        text, sizeof(text)));
            }
    }
    int rc = stopped_by ? 128 + stopped_by : ps_results_exit_code(&res, o->strict), temp;
    const char *json_path = json_path_of(o, buf, sizeof(buf), &temp);
    const char *paths[1] = { json_path };
    if (!json_path && (o->html || o->junit || o->markdown)) {
        ps_say("pushspec: cannot create a temporary file for the reports' result (is TMPDIR writable?)\n");
        rc = 2;
    } else if (json_path && ps_results_write_json(json_path, r, &res, ti, o->strict, err, sizeof(err)) < 0) {
        ps_say("pushspec: %s\n", err);
        rc = 2;
    } else if (o->html && o->json && html_result(o->html, r, &res, ti, o->strict, err, sizeof(err)) < 0) {
        ps_say("pushspec: %s\n", err);
        rc = 2;
    } else if ((o->html || o->junit || o->markdown) &&
               ps_report_from_files(paths, 1, o->html, o->junit, o->markdown, err, sizeof(err)) < 0) {
        ps_say("pushspec: %s\n", err);
        rc = 2;
    } else if (json_path) {
        ps_say("%sresult written to %s%s%s%s%s%s%s\n", stopped_by ? "partial " : "",
               temp ? "(a temporary file)" : json_path, o->html ? ", HTML to " : "",
               o->html ? o->html : "", o->junit ? ", JUnit to " : "", o->junit ? o->junit : "",
               o->markdown ? ", Markdown to " : "", o->markdown ? o->markdown : "");
    }
    if (o->write_expect && stopped_by) {
        ps_say("pushspec: --write-expect %s not written: the run was interrupted, its failures are not all known\n",
               o->write_expect);
    } else if (o->write_expect) {
        size_t lines;
        if (ps_expect_write(o->write_expect, r, &res, ti, o->merge_expect, &lines, err, sizeof(err)) < 0) {
            ps_say("pushspec: %s\n", err);
            rc = 2;
        } else {
            ps_say("baseline of this run's failures written to %s (%zu entries); load it with --expect %s\n",
                   o->write_expect, lines, o->write_expect);
        }
    }
    if (temp)
        remove(json_path);
    ps_results_free(&res);
    return rc == 2 || !stopped_by ? rc : 128 + stopped_by;
}

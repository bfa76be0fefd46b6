/* One self-contained HTML page (inline CSS and JS, nothing fetched): a summary
 * per target and a rules x targets matrix. Rules whose verdicts differ between
 * targets come first, the rest follow by section. A failing cell is a <details>
 * whose panel shows Expected, Actual, message and the scenario's transcript;
 * index.html#open=cell-RULE-N opens one, so a link can point at a failure. */
#define _POSIX_C_SOURCE 200809L   /* strdup */
#include "report/diff_html.h"
#include "report/outpath.h"
#include "report/report.h"
#include "report/header.h"
#include "core/skip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char css[] =
"*{box-sizing:border-box}"
"body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;background:#f6f8fa}"
"body.panel-open{padding-bottom:52vh}"
"header{background:#24292f;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}"
"header p{margin:2px 0 0;color:#c9d1d9}main{padding:16px 24px}"
"h2{font-size:16px;margin:18px 0 8px}code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}"
"table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d0d7de;padding:5px 8px;vertical-align:top}"
"thead th{background:#eaeef2;text-align:left;position:sticky;top:0;z-index:2}"
".summary td.n{text-align:right;font-variant-numeric:tabular-nums}.summary td.when,.transcript th{white-space:nowrap}"
".summary td.target{max-width:24em;overflow-wrap:anywhere}.summary .v-xpass{box-shadow:none}.summary .zero{color:#8c959f}"
".sub{color:#57606a;font-size:12px}.res-ok{color:#1a7f37;font-weight:700}.res-failed{color:#cf222e;font-weight:700}"
".legend{margin:10px 0;display:flex;flex-wrap:wrap;gap:6px;align-items:center}"
".legend span{padding:2px 8px;border-radius:4px;font-size:12px}"
".controls{margin:8px 0}.matrix{width:100%}.matrix th.rid{white-space:nowrap;text-align:left;background:#fff}"
".matrix td.text{max-width:60em}.matrix td.text code{background:#eff1f3;padding:0 3px;border-radius:3px}"
".matrix tr.group th{background:#dde3ea;text-align:left;font-size:13px}"
".matrix tr.group.diff th{background:#ffe8b3}.sect{color:#57606a;font-size:12px}.kind{font-size:11px}"
".badge{display:inline-block;font-size:10.5px;font-weight:700;padding:0 5px;border-radius:8px;margin-left:4px;vertical-align:1px}"
".badge.must{background:#24292f;color:#fff}.badge.should{border:1px solid #8c959f;color:#57606a;font-weight:600}"
"tr.must th.rid .id{font-weight:700}tr.should th.rid .id{font-weight:500}"
"td.cell{text-align:center;white-space:nowrap;min-width:7.5em;font-weight:600;font-size:13px}"
".v-pass{background:#c9f0d3;color:#0f5323}.v-fail{background:#d1242f;color:#fff}"
".v-error,.v-timeout{background:#8250df;color:#fff}.v-skip{background:#eaeef2;color:#57606a;font-weight:400}"
".v-xfail{background:repeating-linear-gradient(45deg,#f4c14d 0 6px,#fde6a8 6px 12px);color:#4d3200}"
".v-xpass{background:#00e1ff;color:#002b36;box-shadow:inset 0 0 0 2px #0066ff}.v-none{background:#fff;color:#8c959f}"
"td.cell summary{cursor:pointer;list-style:none;text-decoration:underline dotted;text-underline-offset:3px}"
"td.cell summary::-webkit-details-marker{display:none}"
"td.cell details[open] summary{outline:3px solid #0969da;outline-offset:3px}"
".detail{position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;background:#fff;color:#1f2328;"
"text-align:left;white-space:normal;font-weight:400;font-size:14px;padding:12px 24px 24px;z-index:10;"
"border-top:4px solid #d1242f;box-shadow:0 -6px 24px rgba(0,0,0,.25)}"
".detail.d-error,.detail.d-timeout{border-top-color:#8250df}.detail.d-xfail{border-top-color:#f4c14d}"
".detail.d-xpass{border-top-color:#00e1ff}.detail h3{margin:0 0 4px;font-size:16px}"
".detail .close{float:right;font-size:20px;line-height:1;border:0;background:none;cursor:pointer;color:#57606a}"
".detail dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:10px 0}"
".detail dt{font-weight:700}.detail dd{margin:0}.detail pre{margin:0;white-space:pre-wrap;word-break:break-all}"
".transcript{width:100%;margin-top:6px}.transcript td{padding:2px 6px;border-color:#eaeef2}"
".transcript td.t{text-align:right;color:#57606a;white-space:nowrap}.transcript td.txt{white-space:pre-wrap;word-break:break-all}"
".transcript tr.dir-out td.dir{color:#0969da}.transcript tr.dir-in td.dir{color:#1a7f37}"
".transcript tr.dir-ev{background:#fff8c5}.transcript td.dir{font-weight:700;text-align:center}"
"table.only-problems tr.quiet,table.only-problems tbody.quiet{display:none}"
"footer{padding:8px 24px 24px;color:#57606a;font-size:12px}";

/* Clicking a cell closes the others (the panel is shared screen space); the
 * hash both opens a cell on load and follows what is open, for links. */
static const char js[] =
"(function(){"
"var ds=[].slice.call(document.querySelectorAll('td.cell details'));"
"function sync(){document.body.classList.toggle('panel-open',ds.some(function(d){return d.open}))}"
"function addr(u){try{history.replaceState(null,'',u)}catch(e){}}"   /* some browsers refuse on file: */
"ds.forEach(function(d){d.addEventListener('toggle',function(){"
"if(d.open){ds.forEach(function(o){if(o!==d)o.open=false});addr('#open='+d.parentNode.id)}"
"else if(location.hash.indexOf(d.parentNode.id)>=0)addr(location.pathname);sync()})});"
"function fromHash(){var m=/[#&]open=([^&]+)/.exec(location.hash);if(!m)return;"
"var c=document.getElementById(decodeURIComponent(m[1]));if(!c)return;"
"var d=c.tagName==='DETAILS'?c:c.querySelector('details');if(!d)return;"
"d.open=true;sync();var r=c.getBoundingClientRect(),"
"top=d.querySelector('.detail').getBoundingClientRect().top;"   /* scroll only if the panel hides it */
"if(r.top<0||r.bottom>top)scrollBy(0,r.top-top/3)}"
"fromHash();window.addEventListener('hashchange',fromHash);"
"document.addEventListener('keydown',function(e){if(e.key==='Escape')ds.forEach(function(d){d.open=false})});"
"[].forEach.call(document.querySelectorAll('.detail .close'),function(b){"
"b.addEventListener('click',function(){b.closest('details').open=false})});"
"var cb=document.getElementById('only-problems'),t=document.getElementById('matrix');"
"cb.addEventListener('change',function(){t.classList.toggle('only-problems',cb.checked)});"
"document.documentElement.setAttribute('data-ready','1');"   /* tests: the script ran to its end */
"})();";

typedef struct {
    const char *id, *section;
    const cJSON *rule;     /* first seen: its text, strength and section */
    int diff, quiet;       /* targets differ; nothing to look at (no problem, no difference) */
} row;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Ids go into id= and the URL hash: keep letters, digits, '-' and '_'. */
static void put_id(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' ? *s : '_', f);
}

/* Rule text, with `code` spans as in RULES.md. */
static void put_rich(FILE *f, const char *text)
{
    char *copy = strdup(text), *p = copy;
    int code = 0;
    if (!copy) {
        ps_rep_escape(f, text, 0);
        return;
    }
    while (p) {
        char *tick = strchr(p, '`');
        if (tick)
            *tick = '\0';
        if (code)
            fputs("<code>", f);
        ps_rep_escape(f, p, 0);
        if (code)
            fputs("</code>", f);
        code = !code;
        p = tick ? tick + 1 : NULL;
    }
    free(copy);
}

static void put_field(FILE *f, const char *label, const char *value)
{
    if (!*value)
        return;
    fprintf(f, "<dt>%s</dt><dd><pre>", label);
    ps_rep_escape(f, value, 0);
    fputs("</pre></dd>", f);
}

static void put_transcript(FILE *f, const cJSON *sc)
{
    const cJSON *tr = cJSON_GetObjectItemCaseSensitive(sc, "transcript"), *e;
    if (!cJSON_GetArraySize(tr)) {
        fputs(!strcmp(ps_rep_str(sc, "verdict"), "pass")
              ? "<p class=\"sub\">No transcript: the scenario passed (they are kept for those that did not).</p>"
              : "<p class=\"sub\">The transcript is empty: the scenario ended before any traffic.</p>", f);
        return;
    }
    fputs("<table class=\"transcript mono\"><thead><tr><th>t ms</th><th>conn</th><th>dir</th><th>kind</th>"
          "<th>text</th></tr></thead><tbody>", f);
    cJSON_ArrayForEach(e, tr) {
        const char *d = ps_rep_str(e, "dir");
        const char *cls = *d == '>' ? "out" : *d == '<' ? "in" : "ev";
        const char *what = *d == '>' ? "sent" : *d == '<' ? "received" : "event";
        fprintf(f, "<tr class=\"dir-%s\"><td class=\"t\">%.0f</td><td>#%.0f</td>"
                "<td class=\"dir\" title=\"%s\">", cls, ps_rep_num(e, "t_ms"), ps_rep_num(e, "conn"), what);
        ps_rep_escape(f, d, 0);
        fputs("</td><td>", f);
        ps_rep_escape(f, ps_rep_str(e, "kind"), 0);
        fputs("</td><td class=\"txt\">", f);
        ps_rep_escape(f, ps_rep_str(e, "text"), 0);
        if (ps_rep_num(e, "bytes") > 0)
            fprintf(f, " <span class=\"sub\">[cut; %.0f bytes in all]</span>", ps_rep_num(e, "bytes"));
        fputs("</td></tr>", f);
    }
    fputs("</tbody></table>", f);
}

/* The panel a failing, erroring or expected/unexpected cell opens. */
static void put_detail(FILE *f, const cJSON *res, const cJSON *rule, const char *cls)
{
    fprintf(f, "<div class=\"detail d-%s\"><button type=\"button\" class=\"close\" title=\"close (Esc)\">"
            "&times;</button><h3>", cls);
    ps_rep_escape(f, ps_rep_str(rule, "id"), 0);
    fprintf(f, " <span class=\"badge %s\">%s</span> on ", !strcmp(ps_rep_str(rule, "strength"), "SHOULD")
            ? "should" : "must", !strcmp(ps_rep_str(rule, "strength"), "SHOULD") ? "SHOULD" : "MUST");
    ps_rep_escape(f, ps_header_target_name(res), 0);
    fprintf(f, ": %s</h3><div>", !strcmp(cls, "xfail") ? "expected failure" : !strcmp(cls, "xpass")
            ? "unexpected pass" : ps_rep_str(rule, "verdict"));
    put_rich(f, ps_rep_str(rule, "text"));
    fputs(" <span class=\"sect\">(", f);
    ps_rep_escape(f, ps_rep_str(rule, "section"), 0);
    fputs(")</span></div><dl>", f);
    char checks[512];
    put_field(f, "Failing checks", ps_rep_failed_checks(rule, checks, sizeof(checks)));
    put_field(f, "Not in the baseline", ps_rep_str(rule, "unlisted_failing_checks"));
    char clauses[4096];
    put_field(f, "Clauses", ps_rep_clauses(rule, "\n", clauses, sizeof(clauses)));
    put_field(f, "Expected", ps_rep_str(rule, "expected"));
    put_field(f, "Actual", ps_rep_str(rule, "actual"));
    put_field(f, "Message", ps_rep_str(rule, "message"));
    put_field(f, "Baseline", ps_rep_str(rule, "baseline_reason"));
    put_field(f, "Reason", ps_rep_str(rule, "reason"));
    const cJSON *sc = ps_rep_scenario(res, ps_rep_str(rule, "scenario"));
    if (sc) {
        fputs("<dt>Scenario</dt><dd><code>", f);
        ps_rep_escape(f, ps_rep_str(sc, "id"), 0);
        fputs("</code> ", f);
        ps_rep_escape(f, ps_rep_str(sc, "title"), 0);
        fputs(" <span class=\"sub\">", f);
        ps_rep_escape(f, ps_rep_str(sc, "file"), 0);
        fprintf(f, ":%.0f &middot; %s in %.0f ms</span></dd>", ps_rep_num(sc, "line"),
                ps_rep_str(sc, "verdict"), ps_rep_num(sc, "duration_ms"));
        if (strcmp(ps_rep_str(sc, "message"), ps_rep_str(rule, "message")))
            put_field(f, "Scenario message", ps_rep_str(sc, "message"));
    }
    fputs("</dl>", f);
    if (sc)
        put_transcript(f, sc);
    fputs("</div>", f);
}

static const char *label(const char *cls)
{
    return !strcmp(cls, "xfail") ? "expected fail" : !strcmp(cls, "xpass") ? "unexpected pass"
         : !strcmp(cls, "none") ? "&mdash;" : cls;
}

static void put_cell(FILE *f, const cJSON *res, const char *id, size_t col)
{
    const cJSON *rule = ps_rep_rule(res, id);
    const char *cls = ps_rep_class(rule);
    fputs("<td id=\"cell-", f);
    put_id(f, id);
    fprintf(f, "-%zu\" class=\"cell v-%s\"", col, cls);
    if (!strcmp(cls, "pass") || !strcmp(cls, "skip") || !strcmp(cls, "none")) {
        /* nothing to open: the reason or scenario is a tooltip */
        const char *tip = !rule ? "not in this result file"
                        : *ps_rep_str(rule, "reason") ? ps_rep_str(rule, "reason") : ps_rep_str(rule, "scenario");
        fputs(" title=\"", f);
        ps_rep_escape(f, tip, 1);
        fprintf(f, "\">%s", label(cls));
        if (!strcmp(cls, "skip") && ps_skip_kind_by_name(ps_rep_str(rule, "skip_kind")) == PS_SKIP_CAPABILITY)
            fprintf(f, "<br><span class=\"kind\">%s</span>", ps_skip_kind_name(PS_SKIP_CAPABILITY));   /* the SDK lacks a feature */
        fputs("</td>", f);
        return;
    }
    fprintf(f, "><details><summary title=\"show Expected, Actual and the transcript\">%s</summary>", label(cls));
    put_detail(f, res, rule, cls);
    fputs("</details></td>", f);
}

static void put_row(FILE *f, const cJSON *results[], size_t n, const row *r)
{
    int should = !strcmp(ps_rep_str(r->rule, "strength"), "SHOULD");
    fputs("<tr id=\"row-", f);
    put_id(f, r->id);
    fprintf(f, "\" class=\"rule %s%s%s\"><th class=\"rid\" scope=\"row\"><span class=\"id\">", should ? "should" : "must",
            r->diff ? " diff" : "", r->quiet ? " quiet" : "");
    ps_rep_escape(f, r->id, 0);
    fprintf(f, "</span><span class=\"badge %s\">%s</span></th><td class=\"text\">", should ? "should" : "must",
            should ? "SHOULD" : "MUST");
    put_rich(f, ps_rep_str(r->rule, "text"));
    if (r->diff) {   /* out of its section group, so name the section */
        fputs(" <span class=\"sect\">(", f);
        ps_rep_escape(f, r->section, 0);
        fputs(")</span>", f);
    }
    fputs("</td>", f);
    for (size_t i = 0; i < n; i++)
        put_cell(f, results[i], r->id, i);
    fputs("</tr>\n", f);
}

/* One row per rule id over all results, first-seen order (the catalog's). */
static row *collect(const cJSON *results[], size_t n, size_t *nrows)
{
    size_t cap = 0;
    row *rows = NULL;
    *nrows = 0;
    for (size_t i = 0; i < n; i++) {
        const cJSON *r;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(results[i], "rules")) {
            const char *id = ps_rep_str(r, "id");
            size_t k = 0;
            while (k < *nrows && strcmp(rows[k].id, id))
                k++;
            if (k < *nrows)
                continue;
            if (*nrows == cap) {
                row *nr = realloc(rows, (cap = cap ? cap * 2 : 128) * sizeof(*rows));
                if (!nr) {
                    free(rows);
                    return NULL;
                }
                rows = nr;
            }
            rows[(*nrows)++] = (row){ id, ps_rep_str(r, "section"), r, 0, 1 };
        }
    }
    for (size_t k = 0; k < *nrows; k++) {
        const char *first = ps_rep_class(ps_rep_rule(results[0], rows[k].id));
        for (size_t i = 0; i < n; i++) {
            const cJSON *r = ps_rep_rule(results[i], rows[k].id);
            if (strcmp(ps_rep_class(r), first))
                rows[k].diff = 1;
            if (r && ps_rep_is_problem(r))
                rows[k].quiet = 0;
        }
        if (rows[k].diff)
            rows[k].quiet = 0;
    }
    return rows;
}

static void put_count(FILE *f, int v, const char *cls)
{
    fprintf(f, "<td class=\"n%s\">%d</td>", v ? cls : " zero", v);
}

/* What a reader needs first: new failures (what fails the run), then what
 * passed and how many failures the baseline already knew. */
/* "N new failures, M errors": errors and timeouts (checks not made) apart from failures seen */
static void put_new(FILE *f, const ps_tally *c)
{
    int failures = c->counted - c->counted_error;
    fprintf(f, "%d new failure%s", failures, failures == 1 ? "" : "s");
    if (c->counted_error)
        fprintf(f, ", %d error%s", c->counted_error, c->counted_error == 1 ? "" : "s");
}

static void put_headline(FILE *f, const ps_tally *c)
{
    fprintf(f, "<span class=\"headline %s\">", c->counted ? "res-failed" : "res-ok");
    put_new(f, c);
    fprintf(f, "</span><div class=\"sub\">%d passed &middot; %d known deviation%s</div>", c->pass, c->xfail,
            c->xfail == 1 ? "" : "s");
}

static void put_summary(FILE *f, const cJSON *results[], size_t n, const char *const files[])
{
    fputs("<h2>Targets</h2><table class=\"summary\"><thead><tr><th>Target</th><th>Result</th><th>pass</th>"
          "<th>fail</th><th>error</th><th>timeout</th><th>skip</th><th>expected fail</th>"
          "<th>unexpected pass</th><th>scenarios</th><th>wall time</th><th>finished (UTC)</th></tr></thead><tbody>", f);
    for (size_t i = 0; i < n; i++) {
        const cJSON *sum = cJSON_GetObjectItemCaseSensitive(results[i], "summary");
        ps_tally c = ps_rep_count(results[i]);
        fprintf(f, "<tr id=\"target-%zu\"><td class=\"target\"><b>", i);
        ps_rep_escape(f, ps_header_target_name(results[i]), 0);
        fputs("</b><div class=\"sub mono\">", f);
        ps_header h;
        ps_header_of_result(&h, results[i]);
        const char *sep = "";
        for (size_t k = 0; k < h.n; k++) {   /* the target's fields but its name (the line above) */
            if (!h.f[k].in_target || !*h.f[k].value || !strcmp(h.f[k].key, "name"))
                continue;
            fprintf(f, "%s%s ", sep, h.f[k].label);
            ps_rep_escape(f, h.f[k].value, 0);
            sep = " &middot; ";
        }
        if (files && files[i]) {   /* the name; the whole path on hover */
            fputs("<br><span title=\"", f);
            ps_rep_escape(f, files[i], 1);
            fputs("\">", f);
            ps_rep_escape(f, base_name(files[i]), 0);
            fputs("</span>", f);
        }
        fprintf(f, "%s</div></td><td>", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(results[i], "strict"))
                ? " &middot; --strict" : "");
        put_headline(f, &c);
        fputs("</td>", f);
        put_count(f, c.pass, "");
        put_count(f, c.fail, " v-fail");
        put_count(f, c.error, " v-error");
        put_count(f, c.timeout, " v-timeout");
        put_count(f, c.skip, "");
        put_count(f, c.xfail, " v-xfail");
        put_count(f, c.xpass, " v-xpass");
        fprintf(f, "<td class=\"n\">%.0f</td><td class=\"n\">%.1f s</td><td class=\"when mono\">",
                ps_rep_num(sum, "scenarios"), ps_rep_num(sum, "wall_ms") / 1000.0);
        char when[64];   /* 2026-01-02T03:04:05Z reads better as 2026-01-02 03:04:05 */
        snprintf(when, sizeof(when), "%s", ps_rep_str(results[i], "finished_at"));
        if (strlen(when) == 20 && when[10] == 'T' && when[19] == 'Z') {
            when[10] = ' ';
            when[19] = '\0';
        }
        ps_rep_escape(f, when, 0);
        fputs("</td></tr>", f);
    }
    fputs("</tbody></table>\n", f);
}

static void put_matrix(FILE *f, const cJSON *results[], size_t n, const char *const files[], row *rows,
                       size_t nrows)
{
    size_t ndiff = 0;
    for (size_t k = 0; k < nrows; k++)
        ndiff += rows[k].diff;
    fputs("<h2>Rules</h2><div class=\"legend\">"
          "<span class=\"v-pass\">pass</span><span class=\"v-fail\">fail</span>"
          "<span class=\"v-error\">error / timeout</span><span class=\"v-skip\">skip</span>"
          "<span class=\"v-xfail\">expected fail (baseline)</span><span class=\"v-xpass\">unexpected pass</span>"
          "<span class=\"badge must\">MUST</span><span class=\"badge should\">SHOULD</span>"
          "<span class=\"sub\">Click a coloured cell for Expected, Actual and the transcript.</span></div>"
          "<div class=\"controls\"><label><input type=\"checkbox\" id=\"only-problems\"> "
          "only rules that fail or differ between targets</label></div>\n", f);
    fputs("<table class=\"matrix\" id=\"matrix\"><thead><tr><th>Rule</th><th>Requirement</th>", f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "<th class=\"tcol\" id=\"col-%zu\">", i);
        ps_rep_escape(f, ps_header_target_name(results[i]), 0);
        if (files && files[i]) {   /* two runs of one target have the same name */
            fputs("<div class=\"sub\">", f);
            ps_rep_escape(f, base_name(files[i]), 0);
            fputs("</div>", f);
        }
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n", f);
    if (ndiff && n > 1) {
        fprintf(f, "<tbody class=\"diff\"><tr class=\"group diff\"><th colspan=\"%zu\">"
                "Targets differ on %zu rule%s</th></tr>\n", n + 2, ndiff, ndiff == 1 ? "" : "s");
        for (size_t k = 0; k < nrows; k++)
            if (rows[k].diff)
                put_row(f, results, n, &rows[k]);
        fputs("</tbody>\n", f);
    }
    /* sections in first-seen order; each group holds its rules not shown above */
    for (size_t s = 0; s < nrows; s++) {
        int seen = 0, any = 0, loud = 0;
        for (size_t k = 0; k < s && !seen; k++)
            seen = !strcmp(rows[k].section, rows[s].section);
        for (size_t k = s; k < nrows && !seen; k++)
            if (!strcmp(rows[k].section, rows[s].section) && !rows[k].diff) {
                any = 1;
                loud |= !rows[k].quiet;
            }
        if (seen || !any)
            continue;
        fprintf(f, "<tbody%s><tr class=\"group\"><th colspan=\"%zu\">", loud ? "" : " class=\"quiet\"", n + 2);
        ps_rep_escape(f, rows[s].section, 0);
        fputs("</th></tr>\n", f);
        for (size_t k = s; k < nrows; k++)
            if (!strcmp(rows[k].section, rows[s].section) && !rows[k].diff)
                put_row(f, results, n, &rows[k]);
        fputs("</tbody>\n", f);
    }
    fputs("</table>\n", f);
}

int ps_report_html(const cJSON *results[], size_t n, const char *dir, const char *const files[],
                   char *err, size_t errlen)
{
    char path[4096];
    if (ps_out_prepare(dir, PS_OUT_DIR, err, errlen) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/index.html", dir);
    size_t nrows;
    row *rows = collect(results, n, &nrows);
    if (!rows && n) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    FILE *f = ps_rep_open(path, err, errlen);   /* beside, then renamed: never half a page */
    if (!f) {
        free(rows);
        return -1;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>pushspec: ", f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        ps_rep_escape(f, ps_header_target_name(results[i]), 0);
    }
    fprintf(f, "</title><style>%s</style></head><body>\n<header><h1>pushspec conformance report</h1><p>", css);
    ps_header h = { .n = 0 };
    if (n)
        ps_header_of_result(&h, results[0]);
    for (size_t k = 0; k < h.n; k++) {   /* the run's own fields (the targets' come below) */
        if (h.f[k].in_target)
            continue;
        fprintf(f, "%s%s ", k ? " &middot; " : "", h.f[k].label);
        ps_rep_escape(f, h.f[k].value, 0);
    }
    fprintf(f, " &middot; %zu rules &middot; %zu target%s</p>", nrows, n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        ps_tally c = ps_rep_count(results[i]);
        fputs("<p class=\"lead\"><b>", f);
        ps_rep_escape(f, ps_header_target_name(results[i]), 0);
        fprintf(f, "</b>: %d passed, %d known deviation%s, <span class=\"%s\">", c.pass, c.xfail,
                c.xfail == 1 ? "" : "s", c.counted ? "res-failed" : "res-ok");
        put_new(f, &c);
        fputs("</span></p>", f);
    }
    fputs("</header>\n<main>", f);
    put_summary(f, results, n, files);
    ps_report_html_differences(f, results, n);   /* explore with two --target */
    put_matrix(f, results, n, files, rows, nrows);
    fprintf(f, "</main><footer>MUST rules fail the run; SHOULD rules are warnings unless the run used --strict. "
            "Expected failures come from the run's --expect baseline.</footer>\n<script>%s</script>\n"
            "</body></html>\n", js);
    free(rows);
    return ps_rep_close(f, path, err, errlen);
}

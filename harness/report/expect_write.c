#define _POSIX_C_SOURCE 200809L   /* open_memstream */
#include "report/expect_write.h"
#include "report/expect_merge.h"
#include "report/header.h"
#include "report/outpath.h"
#include "report/report.h"
#include "report/rule_checks.h"
#include "core/redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int ps_expect_write_prepare(const char *path, int force, int merge, char *err, size_t errlen)
{
    struct stat st;
    if (ps_out_prepare(path, PS_OUT_FILE, err, errlen) < 0)
        return -1;
    if (merge) {   /* read before the run: a baseline that cannot be merged stops it now */
        ps_xlines old;
        if (ps_xlines_read(path, &old, err, errlen) < 0)
            return -1;
        ps_xlines_free(&old);
        return 0;
    }
    if (!force && lstat(path, &st) == 0) {
        snprintf(err, errlen, "--write-expect %s: the file exists; give --force to overwrite it, or another name",
                 path);
        return -1;
    }
    return 0;
}

/* PREFIX then TEXT, redacted, on one line, at most PS_EXPECT_REASON_MAX bytes; "" when TEXT is empty. */
static const char *reason_of(const char *prefix, const char *text, char *out, size_t outlen)
{
    char joined[1024];
    out[0] = '\0';
    if (!text || !*text)
        return out;
    snprintf(joined, sizeof(joined), "%s%s", prefix, text);
    char *r = ps_redact_text(joined, NULL);
    ps_rep_oneline(r ? r : "", PS_EXPECT_REASON_MAX, out, outlen);
    free(r);
    return out;
}

/* The reason of a bare entry: the Actual of the check that decided, else its message. */
static const char *bare_reason(const ps_rule_result *rr, char *out, size_t outlen)
{
    const ps_rule_outcome *c = rr->check;
    const char *v = ps_verdict_name(rr->v);
    char prefix[32];
    snprintf(prefix, sizeof(prefix), "%s: ", v);
    if (c && rr->v == PS_V_FAIL && *reason_of("", c->actual, out, outlen))
        return out;
    if (c && *reason_of(prefix, c->reason, out, outlen))
        return out;
    if (rr->where && *reason_of(prefix, rr->where->message, out, outlen))
        return out;
    if (c && *reason_of("expected ", c->expected, out, outlen))
        return out;
    snprintf(out, outlen, "%s (the run recorded no Actual)", v);
    return out;
}

static const char *label_reason(const ps_failed_check *fc, char *out, size_t outlen)
{
    if (*reason_of("", fc->first->actual, out, outlen) || *reason_of("expected ", fc->first->expected, out, outlen))
        return out;
    snprintf(out, outlen, "fails in %s (the check recorded no Actual)", fc->where->id);
    return out;
}

/* One rule's lines of this run into x (none when it did not fail, err or time out); 0 or -1. */
static int rule_lines(const ps_runner *run, const ps_rule_result *rr, ps_xlines *x)
{
    char reason[PS_EXPECT_REASON_MAX + 8];
    if (rr->v != PS_V_FAIL && rr->v != PS_V_ERROR && rr->v != PS_V_TIMEOUT)
        return 0;
    ps_rule_checks rc;
    if (ps_rule_checks_collect(run, rr->rule->id, &rc) < 0)
        return -1;
    int bad = 0;
    if (rc.n == 0 || rc.unlabelled || rc.broken || rr->v != PS_V_FAIL)
        bad = ps_xlines_add(x, rr->rule->id, NULL, 0, bare_reason(rr, reason, sizeof(reason)));
    else
        for (size_t i = 0; i < rc.n && !bad; i++)
            bad = ps_xlines_add(x, rr->rule->id, rc.c[i].label, 0, label_reason(&rc.c[i], reason, sizeof(reason)));
    ps_rule_checks_free(&rc);
    return bad;
}

/* One rule's lines, merged with the earlier baseline's when there is one; the count written, or -1. */
static int write_rule(FILE *f, const ps_runner *run, const ps_rule_result *rr, const ps_xlines *old,
                      const char **section)
{
    ps_xlines now = { 0 }, merged = { 0 };
    const ps_xlines *out = &now;
    int rc = rule_lines(run, rr, &now);
    if (!rc && old) {
        rc = ps_xlines_merge(rr->rule->id, &now, old, rr->v != PS_V_SKIP && rr->v != PS_V_NONE, &merged);
        out = &merged;
    }
    if (!rc && out->n && (!*section || strcmp(*section, rr->rule->section)))
        fprintf(f, "\n# %s\n", *section = rr->rule->section);
    for (size_t i = 0; !rc && i < out->n; i++) {
        const ps_xline *l = &out->l[i];
        char name[96];
        snprintf(name, sizeof(name), "%s%s%s%s", l->rule, l->label ? ":" : "", l->label ? l->label : "",
                 l->sometimes ? "?" : "");
        fprintf(f, "%-10s %s\n", name, l->reason);
    }
    int n = rc ? -1 : (int)out->n;
    ps_xlines_free(&now);
    ps_xlines_free(&merged);
    return n;
}

int ps_expect_write(const char *path, const ps_runner *run, const ps_results *res, const ps_target_info *ti,
                    int merge, size_t *lines, char *err, size_t errlen)
{
    ps_xlines old;
    int had = merge && access(path, F_OK) == 0;   /* no file yet: nothing to merge, this run alone */
    if (had && ps_xlines_read(path, &old, err, errlen) < 0)
        return -1;
    char *text = NULL;
    size_t textlen = 0;
    FILE *f = open_memstream(&text, &textlen);   /* whole before it is written: never half a baseline */
    if (!f) {
        snprintf(err, errlen, "out of memory writing the baseline %s", path);
        return -1;
    }
    char when[32], line[600];
    ps_header h;
    ps_header_of_target(&h, ti);
    char *head = ps_redact_text(ps_header_line(&h, line, sizeof(line)), NULL);
    time_t now = time(NULL);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&now));
    fprintf(f, "# Baseline written by --write-expect%s on %s, from %s of %s.\n"
               "# Every rule that failed, erred or timed out; each reason starts from what the run saw (the\n"
               "# Actual): rewrite it to say what the implementation does. pushspec run --expect THIS-FILE:\n"
               "# these must fail; anything else failing, or one of these passing, fails the run. A name\n"
               "# ending in ? failed in some runs only: it may pass.\n",
            had ? " --merge" : "", when, had ? "this run and the earlier ones" : "a run", head ? head : "");
    free(head);
    const char *section = NULL;
    int ok = 1;
    *lines = 0;
    for (size_t i = 0; i < res->n && ok; i++) {
        int n = write_rule(f, run, &res->r[i], had ? &old : NULL, &section);
        ok = n >= 0;
        *lines += ok ? (size_t)n : 0;
    }
    if (had)
        ps_xlines_free(&old);
    if (!*lines)
        fputs("\n# (no rule failed in this run)\n", f);
    ok &= fclose(f) == 0 && text;
    FILE *out = ok ? ps_out_open(path, err, errlen) : NULL;
    if (!ok)
        snprintf(err, errlen, "out of memory writing the baseline %s", path);
    int rc = out && fwrite(text, 1, textlen, out) == textlen ? 0 : -1;
    if (out && ps_out_close(out, err, errlen) < 0)
        rc = -1;
    free(text);
    return rc;
}

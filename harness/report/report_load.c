/* Loading result files for the report writers, and the small readers and the
 * escaper they share. */
#define _POSIX_C_SOURCE 200809L   /* strdup */
#include "report/report.h"
#include "report/outpath.h"
#include "core/utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        snprintf(err, errlen, "%s: cannot read: %s", path, buf ? "read error" : "out of memory");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Line and column of a parse error, for a message a person can act on. */
static void where(const char *buf, const char *at, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = buf; p < at; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static cJSON *load_one(const char *path, char *err, size_t errlen)
{
    size_t len;
    char *buf = slurp(path, &len, err, errlen);
    if (!buf)
        return NULL;
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!doc) {
        int line, col;
        const char *at = end ? end : cJSON_GetErrorPtr();
        if (!at || at < buf || at > buf + len)
            at = buf;
        where(buf, at, &line, &col);
        snprintf(err, errlen, "%s: not JSON (parse error at line %d, column %d)%s", path, line, col,
                 len == 0 ? ": the file is empty" : "");
        free(buf);
        return NULL;
    }
    free(buf);
    const char *why = NULL;
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
    if (!cJSON_IsObject(doc) || strcmp(ps_rep_str(doc, "tool"), "pushspec") != 0)
        why = "no \"tool\": \"pushspec\"";
    else if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "target")))
        why = "no \"target\" object";
    else if (!cJSON_IsArray(rules))
        why = "no \"rules\" array";
    else {
        const cJSON *r;
        cJSON_ArrayForEach(r, rules)
            if (!*ps_rep_str(r, "id") || !*ps_rep_str(r, "verdict")) {
                why = "a rule without \"id\" or \"verdict\"";
                break;
            }
    }
    if (why) {
        snprintf(err, errlen, "%s: not a pushspec result (%s); make one with 'pushspec run --json FILE'",
                 path, why);
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

int ps_report_load(ps_report_set *set, const char *const *paths, size_t n, char *err, size_t errlen)
{
    memset(set, 0, sizeof(*set));
    set->docs = calloc(n ? n : 1, sizeof(*set->docs));
    set->files = calloc(n ? n : 1, sizeof(*set->files));
    if (!set->docs || !set->files) {
        snprintf(err, errlen, "out of memory");
        ps_report_set_free(set);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *doc = load_one(paths[i], err, errlen);
        if (!doc) {
            ps_report_set_free(set);
            return -1;
        }
        set->docs[i] = doc;
        set->files[i] = strdup(paths[i]);
        set->n++;
    }
    return 0;
}

void ps_report_set_free(ps_report_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        cJSON_Delete((cJSON *)set->docs[i]);
        free(set->files[i]);
    }
    free(set->docs);
    free(set->files);
    memset(set, 0, sizeof(*set));
}

const char *ps_rep_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

double ps_rep_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* A rule of a result file as the tally sees it (report/tally.c); a verdict this
 * version does not know is an error, never shown as fine. */
static ps_verdict verdict_of(const cJSON *rule)
{
    static const struct { const char *name; ps_verdict v; } known[] = {
        { "pass", PS_V_PASS }, { "fail", PS_V_FAIL }, { "error", PS_V_ERROR },
        { "timeout", PS_V_TIMEOUT }, { "skip", PS_V_SKIP },
    };
    const char *v = ps_rep_str(rule, "verdict");
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (!strcmp(v, known[i].name))
            return known[i].v;
    return PS_V_ERROR;
}

static ps_expectation expectation_of(const cJSON *rule)
{
    const char *x = ps_rep_str(rule, "expectation");
    return !strcmp(x, "expected-fail") ? PS_X_XFAIL : !strcmp(x, "unexpected-pass") ? PS_X_XPASS : PS_X_PLAIN;
}

static void tally_rule(ps_tally *t, const cJSON *rule)
{
    ps_tally_add(t, verdict_of(rule), expectation_of(rule), !strcmp(ps_rep_str(rule, "strength"), "SHOULD"),
                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rule, "counts_as_failure")));
}

const char *ps_rep_class(const cJSON *rule)
{
    return rule ? ps_tally_class(verdict_of(rule), expectation_of(rule)) : "none";
}

int ps_rep_is_problem(const cJSON *rule)
{
    ps_tally t;
    memset(&t, 0, sizeof(t));
    tally_rule(&t, rule);
    return t.problems;
}

static const cJSON *find_by_id(const cJSON *result, const char *array, const char *id)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(result, array))
        if (!strcmp(ps_rep_str(e, "id"), id))
            return e;
    return NULL;
}

const cJSON *ps_rep_scenario(const cJSON *result, const char *id)
{
    return *id ? find_by_id(result, "scenarios", id) : NULL;
}

const cJSON *ps_rep_rule(const cJSON *result, const char *id)
{
    return find_by_id(result, "rules", id);
}

/* One UTF-8 sequence: its length, and the code point or U+FFFD when invalid
 * (overlong forms and surrogates included, so the output is always valid). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    size_t skip, n = ps_utf8_next(s, SIZE_MAX, cp, &skip);
    if (n)
        return n;
    *cp = 0xFFFD;
    return skip;   /* resynchronise on the byte that broke the sequence */
}

static int xml_allowed(uint32_t cp)
{
    if (cp == 0x9 || cp == 0xA || cp == 0xD)
        return 1;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))   /* C1 controls: legal XML, but noise */
        return 0;
    return cp != 0xFFFE && cp != 0xFFFF;
}

void ps_rep_escape(FILE *f, const char *s, int attr)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        uint32_t cp;
        size_t n = utf8_next(p, &cp);
        switch (cp) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case '\t': fputs(attr ? "&#9;" : "\t", f); break;
        case '\n': fputs(attr ? "&#10;" : "\n", f); break;
        case '\r': fputs("&#13;", f); break;   /* a raw CR would be normalised away */
        default:
            if (cp == 0xFFFD && !(n == 3 && p[0] == 0xEF))
                fputs("\xEF\xBF\xBD", f);
            else if (xml_allowed(cp))
                fwrite(p, 1, n, f);
        }
        p += n;
    }
}

FILE *ps_rep_open(const char *path, char *err, size_t errlen)
{
    return ps_out_open(path, err, errlen);
}

int ps_rep_close(FILE *f, const char *path, char *err, size_t errlen)
{
    (void)path;
    return ps_out_close(f, err, errlen);
}

char *ps_rep_oneline(const char *s, size_t max, char *out, size_t outlen)
{
    size_t w = 0, lim = max < outlen ? max : outlen - 1;
    int space = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        uint32_t cp;
        size_t n = utf8_next(p, &cp);
        const char *bytes = (const char *)p;
        p += n;
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
            space = w > 0;
            continue;
        }
        if (!xml_allowed(cp))
            continue;
        if (cp == 0xFFFD) {   /* invalid bytes, or a real U+FFFD: either way these 3 */
            bytes = "\xEF\xBF\xBD";
            n = 3;
        }
        if (w + space + n > lim) {
            /* cut: drop whole characters until "..." fits */
            while (w > 0 && w + 3 > lim)
                while (w > 0 && ((unsigned char)out[--w] & 0xC0) == 0x80)
                    ;
            if (w + 3 <= lim) {
                memcpy(out + w, "...", 3);
                w += 3;
            }
            break;
        }
        if (space)
            out[w++] = ' ';
        space = 0;
        memcpy(out + w, bytes, n);
        w += n;
    }
    out[w] = '\0';
    return out;
}

ps_tally ps_rep_count(const cJSON *result)
{
    ps_tally t;
    memset(&t, 0, sizeof(t));
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(result, "rules"))
        tally_rule(&t, r);
    return t;
}

char *ps_rep_failed_checks(const cJSON *rule, char *out, size_t outlen)
{
    size_t w = 0;
    const cJSON *l;
    out[0] = '\0';
    cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(rule, "failed_checks"))
        if (cJSON_IsString(l) && w < outlen)
            w += (size_t)snprintf(out + w, outlen - w, "%s%s", w ? ", " : "", l->valuestring);
    int bare = (int)ps_rep_num(rule, "unlabelled_failures");
    if (bare > 0 && w < outlen)
        snprintf(out + w, outlen - w, "%s%d check%s without a label", w ? " and " : "", bare, bare == 1 ? "" : "s");
    return out;
}

char *ps_rep_clauses(const cJSON *rule, const char *sep, char *out, size_t outlen)
{
    size_t w = 0;
    const cJSON *c;
    out[0] = '\0';
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(rule, "clauses"))
        if (w < outlen)
            w += (size_t)snprintf(out + w, outlen - w, "%s%s: %s", w ? sep : "", ps_rep_str(c, "label"),
                                  ps_rep_str(c, "text"));
    return out;
}

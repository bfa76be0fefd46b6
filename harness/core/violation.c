/* How the schema validation records a violation and describes a value: shared by
 * validate.c and presence.c (its own file, so neither calls into the other). */
#include "core/frame.h"
#include "core/schema.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Printable, bounded copy of s for human-readable texts. */
void ps_v_shorten(const char *s, char *buf, size_t n)
{
    size_t i = 0;

    for (; s[i] && i + 4 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[i] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
    }
    if (s[i]) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
}

void PS_PRINTF(4, 5) ps_v_report(vctx *c, const char *rule, int should, const char *fmt, ...)
{
    if (c->out && c->n < c->max) {
        ps_violation *v = &c->out[c->n];
        size_t k = 0;
        va_list ap;

        /* "RULE-ID:label" names the clause as well (scenarios/CLAUSES.md) */
        const char *colon = strchr(rule, ':');
        size_t n = colon ? (size_t)(colon - rule) : 0;
        v->rule = rule;
        v->label = NULL;
        if (colon && n < sizeof v->rule_id) {
            memcpy(v->rule_id, rule, n);
            v->rule_id[n] = '\0';
            v->rule = v->rule_id;
            v->label = colon + 1;
        }
        v->should = should;
        v->text[0] = '\0';
        if (c->ev && !c->evshort[0])   /* made at the first violation, not per message */
            ps_v_shorten(c->ev, c->evshort, sizeof c->evshort);
        if (c->evshort[0]) {
            int w = snprintf(v->text, sizeof v->text, "%s ", c->evshort);
            k = w < 0 ? 0 : (size_t)w;
        }
        if (k < sizeof v->text) {
            va_start(ap, fmt);
            vsnprintf(v->text + k, sizeof v->text - k, fmt, ap);
            va_end(ap);
        }
    }
    c->n++;
}

int ps_v_is_int(const cJSON *v)
{
    double x;

    if (!cJSON_IsNumber(v))
        return 0;
    x = v->valuedouble;
    if (!isfinite(x))
        return 0;
    /* every double this large is integral; below it the cast is defined */
    if (x >= 9007199254740992.0 || x <= -9007199254740992.0)
        return 1;
    return x == (double)(long long)x;
}

void ps_v_describe(const cJSON *v, char *buf, size_t n)
{
    char s[48];

    if (v == NULL)
        snprintf(buf, n, "missing");
    else if (cJSON_IsString(v)) {
        ps_v_shorten(v->valuestring, s, sizeof s);
        snprintf(buf, n, "the string \"%s\"", s);
    } else if (cJSON_IsNumber(v))
        snprintf(buf, n, "%.15g", v->valuedouble);
    else if (cJSON_IsBool(v))
        snprintf(buf, n, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNull(v))
        snprintf(buf, n, "null");
    else if (cJSON_IsObject(v))
        snprintf(buf, n, "an object");
    else if (cJSON_IsArray(v))
        snprintf(buf, n, "an array");
    else
        snprintf(buf, n, "an unreadable value");
}

/* "<path> is <what was found>, expected <want>" */
void ps_v_report_value(vctx *c, const char *rule, int should, const char *path,
                         const cJSON *v, const char *want)
{
    char d[72];

    ps_v_describe(v, d, sizeof d);
    ps_v_report(c, rule, should, "%s is %s, expected %s", path, d, want);
}

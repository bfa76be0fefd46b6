/* Pusher message codec: bounded JSON parsing, channel classification, message
 * building and per-event schema validation against scenarios/RULES.md. */
#include "core/frame.h"
#include "core/utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define PS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PS_PRINTF(f, a)
#endif

/* --------------------------------------------------------- JSON pre-scan */

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_json_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* s[*i] is '"'. Raw control characters are not JSON, and a NUL, raw or as
 * \u0000, would silently truncate the C string cJSON hands back. */
static int skip_string(const char *s, size_t n, size_t *i)
{
    size_t k = *i + 1;

    while (k < n) {
        unsigned char c = (unsigned char)s[k];
        if (c == '"') {
            *i = k + 1;
            return 1;
        }
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            if (k + 1 >= n || (unsigned char)s[k + 1] < 0x20)
                return 0;
            if (s[k + 1] == 'u' && n - k >= 6 && memcmp(s + k + 2, "0000", 4) == 0)
                return 0;
            k += 2;
        } else {
            k++;
        }
    }
    return 0;
}

static size_t skip_digits(const char *s, size_t n, size_t k)
{
    while (k < n && is_digit((unsigned char)s[k]))
        k++;
    return k;
}

/* Strict number grammar: cJSON alone would accept "+1", "01", ".5" and "1.". */
static int skip_number(const char *s, size_t n, size_t *i)
{
    size_t k = *i, d;

    if (s[k] == '-')
        k++;
    if (k >= n || !is_digit((unsigned char)s[k]))
        return 0;
    k = s[k] == '0' ? k + 1 : skip_digits(s, n, k);
    if (k < n && s[k] == '.') {
        d = skip_digits(s, n, k + 1);
        if (d == k + 1)
            return 0;
        k = d;
    }
    if (k < n && (s[k] == 'e' || s[k] == 'E')) {
        k++;
        if (k < n && (s[k] == '+' || s[k] == '-'))
            k++;
        d = skip_digits(s, n, k);
        if (d == k)
            return 0;
        k = d;
    }
    /* in valid JSON a number is followed only by these */
    if (k < n && !is_json_ws((unsigned char)s[k]) && s[k] != ',' && s[k] != ']' && s[k] != '}')
        return 0;
    *i = k;
    return 1;
}

/* One cheap pass before cJSON: caps nesting so hostile input cannot recurse
 * deeply, and rejects lexical forms cJSON tolerates but JSON forbids. */
static int json_prescan(const char *s, size_t n)
{
    size_t i = 0;
    int depth = 0;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') {
            if (!skip_string(s, n, &i))
                return 0;
            continue;
        }
        if (c == '-' || is_digit(c)) {
            if (!skip_number(s, n, &i))
                return 0;
            continue;
        }
        if (c == '[' || c == '{') {
            if (++depth > PS_FRAME_MAX_DEPTH)
                return 0;
        } else if (c == ']' || c == '}') {
            if (--depth < 0)
                return 0;
        } else if ((c < 0x20 && !is_json_ws(c)) || c == '+' || c == '.') {
            return 0;
        }
        i++;
    }
    return 1;
}

/* Parse exactly len bytes as one JSON value under the size, UTF-8 and depth
 * bounds. cJSON gets a private NUL-terminated copy so it can never read past
 * len, and require_null_terminated rejects trailing garbage. */
static ps_parse_status parse_bounded(const char *buf, size_t len, size_t cap, cJSON **out)
{
    char *copy;

    *out = NULL;
    if (cap == 0)
        cap = PS_FRAME_MAX_BYTES;
    if (len > cap || len == SIZE_MAX)
        return PS_PARSE_TOO_LARGE;
    if (buf == NULL)
        return PS_PARSE_BAD_JSON;
    if (!ps_utf8_valid(buf, len))
        return PS_PARSE_BAD_UTF8;
    if (!json_prescan(buf, len))
        return PS_PARSE_BAD_JSON;
    copy = malloc(len + 1);
    if (copy == NULL)
        return PS_PARSE_BAD_JSON;
    memcpy(copy, buf, len);
    copy[len] = '\0';
    *out = cJSON_ParseWithOpts(copy, NULL, 1);
    free(copy);
    return *out ? PS_PARSE_OK : PS_PARSE_BAD_JSON;
}

/* ------------------------------------------------------------ messages */

static const cJSON *item(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static void fill_msg(ps_msg *m, size_t cap)
{
    const cJSON *ev = item(m->root, "event");
    const cJSON *ch = item(m->root, "channel");
    const cJSON *data = item(m->root, "data");

    m->event = cJSON_IsString(ev) ? ev->valuestring : NULL;
    m->channel = cJSON_IsString(ch) ? ch->valuestring : NULL;
    m->has_channel = ch != NULL;
    m->data = data;
    if (data == NULL)
        m->data_kind = PS_DATA_ABSENT;
    else if (cJSON_IsString(data))
        m->data_kind = PS_DATA_STRING;
    else if (cJSON_IsObject(data))
        m->data_kind = PS_DATA_OBJECT;
    else
        m->data_kind = PS_DATA_OTHER;
    if (m->data_kind == PS_DATA_STRING)
        parse_bounded(data->valuestring, strlen(data->valuestring), cap, &m->data_decoded);
}

ps_parse_status ps_msg_parse(const char *buf, size_t len, size_t cap, ps_msg *out)
{
    ps_parse_status st;

    if (out == NULL)
        return PS_PARSE_BAD_JSON;
    memset(out, 0, sizeof *out);
    st = parse_bounded(buf, len, cap, &out->root);
    if (st != PS_PARSE_OK)
        return st;
    if (!cJSON_IsObject(out->root))
        return PS_PARSE_NOT_OBJECT;
    fill_msg(out, cap);
    return out->event ? PS_PARSE_OK : PS_PARSE_NO_EVENT;
}

const char *ps_parse_status_text(ps_parse_status s)
{
    switch (s) {
    case PS_PARSE_OK: return "ok";
    case PS_PARSE_TOO_LARGE: return "frame over the size cap";
    case PS_PARSE_BAD_UTF8: return "invalid UTF-8";
    case PS_PARSE_BAD_JSON: return "invalid JSON (or nested too deeply)";
    case PS_PARSE_NOT_OBJECT: return "JSON is not an object";
    case PS_PARSE_NO_EVENT: return "object without a string \"event\"";
    }
    return "unknown parse status";
}

void ps_msg_free(ps_msg *m)
{
    if (m == NULL)
        return;
    cJSON_Delete(m->root);
    cJSON_Delete(m->data_decoded);
    memset(m, 0, sizeof *m);
}

/* data_json must be valid UTF-8 in string form and one bounded JSON value
 * otherwise, because it is then embedded verbatim. */
static int data_json_ok(const char *data_json, int as_string)
{
    cJSON *tmp = NULL;
    size_t n = strlen(data_json);

    if (as_string)
        return ps_utf8_valid(data_json, n);
    if (parse_bounded(data_json, n, 0, &tmp) != PS_PARSE_OK)
        return 0;
    cJSON_Delete(tmp);
    return 1;
}

static int add_members(cJSON *root, const char *event, const char *channel,
                       const char *data_json, int as_string)
{
    if (!cJSON_AddStringToObject(root, "event", event))
        return 0;
    if (channel && !cJSON_AddStringToObject(root, "channel", channel))
        return 0;
    if (data_json == NULL)
        return 1;
    if (as_string)
        return cJSON_AddStringToObject(root, "data", data_json) != NULL;
    /* raw keeps the caller's bytes (number spelling, key order) intact */
    return cJSON_AddRawToObject(root, "data", data_json) != NULL;
}

char *ps_msg_build(const char *event, const char *channel, const char *data_json, int as_string)
{
    cJSON *root;
    char *text = NULL;

    if (event == NULL || !ps_utf8_valid(event, strlen(event)))
        return NULL;
    if (channel && !ps_utf8_valid(channel, strlen(channel)))
        return NULL;
    if (data_json && !data_json_ok(data_json, as_string))
        return NULL;
    root = cJSON_CreateObject();
    if (root && add_members(root, event, channel, data_json, as_string))
        text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return text;
}

/* ------------------------------------------------------------ channels */

static int channel_char_ok(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c))
        return 1;
    return c != '\0' && strchr("_-=@,.;", c) != NULL;
}

static int has_prefix_n(const char *s, size_t len, const char *p)
{
    size_t n = strlen(p);
    return len >= n && memcmp(s, p, n) == 0;
}

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

#define PS_S2U_PREFIX "#server-to-user-"

ps_channel_kind ps_channel_classify(const char *name, size_t len)
{
    /* longer prefixes first: "private-" also matches "private-cache-x" */
    static const struct { const char *prefix; ps_channel_kind kind; } prefixes[] = {
        {"private-encrypted-", PS_CH_PRIVATE_ENCRYPTED},
        {"private-cache-", PS_CH_PRIVATE_CACHE},
        {"private-", PS_CH_PRIVATE},
        {"presence-cache-", PS_CH_PRESENCE_CACHE},
        {"presence-", PS_CH_PRESENCE},
        {"cache-", PS_CH_CACHE},
    };
    size_t start = 0;

    if (name == NULL || len == 0 || len > PS_CHANNEL_MAX_LEN)
        return PS_CH_INVALID;
    if (name[0] == '#') {
        if (!has_prefix_n(name, len, PS_S2U_PREFIX) || len == strlen(PS_S2U_PREFIX))
            return PS_CH_INVALID;
        start = strlen(PS_S2U_PREFIX);
    }
    for (size_t i = start; i < len; i++)
        if (!channel_char_ok((unsigned char)name[i]))
            return PS_CH_INVALID;
    if (start)
        return PS_CH_SERVER_TO_USER;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (has_prefix_n(name, len, prefixes[i].prefix))
            return prefixes[i].kind;
    return PS_CH_PUBLIC;
}

const char *ps_channel_kind_name(ps_channel_kind k)
{
    switch (k) {
    case PS_CH_INVALID: return "invalid";
    case PS_CH_PUBLIC: return "public";
    case PS_CH_PRIVATE: return "private";
    case PS_CH_PRESENCE: return "presence";
    case PS_CH_PRIVATE_ENCRYPTED: return "private-encrypted";
    case PS_CH_PRIVATE_CACHE: return "private-cache";
    case PS_CH_PRESENCE_CACHE: return "presence-cache";
    case PS_CH_CACHE: return "cache";
    case PS_CH_SERVER_TO_USER: return "server-to-user";
    }
    return "unknown";
}

int ps_channel_needs_auth(ps_channel_kind k)
{
    return k == PS_CH_PRIVATE || k == PS_CH_PRESENCE || k == PS_CH_PRIVATE_ENCRYPTED ||
           k == PS_CH_PRIVATE_CACHE || k == PS_CH_PRESENCE_CACHE;
}

int ps_channel_is_presence(ps_channel_kind k)
{
    return k == PS_CH_PRESENCE || k == PS_CH_PRESENCE_CACHE;
}

int ps_socket_id_valid(const char *s, size_t len)
{
    size_t dot, end;

    if (s == NULL)
        return 0;
    dot = skip_digits(s, len, 0);
    if (dot == 0 || dot >= len || s[dot] != '.')
        return 0;
    end = skip_digits(s, len, dot + 1);
    return end > dot + 1 && end == len;
}

/* ---------------------------------------------------- validation output */

typedef struct {
    const ps_msg *m;
    const char *ev;        /* event name, NULL before the FRAME-1 check passes */
    char evshort[64];      /* printable prefix for texts */
    ps_violation *out;
    int max;
    int n;
} vctx;

/* Printable, bounded copy of s for human-readable texts. */
static void shorten(const char *s, char *buf, size_t n)
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

static void PS_PRINTF(4, 5) report(vctx *c, const char *rule, int should, const char *fmt, ...)
{
    if (c->out && c->n < c->max) {
        ps_violation *v = &c->out[c->n];
        size_t k = 0;
        va_list ap;

        v->rule = rule;
        v->should = should;
        v->text[0] = '\0';
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

static int is_int(const cJSON *v)
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

static void describe(const cJSON *v, char *buf, size_t n)
{
    char s[48];

    if (v == NULL)
        snprintf(buf, n, "missing");
    else if (cJSON_IsString(v)) {
        shorten(v->valuestring, s, sizeof s);
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
static void report_value(vctx *c, const char *rule, int should, const char *path,
                         const cJSON *v, const char *want)
{
    char d[72];

    describe(v, d, sizeof d);
    report(c, rule, should, "%s is %s, expected %s", path, d, want);
}

/* ------------------------------------------------------- field schemas */

enum {
    TY_STRING = 1u << 0,
    TY_NUMBER = 1u << 1,
    TY_INT = 1u << 2,
    TY_POSINT = 1u << 3,
    TY_NULL = 1u << 4,
    TY_OBJECT = 1u << 5,
    TY_ARRAY = 1u << 6
};

static const char *const type_names[] = {
    "a string", "a number", "an integer", "a positive integer", "null", "an object", "an array"
};

static int type_ok(const cJSON *v, unsigned mask)
{
    return ((mask & TY_STRING) && cJSON_IsString(v)) ||
           ((mask & TY_NUMBER) && cJSON_IsNumber(v)) ||
           ((mask & TY_INT) && is_int(v)) ||
           ((mask & TY_POSINT) && is_int(v) && v->valuedouble > 0) ||
           ((mask & TY_NULL) && cJSON_IsNull(v)) ||
           ((mask & TY_OBJECT) && cJSON_IsObject(v)) ||
           ((mask & TY_ARRAY) && cJSON_IsArray(v));
}

static void type_expect(unsigned mask, char *buf, size_t n)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t b = 0; b < sizeof type_names / sizeof type_names[0]; b++) {
        int w;
        if (!(mask & (1u << b)))
            continue;
        w = snprintf(buf + used, n - used, "%s%s", used ? " or " : "", type_names[b]);
        if (w < 0 || (size_t)w >= n - used)
            return;
        used += (size_t)w;
    }
}

typedef struct {
    const char *name;
    unsigned types;
    int required;
    const char *rule;      /* NULL: the event's rule */
} field_spec;

static void check_fields(vctx *c, const field_spec *f, const cJSON *obj, const char *rule)
{
    for (; f && f->name; f++) {
        const cJSON *v = item(obj, f->name);
        char path[48], want[96];

        if ((v == NULL && !f->required) || (v && type_ok(v, f->types)))
            continue;
        snprintf(path, sizeof path, "data.%s", f->name);
        type_expect(f->types, want, sizeof want);
        report_value(c, f->rule ? f->rule : rule, 0, path, v, want);
    }
}

/* Parse a JSON document held in a string member; object or NULL (owned). */
static cJSON *decode_object(const cJSON *s)
{
    cJSON *d = NULL;

    if (!cJSON_IsString(s))
        return NULL;
    if (parse_bounded(s->valuestring, strlen(s->valuestring), 0, &d) != PS_PARSE_OK)
        return NULL;
    if (!cJSON_IsObject(d)) {
        cJSON_Delete(d);
        return NULL;
    }
    return d;
}

/* ------------------------------------------------------------ presence */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted string items of an array, or keys of an object; NULL if no memory. */
static const char **sorted_names(const cJSON *v, int keys, size_t *n)
{
    const cJSON *e;
    const char **a;
    size_t cap = 0, k = 0;

    cJSON_ArrayForEach(e, v)
        cap++;
    a = malloc((cap ? cap : 1) * sizeof *a);
    if (a == NULL)
        return NULL;
    cJSON_ArrayForEach(e, v) {
        const char *s = keys ? e->string : (cJSON_IsString(e) ? e->valuestring : NULL);
        if (s)
            a[k++] = s;
    }
    qsort(a, k, sizeof *a, cmp_str);
    *n = k;
    return a;
}

/* Entries of a missing from b (both sorted); *first gets one example. */
static size_t count_missing(const char **a, size_t na, const char **b, size_t nb,
                            const char **first)
{
    size_t miss = 0;

    for (size_t i = 0; i < na; i++) {
        if (bsearch(&a[i], b, nb, sizeof *b, cmp_str))
            continue;
        if (miss++ == 0)
            *first = a[i];
    }
    return miss;
}

static size_t count_dups(const char **a, size_t n, const char **first)
{
    size_t d = 0;

    for (size_t i = 1; i < n; i++) {
        if (strcmp(a[i - 1], a[i]) != 0)
            continue;
        if (d++ == 0)
            *first = a[i];
    }
    return d;
}

static void report_names(vctx *c, size_t count, const char *what, const char *example)
{
    char s[48];

    if (count == 0)
        return;
    shorten(example, s, sizeof s);
    report(c, "PRES-1", 0, "%s (%zu), e.g. \"%s\"", what, count, s);
}

/* Sorting keeps this O(n log n): a hostile 1 MiB member list stays cheap. */
static void presence_cross_check(vctx *c, const cJSON *ids, const cJSON *hash)
{
    size_t ni = 0, nk = 0;
    const char **a = sorted_names(ids, 0, &ni);
    const char **b = sorted_names(hash, 1, &nk);
    const char *ex = NULL;
    size_t k;

    if (a && b) {
        k = count_dups(a, ni, &ex);
        report_names(c, k, "data.presence.ids repeats ids", ex);
        k = count_missing(a, ni, b, nk, &ex);
        report_names(c, k, "data.presence.ids has ids missing from data.presence.hash", ex);
        k = count_missing(b, nk, a, ni, &ex);
        report_names(c, k, "data.presence.hash has keys missing from data.presence.ids", ex);
    }
    free(a);
    free(b);
}

static void presence_id_types(vctx *c, const cJSON *ids)
{
    const cJSON *e, *bad = NULL;
    size_t i = 0, first = 0, nbad = 0;
    char d[72];

    cJSON_ArrayForEach(e, ids) {
        if (!cJSON_IsString(e) && nbad++ == 0) {
            bad = e;
            first = i;
        }
        i++;
    }
    if (nbad == 0)
        return;
    describe(bad, d, sizeof d);
    report(c, "PRES-1", 0, "data.presence.ids[%zu] is %s, expected a string (%zu non-string ids)",
           first, d, nbad);
}

static void check_presence(vctx *c, const cJSON *data)
{
    const cJSON *p = item(data, "presence");
    const cJSON *ids = item(p, "ids"), *hash = item(p, "hash"), *count = item(p, "count");

    if (!cJSON_IsObject(p)) {
        report_value(c, "PRES-1", 0, "data.presence", p, "an object with ids, hash and count");
        return;
    }
    if (!cJSON_IsArray(ids))
        report_value(c, "PRES-1", 0, "data.presence.ids", ids, "an array of strings");
    else
        presence_id_types(c, ids);
    if (!cJSON_IsObject(hash))
        report_value(c, "PRES-1", 0, "data.presence.hash", hash, "an object");
    if (!is_int(count) || count->valuedouble < 0)
        report_value(c, "PRES-1", 0, "data.presence.count", count, "a non-negative integer");
    else if (cJSON_IsArray(ids) && count->valuedouble != (double)cJSON_GetArraySize(ids))
        report(c, "PRES-1", 0, "data.presence.count is %.15g but data.presence.ids has %d entries",
               count->valuedouble, cJSON_GetArraySize(ids));
    if (cJSON_IsArray(ids) && cJSON_IsObject(hash))
        presence_cross_check(c, ids, hash);
}

/* ------------------------------------------------ per-event extra checks */

static void conn_extra(vctx *c, const cJSON *obj)
{
    const cJSON *sid = item(obj, "socket_id"), *t = item(obj, "activity_timeout");

    if (cJSON_IsString(sid) && !ps_socket_id_valid(sid->valuestring, strlen(sid->valuestring)))
        report_value(c, "CONN-2", 0, "data.socket_id", sid, "digits.digits (^\\d+\\.\\d+$)");
    if (type_ok(t, TY_POSINT) && t->valuedouble > 120)
        report_value(c, "CONN-3", 1, "data.activity_timeout", t, "at most 120 seconds");
}

static ps_channel_kind kind_of(const char *channel)
{
    return channel ? ps_channel_classify(channel, strlen(channel)) : PS_CH_INVALID;
}

static void sub_ok_extra(vctx *c, const cJSON *obj)
{
    const ps_msg *m = c->m;
    /* without a channel (already FRAME-3) the data itself tells presence */
    int presence = m->channel ? ps_channel_is_presence(kind_of(m->channel))
                              : item(obj, "presence") != NULL;

    if (presence)
        check_presence(c, obj);
    else if (m->data_kind == PS_DATA_STRING && strcmp(m->data->valuestring, "{}") != 0)
        report_value(c, "FRAME-6", 1, "data", m->data, "\"{}\" on a non-presence channel");
}

static void channel_data_check(vctx *c, const cJSON *cd)
{
    cJSON *d;

    if (!cJSON_IsString(cd)) {
        report_value(c, "SUB-5", 0, "data.channel_data", cd, "a JSON string (presence channel)");
        return;
    }
    d = decode_object(cd);
    if (d == NULL)
        report_value(c, "SUB-5", 0, "data.channel_data", cd, "a JSON object with user_id");
    else if (!type_ok(item(d, "user_id"), TY_STRING | TY_NUMBER))
        report_value(c, "SUB-5", 0, "data.channel_data.user_id", item(d, "user_id"),
                     "a string or a number");
    cJSON_Delete(d);
}

static void subscribe_extra(vctx *c, const cJSON *obj)
{
    const cJSON *ch = item(obj, "channel");
    ps_channel_kind k;

    if (!cJSON_IsString(ch))
        return;
    k = kind_of(ch->valuestring);
    if (ps_channel_needs_auth(k) && !cJSON_IsString(item(obj, "auth")))
        report_value(c, "SUB-5", 0, "data.auth", item(obj, "auth"),
                     "a string (the channel needs authorization)");
    if (ps_channel_is_presence(k))
        channel_data_check(c, item(obj, "channel_data"));
}

static void signin_extra(vctx *c, const cJSON *obj)
{
    const cJSON *ud = item(obj, "user_data");
    cJSON *d;

    if (!cJSON_IsString(ud))
        return;
    d = decode_object(ud);
    if (d == NULL)
        report_value(c, "SIGNIN-7", 0, "data.user_data", ud, "a JSON object with id");
    else if (!cJSON_IsString(item(d, "id")))
        report_value(c, "SIGNIN-7", 0, "data.user_data.id", item(d, "id"), "a string");
    cJSON_Delete(d);
}

/* ---------------------------------------------------------- event table */

typedef enum {
    D_ANY,              /* data not checked */
    D_DOUBLE,           /* MUST be a JSON string holding an object */
    D_DOUBLE_SHOULD,    /* SHOULD be a JSON string (FRAME-6); schema still MUST */
    D_OBJECT,           /* MUST be an object */
    D_OBJECT_OR_ABSENT  /* SHOULD be an object or absent */
} data_mode;

#define NEED_CHANNEL 1u

typedef struct {
    const char *event;
    ps_direction dir;
    unsigned flags;
    data_mode mode;
    const char *rule;          /* rule broken by a bad data shape */
    const field_spec *fields;  /* checked on the (decoded) data object */
    void (*extra)(vctx *c, const cJSON *obj);
} event_spec;

static const field_spec f_conn[] = {
    {"socket_id", TY_STRING, 1, "CONN-2"},
    {"activity_timeout", TY_POSINT, 1, "CONN-3"},
    {NULL, 0, 0, NULL}
};
/* user_info is optional and of any type */
static const field_spec f_member[] = {{"user_id", TY_STRING | TY_NUMBER, 1, NULL}, {NULL, 0, 0, NULL}};
static const field_spec f_watch[] = {{"events", TY_ARRAY, 1, NULL}, {NULL, 0, 0, NULL}};
/* Pusher documents code as optional */
static const field_spec f_error[] = {
    {"message", TY_STRING, 1, NULL},
    {"code", TY_INT | TY_NULL, 0, NULL},
    {NULL, 0, 0, NULL}
};
static const field_spec f_signin_ok[] = {{"user_data", TY_STRING, 1, NULL}, {NULL, 0, 0, NULL}};
static const field_spec f_channel[] = {{"channel", TY_STRING, 1, NULL}, {NULL, 0, 0, NULL}};
static const field_spec f_signin[] = {
    {"auth", TY_STRING, 1, NULL},
    {"user_data", TY_STRING, 1, NULL},
    {NULL, 0, 0, NULL}
};

static const event_spec specs[] = {
    {"pusher:connection_established", PS_FROM_SERVER, 0, D_DOUBLE, "FRAME-2", f_conn, conn_extra},
    {"pusher_internal:subscription_succeeded", PS_FROM_SERVER, NEED_CHANNEL, D_DOUBLE, "FRAME-2",
     NULL, sub_ok_extra},
    {"pusher_internal:member_added", PS_FROM_SERVER, NEED_CHANNEL, D_DOUBLE, "FRAME-2", f_member, NULL},
    {"pusher_internal:member_removed", PS_FROM_SERVER, NEED_CHANNEL, D_DOUBLE, "FRAME-2", f_member, NULL},
    {"pusher_internal:watchlist_events", PS_FROM_SERVER, 0, D_DOUBLE, "FRAME-2", f_watch, NULL},
    {"pusher:error", PS_FROM_SERVER, 0, D_DOUBLE_SHOULD, "FRAME-2", f_error, NULL},
    {"pusher:pong", PS_FROM_SERVER, 0, D_DOUBLE_SHOULD, "FRAME-2", NULL, NULL},
    {"pusher:subscription_error", PS_FROM_SERVER, NEED_CHANNEL, D_DOUBLE_SHOULD, "FRAME-2", NULL, NULL},
    {"pusher:signin_success", PS_FROM_SERVER, 0, D_DOUBLE_SHOULD, "FRAME-2", f_signin_ok, NULL},
    {"pusher:cache_miss", PS_FROM_SERVER, NEED_CHANNEL, D_ANY, NULL, NULL, NULL},
    {"pusher:subscribe", PS_FROM_CLIENT, 0, D_OBJECT, "SUB-5", f_channel, subscribe_extra},
    {"pusher:unsubscribe", PS_FROM_CLIENT, 0, D_OBJECT, "SUB-6", f_channel, NULL},
    {"pusher:signin", PS_FROM_CLIENT, 0, D_OBJECT, "SIGNIN-7", f_signin, signin_extra},
    {"pusher:ping", PS_FROM_CLIENT, 0, D_OBJECT_OR_ABSENT, "PING-7", NULL, NULL},
    {"pusher:pong", PS_FROM_CLIENT, 0, D_OBJECT_OR_ABSENT, "PING-6", NULL, NULL},
};

static const event_spec internal_generic = {
    NULL, PS_FROM_SERVER, 0, D_DOUBLE, "FRAME-2", NULL, NULL
};
static const event_spec channel_event = {
    NULL, PS_FROM_SERVER, NEED_CHANNEL, D_ANY, NULL, NULL, NULL
};

static const event_spec *find_spec(const char *ev, ps_direction dir)
{
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        if (specs[i].dir == dir && strcmp(specs[i].event, ev) == 0)
            return &specs[i];
    return NULL;
}

/* ---------------------------------------------------- data extraction */

static const cJSON *decoded_object(vctx *c, const char *rule)
{
    const cJSON *d = c->m->data_decoded;

    if (d == NULL) {
        report_value(c, rule, 0, "data", c->m->data, "a string holding JSON");
        return NULL;
    }
    if (!cJSON_IsObject(d)) {
        report_value(c, rule, 0, "decoded data", d, "an object");
        return NULL;
    }
    return d;
}

/* An object sent without double encoding is still checked field by field. */
static const cJSON *data_double(vctx *c, const event_spec *sp)
{
    const ps_msg *m = c->m;

    if (m->data_kind == PS_DATA_STRING)
        return decoded_object(c, sp->rule);
    report_value(c, sp->rule, 0, "data", m->data, "a JSON string");
    return m->data_kind == PS_DATA_OBJECT ? m->data : NULL;
}

static const cJSON *data_double_should(vctx *c, const event_spec *sp)
{
    const ps_msg *m = c->m;

    if (m->data_kind == PS_DATA_STRING) {
        if (sp->fields)
            return decoded_object(c, sp->rule);
        if (m->data_decoded == NULL)
            report_value(c, "FRAME-6", 1, "data", m->data, "a string holding JSON");
        return NULL;
    }
    report_value(c, "FRAME-6", 1, "data", m->data, "a JSON string");
    if (m->data_kind == PS_DATA_OBJECT)
        return m->data;
    if (sp->fields)
        report_value(c, sp->rule, 0, "data", m->data, "an object");
    return NULL;
}

static const cJSON *data_object(vctx *c, const event_spec *sp)
{
    const ps_msg *m = c->m;

    switch (sp->mode) {
    case D_DOUBLE:
        return data_double(c, sp);
    case D_DOUBLE_SHOULD:
        return data_double_should(c, sp);
    case D_OBJECT:
        if (m->data_kind == PS_DATA_OBJECT)
            return m->data;
        report_value(c, sp->rule, 0, "data", m->data, "an object");
        return NULL;
    case D_OBJECT_OR_ABSENT:
        if (m->data_kind != PS_DATA_OBJECT && m->data_kind != PS_DATA_ABSENT)
            report_value(c, sp->rule, 1, "data", m->data, "an object or no data");
        return NULL;
    case D_ANY:
        break;
    }
    return NULL;
}

static void run_spec(vctx *c, const event_spec *sp)
{
    const cJSON *obj;

    if ((sp->flags & NEED_CHANNEL) && c->m->channel == NULL)
        report_value(c, "FRAME-3", 0, "channel", item(c->m->root, "channel"), "a string");
    obj = data_object(c, sp);
    if (obj == NULL)
        return;
    check_fields(c, sp->fields, obj, sp->rule);
    if (sp->extra)
        sp->extra(c, obj);
}

/* ------------------------------------------------------------ directions */

static void validate_server(vctx *c)
{
    const event_spec *sp = find_spec(c->ev, PS_FROM_SERVER);

    if (sp == NULL && has_prefix(c->ev, "pusher_internal:"))
        sp = &internal_generic;
    else if (sp == NULL && !has_prefix(c->ev, "pusher:"))
        sp = &channel_event;
    if (sp)
        run_spec(c, sp);
}

static void check_client_event(vctx *c)
{
    size_t len = ps_utf8_chars(c->ev);
    const char *ch = c->m->channel;
    char s[48];
    ps_channel_kind k;

    if (len > PS_EVENT_MAX_LEN)
        report(c, "CEV-8", 0, "event name is %zu characters, over the %d limit",
               len, PS_EVENT_MAX_LEN);
    if (ch == NULL) {
        report_value(c, "CEV-8", 0, "channel", item(c->m->root, "channel"),
                     "a private or presence channel");
        return;
    }
    k = kind_of(ch);
    if (!ps_channel_needs_auth(k)) {
        shorten(ch, s, sizeof s);
        report(c, "CEV-8", 0, "channel \"%s\" is %s, expected a private or presence channel",
               s, ps_channel_kind_name(k));
    }
}

static void validate_client(vctx *c)
{
    const event_spec *sp = find_spec(c->ev, PS_FROM_CLIENT);

    if (sp)
        run_spec(c, sp);
    else if (has_prefix(c->ev, "client-"))
        check_client_event(c);
    else if (!has_prefix(c->ev, "pusher:") && !has_prefix(c->ev, "pusher_internal:"))
        report(c, "CEV-8", 0, "is not a client- event; a client may only send client- events");
}

/* FRAME-1: a JSON object with a string event of at most 200 characters. */
static int check_envelope(vctx *c)
{
    const ps_msg *m = c->m;
    size_t len;

    if (m == NULL || m->root == NULL) {
        report(c, "FRAME-1", 0, "message is not valid JSON, expected a JSON object");
        return 0;
    }
    if (!cJSON_IsObject(m->root)) {
        report_value(c, "FRAME-1", 0, "message", m->root, "a JSON object");
        return 0;
    }
    if (m->event == NULL) {
        report_value(c, "FRAME-1", 0, "event", item(m->root, "event"), "a string");
        return 0;
    }
    c->ev = m->event;
    shorten(m->event, c->evshort, sizeof c->evshort);
    len = ps_utf8_chars(m->event);
    if (len > PS_EVENT_MAX_LEN)
        report(c, "FRAME-1", 0, "event name is %zu characters, over the %d limit",
               len, PS_EVENT_MAX_LEN);
    return 1;
}

int ps_msg_validate(const ps_msg *m, ps_direction dir, ps_violation *out, int max)
{
    vctx c;

    memset(&c, 0, sizeof c);
    c.m = m;
    c.out = out;
    c.max = max;
    if (!check_envelope(&c))
        return c.n;
    if (dir == PS_FROM_SERVER)
        validate_server(&c);
    else
        validate_client(&c);
    return c.n;
}

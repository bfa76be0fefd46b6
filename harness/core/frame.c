/* Pusher message codec: bounded JSON parsing, channel classification and
 * message building. The per-event schema validation is validate.c and
 * presence.c, sharing core/schema.h. */
#include "core/frame.h"
#include "core/utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------- JSON pre-scan */

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_json_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Bytes a string runs over in one step: not '"', '\\' or a control character. */
static const unsigned char plain[256] = {
#define P16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* '"' */
    P16, P16,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,   /* '\\' */
    P16, P16, P16, P16, P16, P16, P16, P16, P16, P16
#undef P16
};

/* s[*i] is '"'. Raw control characters are not JSON, and a NUL, raw or as
 * \u0000, would silently truncate the C string cJSON hands back. */
static int skip_string(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t k = *i + 1;

    while (k < n) {
        unsigned char c = u[k];
        if (plain[c]) {
            k++;
            continue;
        }
        if (c == '"') {
            *i = k + 1;
            return 1;
        }
        if (c < 0x20)
            return 0;
        /* a backslash: cJSON takes \u with other than four hex digits (as U+0000 or less) */
        if (k + 1 >= n || u[k + 1] < 0x20)
            return 0;
        if (s[k + 1] == 'u') {
            if (n - k < 6 || memcmp(s + k + 2, "0000", 4) == 0)
                return 0;
            for (size_t h = k + 2; h < k + 6; h++)
                if (!u[h] || !strchr("0123456789abcdefABCDEF", u[h]))
                    return 0;
            k += 6;
            continue;
        }
        k += 2;
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
 * bounds. cJSON gets the length, so it never reads past len (no copy to
 * NUL-terminate: one allocation less per parse), and whatever follows the value
 * must be whitespace. */
ps_parse_status ps_json_parse_bounded(const char *buf, size_t len, size_t cap, cJSON **out)
{
    const char *end = NULL;

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
    if (len == 0)
        return PS_PARSE_BAD_JSON;
    *out = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (*out == NULL)
        return PS_PARSE_BAD_JSON;
    while (end < buf + len && is_json_ws((unsigned char)*end))
        end++;
    if (end != buf + len) {   /* trailing garbage */
        cJSON_Delete(*out);
        *out = NULL;
        return PS_PARSE_BAD_JSON;
    }
    return PS_PARSE_OK;
}

/* ------------------------------------------------------------ messages */

static void fill_msg(ps_msg *m, size_t cap)
{
    const cJSON *ev = ps_json_item(m->root, "event");
    const cJSON *ch = ps_json_item(m->root, "channel");
    const cJSON *data = ps_json_item(m->root, "data");

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
        ps_json_parse_bounded(data->valuestring, strlen(data->valuestring), cap, &m->data_decoded);
}

ps_parse_status ps_msg_parse(const char *buf, size_t len, size_t cap, ps_msg *out)
{
    ps_parse_status st;

    if (out == NULL)
        return PS_PARSE_BAD_JSON;
    memset(out, 0, sizeof *out);
    st = ps_json_parse_bounded(buf, len, cap, &out->root);
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
    if (ps_json_parse_bounded(data_json, n, 0, &tmp) != PS_PARSE_OK)
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

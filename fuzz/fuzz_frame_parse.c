/* The message codec on arbitrary bytes: parse under a size cap, validate both
 * ways, rebuild and reparse, and classify channel / socket_id slices against
 * small reference implementations; and the outline of the same bytes (core/outline.c)
 * against the codec. */
#include "core/frame.h"
#include "core/outline.h"
#include "core/utf8.h"
#include "fuzz_util.h"

#include <math.h>

#define NV 8

/* A \u0000 escape would put a NUL into a C string and cut it short. */
static int has_nul_escape(const uint8_t *s, size_t n)
{
    int in_str = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            in_str = !in_str;
        else if (in_str && s[i] == '\\' && i + 1 < n) {
            if (s[i + 1] == 'u' && i + 5 < n && memcmp(s + i + 2, "0000", 4) == 0)
                return 1;
            i++;
        }
    }
    return 0;
}

static void check_violations(const ps_msg *m, ps_direction dir, ps_violation v[NV], int *n)
{
    int all = ps_msg_validate(m, dir, NULL, 0);
    ps_violation few[2];

    *n = ps_msg_validate(m, dir, v, NV);
    CHECK(*n == all && *n >= 0);
    CHECK(ps_msg_validate(m, dir, few, 2) == all);   /* max only limits output */
    for (int i = 0; i < *n && i < NV; i++) {
        CHECK(v[i].rule != NULL && v[i].rule[0] != '\0');
        CHECK(memchr(v[i].text, '\0', sizeof v[i].text) != NULL);
    }
    if (m->event == NULL)   /* no event: FRAME-1 and nothing else */
        CHECK(*n == 1 && strcmp(v[0].rule, "FRAME-1") == 0);
}

static char *print_json(const cJSON *j)
{
    char *s = cJSON_PrintUnformatted(j);
    CHECK(s != NULL);
    return s;
}

/* Same data member: same kind and, as compact JSON, the same text. */
static void check_same_data(const ps_msg *a, const ps_msg *b)
{
    CHECK(a->data_kind == b->data_kind);
    if (a->data_kind == PS_DATA_ABSENT)
        return;
    char *x = print_json(a->data), *y = print_json(b->data);
    CHECK(strcmp(x, y) == 0);
    free(x);
    free(y);
    CHECK((a->data_decoded == NULL) == (b->data_decoded == NULL));
}

/* Validation reads only event, channel and data, so the rebuilt message must
 * break exactly the same rules. */
static void check_same_rules(const ps_msg *a, const ps_msg *b, ps_direction dir)
{
    ps_violation va[NV], vb[NV];
    int na, nb;

    check_violations(a, dir, va, &na);
    check_violations(b, dir, vb, &nb);
    CHECK(na == nb);
    for (int i = 0; i < na && i < NV; i++)
        CHECK(strcmp(va[i].rule, vb[i].rule) == 0 && va[i].should == vb[i].should);
}

/* cJSON prints a number with 15 significant digits when that reads back
 * within an epsilon, so 120.00000000000001 comes back as 120 (and 1E400,
 * read as inf, as null): such data cannot keep its verdicts when rebuilt. */
static int prints_lossily(const cJSON *j)
{
    const cJSON *e;

    if (cJSON_IsNumber(j)) {
        if (!isfinite(j->valuedouble))
            return 1;
        char *s = print_json(j);
        int lossy = strtod(s, NULL) != j->valuedouble;
        free(s);
        return lossy;
    }
    cJSON_ArrayForEach(e, j)
        if (prints_lossily(e))
            return 1;
    return 0;
}

static void round_trip(const ps_msg *m)
{
    int as_string = m->data_kind == PS_DATA_STRING;
    char *data_json = NULL;
    ps_msg again;

    if (as_string)
        data_json = fz_dup(m->data->valuestring, strlen(m->data->valuestring));
    else if (m->data)
        data_json = print_json(m->data);
    char *built = ps_msg_build(m->event, m->channel, data_json, as_string);
    CHECK(built != NULL);
    CHECK(ps_msg_parse(built, strlen(built), 0, &again) == PS_PARSE_OK);
    CHECK(strcmp(again.event, m->event) == 0);
    CHECK((again.channel == NULL) == (m->channel == NULL));
    CHECK(!m->channel || strcmp(again.channel, m->channel) == 0);
    CHECK(again.has_channel == (m->channel != NULL));
    check_same_data(m, &again);
    if (!prints_lossily(m->data)) {
        check_same_rules(m, &again, PS_FROM_SERVER);
        check_same_rules(m, &again, PS_FROM_CLIENT);
    }
    ps_msg_free(&again);
    free(built);

    /* An object sent double-encoded must decode back to the same object. */
    if (m->data_kind == PS_DATA_OBJECT) {
        built = ps_msg_build(m->event, m->channel, data_json, 1);
        CHECK(built != NULL);
        CHECK(ps_msg_parse(built, strlen(built), 0, &again) == PS_PARSE_OK);
        CHECK(again.data_kind == PS_DATA_STRING && again.data_decoded != NULL);
        char *x = print_json(again.data_decoded);
        CHECK(strcmp(x, data_json) == 0);
        free(x);
        ps_msg_free(&again);
        free(built);
    }
    free(data_json);
}

/* A \uD800-\uDFFF escape: JSON.parse keeps it, cJSON refuses it. */
static int has_surrogate_escape(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i + 5 < n; i++)
        if (s[i] == '\\' && (s[i + 1] == 'u' || s[i + 1] == 'U') && (s[i + 2] == 'd' || s[i + 2] == 'D') &&
            s[i + 3] && strchr("89abcdefABCDEF", s[i + 3]))
            return 1;
    return 0;
}

static int members_named(const cJSON *obj, const char *key)
{
    int n = 0;
    for (const cJSON *c = cJSON_IsObject(obj) ? obj->child : NULL; c; c = c->next)
        n += c->string && strcmp(c->string, key) == 0;
    return n;
}

/* core/outline.c (the live fuzzer's view of an input) against the codec: on UTF-8 within
 * the codec's depth and size, without the escapes it refuses (surrogates: cJSON; \u0000:
 * the codec), both take the same bytes for JSON, an object, and, with one "event"
 * member, the same event. */
static void check_outline(const uint8_t *data, size_t size, size_t cap, ps_parse_status st, const ps_msg *m)
{
    ps_outline o;
    int r = ps_outline_json((const char *)data, size, &o);

    CHECK(r == 0 || r == 1);
    CHECK(o.json == r);
    CHECK(o.depth <= size);
    CHECK((o.top != PS_JT_ABSENT) == o.json);
    CHECK(!o.json || (o.depth > 0) == (o.top == PS_JT_OBJECT || o.top == PS_JT_ARRAY));
    CHECK(o.event_kept <= o.event_len && o.event_kept < PS_OUTLINE_TEXT && o.nfields <= PS_OUTLINE_FIELDS);
    if (st == PS_PARSE_TOO_LARGE || (cap && size > cap) || !ps_utf8_valid((const char *)data, size) ||
        has_surrogate_escape(data, size) || has_nul_escape(data, size) || o.depth > PS_FRAME_MAX_DEPTH)
        return;
    CHECK(o.json == (st != PS_PARSE_BAD_JSON));
    if (!o.json || st == PS_PARSE_BAD_JSON)
        return;
    CHECK((o.top == PS_JT_OBJECT) == (st != PS_PARSE_NOT_OBJECT));
    int events = members_named(m->root, "event");
    if (events == 0)
        CHECK(o.event == PS_JT_ABSENT);
    if (events != 1)
        return;
    CHECK((o.event == PS_JT_STRING) == (st == PS_PARSE_OK));
    if (st == PS_PARSE_OK && o.event_kept == o.event_len && strlen(m->event) == o.event_len)
        CHECK(memcmp(m->event, o.event_text, o.event_len) == 0);
}

static void check_parse(const uint8_t *data, size_t size)
{
    /* '{' % 8 == 3: ordinary JSON seeds run under the default cap */
    size_t cap = 0;
    if (size && data[0] % 8 == 0)
        cap = size / 2;
    else if (size && data[0] % 8 == 1)
        cap = size;
    ps_msg m;
    ps_parse_status st = ps_msg_parse((const char *)data, size, cap, &m);
    ps_violation v[NV];
    int n;

    CHECK(st >= PS_PARSE_OK && st <= PS_PARSE_NO_EVENT);
    CHECK(strcmp(ps_parse_status_text(st), "unknown parse status") != 0);
    if (cap && size > cap)
        CHECK(st == PS_PARSE_TOO_LARGE);
    /* only a JSON object fills the message */
    int is_obj = st == PS_PARSE_OK || st == PS_PARSE_NO_EVENT;
    CHECK((m.root != NULL) == (is_obj || st == PS_PARSE_NOT_OBJECT));
    CHECK((m.event != NULL) == (st == PS_PARSE_OK));
    CHECK(m.channel == NULL || m.has_channel);
    CHECK((m.data == NULL) == (m.data_kind == PS_DATA_ABSENT));
    CHECK(m.data_decoded == NULL || m.data_kind == PS_DATA_STRING);
    CHECK(!m.root || !has_nul_escape(data, size));
    check_outline(data, size, cap, st, &m);
    check_violations(&m, PS_FROM_SERVER, v, &n);
    check_violations(&m, PS_FROM_CLIENT, v, &n);
    /* Reprinting can triple a number ("1E9"), so a huge frame may not fit
     * the default cap once rebuilt; libFuzzer's -max_len keeps us below. */
    if (st == PS_PARSE_OK && size <= PS_FRAME_MAX_BYTES / 8)
        round_trip(&m);
    ps_msg_free(&m);
    CHECK(m.root == NULL && m.data_decoded == NULL);
}

/* ----------------------------------------- reference classifiers */

static int ref_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("_-=@,.;", c));
}

static int starts(const char *s, size_t n, const char *p)
{
    return n >= strlen(p) && memcmp(s, p, strlen(p)) == 0;
}

static ps_channel_kind ref_classify(const char *s, size_t n)
{
    static const char s2u[] = "#server-to-user-";
    size_t from = starts(s, n, s2u) ? sizeof s2u - 1 : 0;

    if (n == 0 || n > PS_CHANNEL_MAX_LEN || (from && n == from) || (s[0] == '#' && !from))
        return PS_CH_INVALID;
    for (size_t i = from; i < n; i++)
        if (!ref_name_char((unsigned char)s[i]))
            return PS_CH_INVALID;
    if (from)
        return PS_CH_SERVER_TO_USER;
    if (starts(s, n, "private-encrypted-"))
        return PS_CH_PRIVATE_ENCRYPTED;
    if (starts(s, n, "private-cache-"))
        return PS_CH_PRIVATE_CACHE;
    if (starts(s, n, "private-"))
        return PS_CH_PRIVATE;
    if (starts(s, n, "presence-cache-"))
        return PS_CH_PRESENCE_CACHE;
    if (starts(s, n, "presence-"))
        return PS_CH_PRESENCE;
    return starts(s, n, "cache-") ? PS_CH_CACHE : PS_CH_PUBLIC;
}

static int ref_socket_id(const char *s, size_t n)
{
    size_t i = 0, a, b;

    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    a = i;
    if (a == 0 || i >= n || s[i++] != '.')
        return 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    b = i - a - 1;
    return b > 0 && i == n;
}

/* Slices are exact-size heap copies: reading past len is an ASan error. */
static void check_slice(const uint8_t *p, size_t n)
{
    char *s = fz_dup(p, n);
    /* no terminator inside the slice's bounds: copy without the extra NUL */
    char *exact = malloc(n ? n : 1);
    ps_channel_kind k;

    CHECK(exact != NULL);
    memcpy(exact, s, n);
    k = ps_channel_classify(exact, n);
    CHECK(k == ref_classify(s, n));
    CHECK(strcmp(ps_channel_kind_name(k), "unknown") != 0);
    CHECK(!ps_channel_is_presence(k) || ps_channel_needs_auth(k));
    CHECK(ps_socket_id_valid(exact, n) == ref_socket_id(s, n));
    free(exact);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t h = fz_hash(data, size);
    size_t a = size ? (size_t)(h % size) : 0;
    size_t b = size ? (size_t)((h >> 32) % (size - a + 1)) : 0;

    check_parse(data, size);
    check_slice(data, size < 200 ? size : 200);
    check_slice(data + a, b < 200 ? b : 200);
    return 0;
}

/* Per-event schema validation of Pusher messages against scenarios/RULES.md:
 * the envelope, each event's fields and data encoding, per direction. The
 * presence cross-checks are presence.c; how a violation is recorded, violation.c. */
#include "core/frame.h"
#include "core/schema.h"
#include "core/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
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
           ((mask & TY_INT) && ps_v_is_int(v)) ||
           ((mask & TY_POSINT) && ps_v_is_int(v) && v->valuedouble > 0) ||
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
        const cJSON *v = ps_json_item(obj, f->name);
        char path[48], want[96];

        if ((v == NULL && !f->required) || (v && type_ok(v, f->types)))
            continue;
        snprintf(path, sizeof path, "data.%s", f->name);
        type_expect(f->types, want, sizeof want);
        ps_v_report_value(c, f->rule ? f->rule : rule, 0, path, v, want);
    }
}

/* Parse a JSON document held in a string member; object or NULL (owned). */
static cJSON *decode_object(const cJSON *s)
{
    cJSON *d = NULL;

    if (!cJSON_IsString(s))
        return NULL;
    if (ps_json_parse_bounded(s->valuestring, strlen(s->valuestring), 0, &d) != PS_PARSE_OK)
        return NULL;
    if (!cJSON_IsObject(d)) {
        cJSON_Delete(d);
        return NULL;
    }
    return d;
}

/* ------------------------------------------------ per-event extra checks */

static void conn_extra(vctx *c, const cJSON *obj)
{
    const cJSON *sid = ps_json_item(obj, "socket_id"), *t = ps_json_item(obj, "activity_timeout");

    if (cJSON_IsString(sid) && !ps_socket_id_valid(sid->valuestring, strlen(sid->valuestring)))
        ps_v_report_value(c, "CONN-2:socket-id-format", 0, "data.socket_id", sid, "digits.digits (^\\d+\\.\\d+$)");
    if (type_ok(t, TY_POSINT) && t->valuedouble > 120)
        ps_v_report_value(c, "CONN-3:timeout-at-most-120", 1, "data.activity_timeout", t, "at most 120 seconds");
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
                              : ps_json_item(obj, "presence") != NULL;

    if (presence)
        ps_v_check_presence(c, obj);
    else if (m->data_kind == PS_DATA_STRING && strcmp(m->data->valuestring, "{}") != 0)
        ps_v_report_value(c, "FRAME-6:succeeded-data-empty", 1, "data", m->data, "\"{}\" on a non-presence channel");
}

static void channel_data_check(vctx *c, const cJSON *cd)
{
    cJSON *d;

    if (!cJSON_IsString(cd)) {
        ps_v_report_value(c, "SUB-5:wire", 0, "data.channel_data", cd, "a JSON string (presence channel)");
        return;
    }
    d = decode_object(cd);
    if (d == NULL)
        ps_v_report_value(c, "SUB-5:wire", 0, "data.channel_data", cd, "a JSON object with user_id");
    else if (!type_ok(ps_json_item(d, "user_id"), TY_STRING | TY_NUMBER))
        ps_v_report_value(c, "SUB-5:wire", 0, "data.channel_data.user_id", ps_json_item(d, "user_id"),
                     "a string or a number");
    cJSON_Delete(d);
}

static void subscribe_extra(vctx *c, const cJSON *obj)
{
    const cJSON *ch = ps_json_item(obj, "channel");
    ps_channel_kind k;

    if (!cJSON_IsString(ch))
        return;
    k = kind_of(ch->valuestring);
    if (ps_channel_needs_auth(k) && !cJSON_IsString(ps_json_item(obj, "auth")))
        ps_v_report_value(c, "SUB-5:wire", 0, "data.auth", ps_json_item(obj, "auth"),
                     "a string (the channel needs authorization)");
    if (ps_channel_is_presence(k))
        channel_data_check(c, ps_json_item(obj, "channel_data"));
}

static void signin_extra(vctx *c, const cJSON *obj)
{
    const cJSON *ud = ps_json_item(obj, "user_data");
    cJSON *d;

    if (!cJSON_IsString(ud))
        return;
    d = decode_object(ud);
    if (d == NULL)
        ps_v_report_value(c, "SIGNIN-7:wire", 0, "data.user_data", ud, "a JSON object with id");
    else if (!cJSON_IsString(ps_json_item(d, "id")))
        ps_v_report_value(c, "SIGNIN-7:wire", 0, "data.user_data.id", ps_json_item(d, "id"), "a string");
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
    {"socket_id", TY_STRING, 1, "CONN-2:socket-id-format"},
    {"activity_timeout", TY_POSINT, 1, "CONN-3:timeout-positive-integer"},
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
    {"pusher:connection_established", PS_FROM_SERVER, 0, D_DOUBLE, "FRAME-2:established-data", f_conn, conn_extra},
    {"pusher_internal:subscription_succeeded", PS_FROM_SERVER, NEED_CHANNEL, D_DOUBLE, "FRAME-2:succeeded-data",
     NULL, sub_ok_extra},
    {"pusher_internal:member_added", PS_FROM_SERVER, NEED_CHANNEL, D_DOUBLE, "FRAME-2:member-data", f_member, NULL},
    {"pusher_internal:member_removed", PS_FROM_SERVER, NEED_CHANNEL, D_DOUBLE, "FRAME-2:member-data", f_member, NULL},
    {"pusher_internal:watchlist_events", PS_FROM_SERVER, 0, D_DOUBLE, "FRAME-2:internal-data", f_watch, NULL},
    {"pusher:error", PS_FROM_SERVER, 0, D_DOUBLE_SHOULD, "FRAME-2:reply-schema", f_error, NULL},
    {"pusher:pong", PS_FROM_SERVER, 0, D_DOUBLE_SHOULD, "FRAME-2:reply-schema", NULL, NULL},
    {"pusher:subscription_error", PS_FROM_SERVER, NEED_CHANNEL, D_DOUBLE_SHOULD, "FRAME-2:reply-schema", NULL, NULL},
    {"pusher:signin_success", PS_FROM_SERVER, 0, D_DOUBLE_SHOULD, "FRAME-2:reply-schema", f_signin_ok, NULL},
    {"pusher:cache_miss", PS_FROM_SERVER, NEED_CHANNEL, D_ANY, NULL, NULL, NULL},
    {"pusher:subscribe", PS_FROM_CLIENT, 0, D_OBJECT, "SUB-5:wire", f_channel, subscribe_extra},
    {"pusher:unsubscribe", PS_FROM_CLIENT, 0, D_OBJECT, "SUB-6:frame", f_channel, NULL},
    {"pusher:signin", PS_FROM_CLIENT, 0, D_OBJECT, "SIGNIN-7:wire", f_signin, signin_extra},
    {"pusher:ping", PS_FROM_CLIENT, 0, D_OBJECT_OR_ABSENT, "PING-7:wire", NULL, NULL},
    {"pusher:pong", PS_FROM_CLIENT, 0, D_OBJECT_OR_ABSENT, "PING-6:wire", NULL, NULL},
};

static const event_spec internal_generic = {
    NULL, PS_FROM_SERVER, 0, D_DOUBLE, "FRAME-2:internal-data", NULL, NULL
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
        ps_v_report_value(c, rule, 0, "data", c->m->data, "a string holding JSON");
        return NULL;
    }
    if (!cJSON_IsObject(d)) {
        ps_v_report_value(c, rule, 0, "decoded data", d, "an object");
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
    ps_v_report_value(c, sp->rule, 0, "data", m->data, "a JSON string");
    return m->data_kind == PS_DATA_OBJECT ? m->data : NULL;
}

/* FRAME-6's clause for the event being checked: "FRAME-6:pong-data-string", ... */
static const char *frame6_clause(const char *ev)
{
    if (strcmp(ev, "pusher:pong") == 0)
        return "FRAME-6:pong-data-string";
    if (strcmp(ev, "pusher:subscription_error") == 0)
        return "FRAME-6:subscription-error-data-string";
    if (strcmp(ev, "pusher:signin_success") == 0)
        return "FRAME-6:signin-success-data-string";
    return "FRAME-6:error-data-string";
}

static const cJSON *data_double_should(vctx *c, const event_spec *sp)
{
    const ps_msg *m = c->m;

    if (m->data_kind == PS_DATA_STRING) {
        if (sp->fields)
            return decoded_object(c, sp->rule);
        if (m->data_decoded == NULL)
            ps_v_report_value(c, frame6_clause(c->ev), 1, "data", m->data, "a string holding JSON");
        return NULL;
    }
    ps_v_report_value(c, frame6_clause(c->ev), 1, "data", m->data, "a JSON string");
    if (m->data_kind == PS_DATA_OBJECT)
        return m->data;
    if (sp->fields)
        ps_v_report_value(c, sp->rule, 0, "data", m->data, "an object");
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
        ps_v_report_value(c, sp->rule, 0, "data", m->data, "an object");
        return NULL;
    case D_OBJECT_OR_ABSENT:
        if (m->data_kind != PS_DATA_OBJECT && m->data_kind != PS_DATA_ABSENT)
            ps_v_report_value(c, sp->rule, 1, "data", m->data, "an object or no data");
        return NULL;
    case D_ANY:
        break;
    }
    return NULL;
}

/* FRAME-3's clause for the event being checked: "FRAME-3:succeeded-channel", ... */
static const char *frame3_clause(const char *ev)
{
    if (strcmp(ev, "pusher_internal:subscription_succeeded") == 0)
        return "FRAME-3:succeeded-channel";
    if (strcmp(ev, "pusher:subscription_error") == 0)
        return "FRAME-3:error-channel";
    if (has_prefix(ev, "pusher_internal:member_"))
        return "FRAME-3:member-channel";
    if (strcmp(ev, "pusher:cache_miss") == 0)
        return "FRAME-3:cache-miss-channel";
    return "FRAME-3:event-channel";
}

static void run_spec(vctx *c, const event_spec *sp)
{
    const cJSON *obj;

    if ((sp->flags & NEED_CHANNEL) && c->m->channel == NULL)
        ps_v_report_value(c, frame3_clause(c->ev), 0, "channel", ps_json_item(c->m->root, "channel"), "a string");
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
        ps_v_report(c, "CEV-8:frame-format", 0, "event name is %zu characters, over the %d limit",
               len, PS_EVENT_MAX_LEN);
    if (ch == NULL) {
        ps_v_report_value(c, "CEV-8:frame-format", 0, "channel", ps_json_item(c->m->root, "channel"),
                     "a private or presence channel");
        return;
    }
    k = kind_of(ch);
    if (!ps_channel_needs_auth(k)) {
        ps_v_shorten(ch, s, sizeof s);
        ps_v_report(c, "CEV-8:not-public", 0, "channel \"%s\" is %s, expected a private or presence channel",
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
        ps_v_report(c, "CEV-8:prefix-only", 0, "is not a client- event; a client may only send client- events");
}

/* FRAME-1: a JSON object with a string event of at most 200 characters. */
static int check_envelope(vctx *c)
{
    const ps_msg *m = c->m;
    size_t len;

    if (m == NULL || m->root == NULL) {
        ps_v_report(c, "FRAME-1:json-object", 0, "message is not valid JSON, expected a JSON object");
        return 0;
    }
    if (!cJSON_IsObject(m->root)) {
        ps_v_report_value(c, "FRAME-1:json-object", 0, "message", m->root, "a JSON object");
        return 0;
    }
    if (m->event == NULL) {
        ps_v_report_value(c, "FRAME-1:event-string", 0, "event", ps_json_item(m->root, "event"), "a string");
        return 0;
    }
    c->ev = m->event;
    len = ps_utf8_chars(m->event);
    if (len > PS_EVENT_MAX_LEN)
        ps_v_report(c, "FRAME-1:event-string", 0, "event name is %zu characters, over the %d limit",
               len, PS_EVENT_MAX_LEN);
    return 1;
}

int ps_msg_validate(const ps_msg *m, ps_direction dir, ps_violation *out, int max)
{
    vctx c;

    c.ev = NULL;
    c.evshort[0] = '\0';
    c.n = 0;
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

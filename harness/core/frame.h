/* Pusher message codec: parse, build, classify and validate protocol v7 messages.
 * Shared by the client role and the fake-server role. Every entry point takes an
 * explicit length, never reads past it and never aborts on hostile input. */
#ifndef PUSHSPEC_FRAME_H
#define PUSHSPEC_FRAME_H

#include <stddef.h>
#include <cjson/cJSON.h>

#define PS_FRAME_MAX_BYTES   (1u << 20) /* default cap on one frame */
#define PS_FRAME_MAX_DEPTH   64         /* JSON nesting cap */
#define PS_CHANNEL_MAX_LEN   164
#define PS_EVENT_MAX_LEN     200

typedef enum {
    PS_CH_INVALID = 0,         /* empty, too long or bad characters */
    PS_CH_PUBLIC,
    PS_CH_PRIVATE,             /* private- */
    PS_CH_PRESENCE,            /* presence- */
    PS_CH_PRIVATE_ENCRYPTED,   /* private-encrypted- */
    PS_CH_PRIVATE_CACHE,       /* private-cache- */
    PS_CH_PRESENCE_CACHE,      /* presence-cache- */
    PS_CH_CACHE,               /* cache- */
    PS_CH_SERVER_TO_USER       /* #server-to-user-ID */
} ps_channel_kind;

/* Classify a channel name by prefix; PS_CH_INVALID when the name breaks the
 * character set or the 164-character limit. */
ps_channel_kind ps_channel_classify(const char *name, size_t len);
const char *ps_channel_kind_name(ps_channel_kind k);  /* "public", "private", ... */
int ps_channel_needs_auth(ps_channel_kind k);         /* private/presence/encrypted/cache-private */
int ps_channel_is_presence(ps_channel_kind k);

typedef enum {
    PS_DATA_ABSENT = 0,
    PS_DATA_STRING,   /* "data": "..." */
    PS_DATA_OBJECT,   /* "data": {...} */
    PS_DATA_OTHER     /* number, array, bool, null */
} ps_data_kind;

typedef struct {
    cJSON *root;              /* owned: the parsed envelope (NULL if not JSON) */
    const char *event;        /* into root; NULL when missing or not a string */
    const char *channel;      /* into root; NULL when absent or not a string */
    int has_channel;          /* "channel" key present (any type) */
    ps_data_kind data_kind;
    const cJSON *data;        /* into root: the "data" member as sent, or NULL */
    cJSON *data_decoded;      /* owned: parse of a string data holding JSON, else NULL */
} ps_msg;

typedef enum {
    PS_PARSE_OK = 0,
    PS_PARSE_TOO_LARGE,       /* len over the cap */
    PS_PARSE_BAD_UTF8,
    PS_PARSE_BAD_JSON,        /* includes nesting over PS_FRAME_MAX_DEPTH */
    PS_PARSE_NOT_OBJECT,
    PS_PARSE_NO_EVENT         /* object without a string "event"; msg still filled */
} ps_parse_status;

/* Parse one text frame of len bytes (need not be NUL-terminated). cap = 0 means
 * PS_FRAME_MAX_BYTES. On every status out is initialised and must be freed with
 * ps_msg_free. */
ps_parse_status ps_msg_parse(const char *buf, size_t len, size_t cap, ps_msg *out);
const char *ps_parse_status_text(ps_parse_status s);
void ps_msg_free(ps_msg *m);

/* Build a message. data_json is JSON text (or NULL for no data). With
 * as_string the data member becomes a JSON string holding data_json (server
 * double encoding); otherwise data_json is embedded as a JSON value and must be
 * valid JSON. Returns malloc'd NUL-terminated text or NULL on bad input. */
char *ps_msg_build(const char *event, const char *channel, const char *data_json, int as_string);

/* Who sent the message being validated. */
typedef enum { PS_FROM_SERVER, PS_FROM_CLIENT } ps_direction;

typedef struct {
    const char *rule;   /* rule id, e.g. "FRAME-2" (static, or rule_id below) */
    const char *label;  /* the clause's check label (scenarios/CLAUSES.md), or NULL */
    char rule_id[16];   /* the id when the report named "RULE-ID:label" */
    int should;         /* 1 when the broken rule is a SHOULD */
    char text[240];     /* what is wrong, naming the field */
} ps_violation;

/* Validate a parsed message against the v7 schema of its event for the given
 * direction. Writes up to max violations, returns how many were found (which
 * may exceed max). A message that parsed with PS_PARSE_NO_EVENT yields FRAME-1. */
int ps_msg_validate(const ps_msg *m, ps_direction dir, ps_violation *out, int max);

/* socket_id shape ^\d+\.\d+$ */
int ps_socket_id_valid(const char *s, size_t len);

/* A member of a JSON object, or NULL (obj not an object, or no such key). */
static inline const cJSON *ps_json_item(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* JSON text to cJSON within the nesting and size bounds of ps_msg_parse (cap:
 * the size bound, 0 for none). */
ps_parse_status ps_json_parse_bounded(const char *buf, size_t len, size_t cap, cJSON **out);

#endif

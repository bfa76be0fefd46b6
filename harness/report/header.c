#include "report/header.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)
#define MEMBER(m) offsetof(ps_target_info, m)

/* The fields, in the order every writer shows them. off: the ps_target_info string member that
 * holds the value (NONE: computed in value_of). optional: left out of the JSON when empty. */
static const struct {
    const char *key, *label;
    int in_target, brief, optional;
    size_t off;
} fields[] = {
    { "version", "pushspec", 0, 1, 0, NONE },
    { "protocol", "protocol", 0, 0, 0, NONE },
    { "name", "target", 1, 1, 0, MEMBER(name) },
    { "role", "role", 1, 0, 0, NONE },
    { "adapter", "adapter", 1, 1, 1, MEMBER(adapter) },
    { "url", "url", 1, 1, 0, MEMBER(url) },
    { "http_url", "HTTP API", 1, 0, 0, MEMBER(http_url) },
    { "app_id", "app id", 1, 0, 0, MEMBER(app_id) },
    { "key", "key", 1, 0, 0, MEMBER(key) },
    { "seed", "seed", 1, 1, 1, MEMBER(seed) },
    { "cluster", "nodes", 1, 1, 1, MEMBER(nodes) },
    { "shards", "explore shards", 1, 1, 1, NONE },   /* pushspec report: shards merged (shard_merge.c) */
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
_Static_assert(NFIELDS <= PS_HEADER_MAX, "PS_HEADER_MAX is too small for the header's fields");

static const char *value_of(const ps_target_info *t, size_t i)
{
    if (fields[i].off != NONE) {
        const char *v = *(const char *const *)((const char *)t + fields[i].off);
        return v ? v : "";
    }
    if (!strcmp(fields[i].key, "version"))
        return PUSHSPEC_VERSION;
    if (!strcmp(fields[i].key, "protocol"))
        return "7";
    if (!strcmp(fields[i].key, "shards"))
        return "";   /* a run is one shard; only a merged result names several */
    return (t->role ? t->role : ps_role_get(PS_ROLE_SERVER))->name;   /* role */
}

static void fill(ps_header *h, size_t i, const char *value)
{
    ps_header_field *f = &h->f[h->n++];
    f->key = fields[i].key;
    f->label = fields[i].label;
    f->in_target = fields[i].in_target;
    f->brief = fields[i].brief;
    f->value = value ? value : "";
}

void ps_header_of_target(ps_header *h, const ps_target_info *t)
{
    h->n = 0;
    for (size_t i = 0; i < NFIELDS; i++)
        fill(h, i, value_of(t, i));
}

void ps_header_of_result(ps_header *h, const cJSON *result)
{
    const cJSON *tg = cJSON_GetObjectItemCaseSensitive(result, "target");
    h->n = 0;
    for (size_t i = 0; i < NFIELDS; i++)
        fill(h, i, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fields[i].in_target ? tg : result,
                                                                          fields[i].key)));
}

const char *ps_header_get(const ps_header *h, const char *key)
{
    for (size_t i = 0; i < h->n; i++)
        if (!strcmp(h->f[i].key, key))
            return h->f[i].value;
    return "";
}

const char *ps_header_target_name(const cJSON *result)
{
    const char *n = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(result, "target"), "name"));
    return n && *n ? n : "(unnamed target)";
}

void ps_header_to_json(const ps_header *h, cJSON *root, cJSON *target,
                       char *(*redact)(const char *value, const char *secret), const char *secret)
{
    for (size_t i = 0; i < h->n; i++) {
        if (!*h->f[i].value && fields[i].optional)
            continue;
        char *r = redact ? redact(h->f[i].value, secret) : NULL;
        cJSON_AddStringToObject(h->f[i].in_target ? target : root, h->f[i].key, r ? r : h->f[i].value);
        free(r);
    }
}

char *ps_header_line(const ps_header *h, char *out, size_t outlen)
{
    size_t len = (size_t)snprintf(out, outlen, "pushspec %s: %s", ps_header_get(h, "version"),
                                  *ps_header_get(h, "name") ? ps_header_get(h, "name") : "the target");
    const char *sep = " (";
    for (size_t i = 0; i < h->n && len < outlen; i++) {
        if (!h->f[i].brief || !*h->f[i].value || !strcmp(h->f[i].key, "version") || !strcmp(h->f[i].key, "name"))
            continue;
        len += (size_t)snprintf(out + len, outlen - len, "%s%s %s", sep, h->f[i].label, h->f[i].value);
        sep = ", ";
    }
    if (*sep == ',' && len < outlen)
        snprintf(out + len, outlen - len, ")");
    return out;
}

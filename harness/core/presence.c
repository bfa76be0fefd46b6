/* PRES-1's presence data checks: ids, hash and count mutually consistent,
 * ids unique strings. Part of the schema validation (validate.c). */
#include "core/frame.h"
#include "core/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    ps_v_shorten(example, s, sizeof s);
    ps_v_report(c, "PRES-1:hash-matches-ids", 0, "%s (%zu), e.g. \"%s\"", what, count, s);
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
    ps_v_describe(bad, d, sizeof d);
    ps_v_report(c, "PRES-1:has-ids", 0, "data.presence.ids[%zu] is %s, expected a string (%zu non-string ids)",
           first, d, nbad);
}

void ps_v_check_presence(vctx *c, const cJSON *data)
{
    const cJSON *p = ps_json_item(data, "presence");
    const cJSON *ids = ps_json_item(p, "ids"), *hash = ps_json_item(p, "hash"), *count = ps_json_item(p, "count");

    if (!cJSON_IsObject(p)) {
        ps_v_report_value(c, "PRES-1:presence-object", 0, "data.presence", p, "an object with ids, hash and count");
        return;
    }
    if (!cJSON_IsArray(ids))
        ps_v_report_value(c, "PRES-1:has-ids", 0, "data.presence.ids", ids, "an array of strings");
    else
        presence_id_types(c, ids);
    if (!cJSON_IsObject(hash))
        ps_v_report_value(c, "PRES-1:has-hash", 0, "data.presence.hash", hash, "an object");
    if (!ps_v_is_int(count) || count->valuedouble < 0)
        ps_v_report_value(c, "PRES-1:has-count", 0, "data.presence.count", count, "a non-negative integer");
    else if (cJSON_IsArray(ids) && count->valuedouble != (double)cJSON_GetArraySize(ids))
        ps_v_report(c, "PRES-1:count-matches-ids", 0, "data.presence.count is %.15g but data.presence.ids has %d entries",
               count->valuedouble, cJSON_GetArraySize(ids));
    if (cJSON_IsArray(ids) && cJSON_IsObject(hash))
        presence_cross_check(c, ids, hash);
}

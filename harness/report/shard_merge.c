/* `pushspec report` over the shards of one explore run (`explore --shard I/N` on N machines):
 * result files of the same target, base seed, jobs, operations and weights, with N > 1, become
 * one result. A rule's verdict: a failure in any shard beats a pass (failed clauses joined);
 * sequences (scenarios) are concatenated; the header's "shards" says which were merged and
 * which are missing or given twice. Files of other runs or targets stay columns of their own. */
#include "report/shard_merge.h"

#include "report/header.h"
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_N 100000   /* explore's --shard limit */

typedef struct {
    int i, n;        /* shard I of N; n 0: not an explore shard */
    char key[1200];  /* what must agree for shards of one run */
} shard_id;

/* The explore summary record of a result (the first job's), or NULL. */
static const cJSON *summary_of(const cJSON *doc)
{
    const cJSON *s, *r;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(doc, "scenarios")) {
        if (strncmp(ps_rep_str(s, "id"), "explore-", 8) || strncmp(ps_rep_str(s, "id"), "explore-min", 11) == 0)
            continue;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(s, "records"))
            if (!strcmp(ps_rep_str(r, "name"), "summary"))
                return cJSON_GetObjectItemCaseSensitive(r, "value");
    }
    return NULL;
}

static shard_id identify(const cJSON *doc)
{
    shard_id id = { 0, 0, "" };
    const cJSON *sum = summary_of(doc);
    if (!sum || sscanf(ps_rep_str(sum, "shard"), "%d/%d", &id.i, &id.n) != 2 || id.n < 2 || id.n > MAX_N ||
        id.i < 1 || id.i > id.n) {
        id.n = 0;
        return id;
    }
    const cJSON *tg = cJSON_GetObjectItemCaseSensitive(doc, "target");
    snprintf(id.key, sizeof(id.key), "%s\n%s\n%s\n%.0f\n%.0f\n%.0f\n%.0f\n%s\n%d", ps_header_target_name(doc),
             ps_rep_str(tg, "url"), ps_rep_str(tg, "http_url"), ps_rep_num(sum, "seed"), ps_rep_num(sum, "jobs"),
             ps_rep_num(sum, "ops_per_sequence"), ps_rep_num(sum, "sequences_per_job"), ps_rep_str(sum, "weights"),
             id.n);
    return id;
}

/* How bad a rule's outcome is: the merged rule is the worst shard's. */
static int rank(const cJSON *rule)
{
    const char *c = ps_rep_class(rule);
    return !strcmp(c, "fail") || !strcmp(c, "xfail") ? 4 : !strcmp(c, "error") || !strcmp(c, "timeout") ? 3
         : !strcmp(c, "pass") || !strcmp(c, "xpass") ? 2 : !strcmp(c, "skip") ? 1 : 0;
}

static int has_string(const cJSON *arr, const char *s)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
        if (cJSON_IsString(x) && !strcmp(x->valuestring, s))
            return 1;
    return 0;
}

/* Every failed clause label (and its clause entry) of from, added to into. */
static void join_clauses(cJSON *into, const cJSON *from)
{
    const cJSON *x;
    cJSON *fc = cJSON_GetObjectItemCaseSensitive(into, "failed_checks");
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(from, "failed_checks")) {
        if (!cJSON_IsString(x))
            continue;
        if (!fc)
            fc = cJSON_AddArrayToObject(into, "failed_checks");
        if (has_string(fc, x->valuestring))
            continue;
        cJSON_AddItemToArray(fc, cJSON_CreateString(x->valuestring));
        const cJSON *c;
        cJSON *cls = cJSON_GetObjectItemCaseSensitive(into, "clauses");
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(from, "clauses"))
            if (!strcmp(ps_rep_str(c, "label"), x->valuestring)) {
                if (!cls)
                    cls = cJSON_AddArrayToObject(into, "clauses");
                cJSON_AddItemToArray(cls, cJSON_Duplicate(c, 1));
            }
    }
}

static void merge_rules(cJSON *into, const cJSON *from)
{
    cJSON *rules = cJSON_GetObjectItemCaseSensitive(into, "rules");
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(from, "rules")) {
        cJSON *mine = NULL, *x;
        int at = 0, found = -1;
        cJSON_ArrayForEach(x, rules) {
            if (!strcmp(ps_rep_str(x, "id"), ps_rep_str(r, "id")))
                mine = x, found = at;
            at++;
        }
        if (!mine) {
            cJSON_AddItemToArray(rules, cJSON_Duplicate(r, 1));
            continue;
        }
        double scenarios = ps_rep_num(mine, "scenarios") + ps_rep_num(r, "scenarios");
        if (rank(r) > rank(mine)) {   /* the worse verdict wins, with the clauses both failed */
            cJSON *worse = cJSON_Duplicate(r, 1);
            join_clauses(worse, mine);
            cJSON_ReplaceItemInArray(rules, found, worse);
            mine = worse;
        } else if (rank(r) == 4) {
            join_clauses(mine, r);
        }
        cJSON_DeleteItemFromObjectCaseSensitive(mine, "scenarios");
        cJSON_AddNumberToObject(mine, "scenarios", scenarios);
    }
}

/* Scenario ids get the shard (explore-1 runs in every shard). */
static void add_scenarios(cJSON *into, const cJSON *from, int shard)
{
    cJSON *scs = cJSON_GetObjectItemCaseSensitive(into, "scenarios");
    const cJSON *s;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(from, "scenarios")) {
        cJSON *c = cJSON_Duplicate(s, 1);
        char id[300];
        snprintf(id, sizeof(id), "%s.shard-%d", ps_rep_str(s, "id"), shard);
        cJSON_ReplaceItemInObjectCaseSensitive(c, "id", cJSON_CreateString(id));
        cJSON_AddItemToArray(scs, c);
    }
}

/* The summary's counts again from the merged rules; times and scenarios added up. */
static void recount(cJSON *doc, const cJSON *const *parts, size_t n)
{
    cJSON *sum = cJSON_GetObjectItemCaseSensitive(doc, "summary");
    if (!sum)
        sum = cJSON_AddObjectToObject(doc, "summary");
    ps_tally t = ps_rep_count(doc);
    double scenarios = 0, wall = 0, slowest = 0, total = 0, code = 0;
    for (size_t k = 0; k < n; k++) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(parts[k], "summary");
        scenarios += ps_rep_num(s, "scenarios");
        total += ps_rep_num(s, "sum_scenario_ms");
        wall = ps_rep_num(s, "wall_ms") > wall ? ps_rep_num(s, "wall_ms") : wall;   /* shards run side by side */
        slowest = ps_rep_num(s, "slowest_scenario_ms") > slowest ? ps_rep_num(s, "slowest_scenario_ms") : slowest;
        code = ps_rep_num(s, "exit_code") > code ? ps_rep_num(s, "exit_code") : code;
    }
    const struct { const char *k; double v; } f[] = {
        { "rules", t.rules }, { "pass", t.pass }, { "fail", t.fail }, { "error", t.error }, { "timeout", t.timeout },
        { "skip", t.skip }, { "expected_fail", t.xfail }, { "unexpected_pass", t.xpass }, { "scenarios", scenarios },
        { "wall_ms", wall }, { "slowest_scenario_ms", slowest }, { "sum_scenario_ms", total }, { "exit_code", code },
    };
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(sum, f[i].k);
        cJSON_AddNumberToObject(sum, f[i].k, f[i].v);
    }
}

/* "1, 2, 4 of 4; missing 3; twice 2" into out; the numbers into the doc's merged_shards. */
static void describe(cJSON *doc, const int *count, int n, char *out, size_t len)
{
    cJSON *ms = cJSON_AddObjectToObject(doc, "merged_shards");
    cJSON *merged = cJSON_AddArrayToObject(ms, "merged"), *missing = cJSON_AddArrayToObject(ms, "missing");
    cJSON *twice = cJSON_AddArrayToObject(ms, "duplicated");
    cJSON_AddNumberToObject(ms, "of", n);
    size_t used = 0;
    const char *sep[3] = { "", "", "" };
    char part[3][400] = { "", "", "" };
    size_t pu[3] = { 0, 0, 0 };
    for (int i = 1; i <= n; i++) {
        int w = count[i] == 0 ? 1 : count[i] > 1 ? 2 : -1;
        if (count[i] > 0) {
            cJSON_AddItemToArray(merged, cJSON_CreateNumber(i));
            if (pu[0] + 16 < sizeof(part[0]))
                pu[0] += (size_t)snprintf(part[0] + pu[0], sizeof(part[0]) - pu[0], "%s%d", sep[0], i), sep[0] = ", ";
        }
        if (w > 0) {
            cJSON_AddItemToArray(w == 1 ? missing : twice, cJSON_CreateNumber(i));
            if (pu[w] + 16 < sizeof(part[w]))
                pu[w] += (size_t)snprintf(part[w] + pu[w], sizeof(part[w]) - pu[w], "%s%d", sep[w], i), sep[w] = ", ";
        }
    }
    used = (size_t)snprintf(out, len, "%s of %d", part[0], n);
    if (*part[1] && used < len)
        used += (size_t)snprintf(out + used, len - used, "; MISSING %s", part[1]);
    if (*part[2] && used < len)
        snprintf(out + used, len - used, "; GIVEN TWICE %s (both counted)", part[2]);
}

int ps_report_merge_shards(ps_report_set *set, char *err, size_t errlen)
{
    shard_id *ids = calloc(set->n ? set->n : 1, sizeof(*ids));
    if (!ids) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < set->n; i++)
        ids[i] = identify(set->docs[i]);
    for (size_t i = 0; i < set->n; i++) {
        if (!ids[i].n)
            continue;
        int n = ids[i].n;
        int *count = calloc((size_t)n + 1, sizeof(int));
        const cJSON **parts = calloc(set->n, sizeof(*parts));
        if (!count || !parts) {
            free(count);
            free(parts);
            free(ids);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        cJSON *doc = cJSON_Duplicate(set->docs[i], 1);
        cJSON_ReplaceItemInObjectCaseSensitive(doc, "scenarios", cJSON_CreateArray());
        add_scenarios(doc, set->docs[i], ids[i].i);
        count[ids[i].i]++;
        parts[0] = set->docs[i];
        size_t np = 1, flen = strlen(set->files[i]) + 1;
        for (size_t j = i + 1; j < set->n; j++)
            if (ids[j].n && !strcmp(ids[j].key, ids[i].key)) {
                merge_rules(doc, set->docs[j]);
                add_scenarios(doc, set->docs[j], ids[j].i);
                count[ids[j].i]++;
                parts[np++] = set->docs[j];
                flen += strlen(set->files[j]) + 3;
            }
        recount(doc, parts, np);
        char text[1400];
        describe(doc, count, n, text, sizeof(text));
        cJSON *tg = cJSON_GetObjectItemCaseSensitive(doc, "target");
        if (!cJSON_IsObject(tg)) {
            cJSON_DeleteItemFromObjectCaseSensitive(doc, "target");
            tg = cJSON_AddObjectToObject(doc, "target");
        }
        cJSON_DeleteItemFromObjectCaseSensitive(tg, "shards");
        cJSON_AddStringToObject(tg, "shards", text);   /* a header field (header.c) */
        /* the merged result takes the first file's place; its name lists them all */
        char *files = malloc(flen);
        if (files) {
            strcpy(files, set->files[i]);
            for (size_t j = i + 1; j < set->n; j++)
                if (ids[j].n && !strcmp(ids[j].key, ids[i].key))
                    strcat(strcat(files, " + "), set->files[j]);
            free(set->files[i]);
            set->files[i] = files;
        }
        size_t keep = i + 1;
        for (size_t j = i + 1; j < set->n; j++) {
            if (ids[j].n && !strcmp(ids[j].key, ids[i].key)) {
                cJSON_Delete((cJSON *)set->docs[j]);
                free(set->files[j]);
                continue;
            }
            set->docs[keep] = set->docs[j], set->files[keep] = set->files[j], ids[keep] = ids[j];
            keep++;
        }
        set->n = keep;
        cJSON_Delete((cJSON *)set->docs[i]);
        set->docs[i] = doc;
        free(count);
        free(parts);
    }
    free(ids);
    return 0;
}

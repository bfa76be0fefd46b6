/* codec: ps_msg_parse + ps_msg_validate versus plain cJSON_Parse of the same
 * bytes, over the fuzz corpus of the frame parser (valid and malformed
 * messages) plus realistic server messages built here.
 *   codec_bench CORPUS_DIR
 *   codec_bench CORPUS_DIR ours|cjson2 N   only N passes of one contender over all the
 *       messages, untimed: for instruction counts under valgrind --tool=callgrind (ci/bench.sh
 *       subtracts a run with N = 0), which a busy machine does not move */
#include "bench.h"
#include "core/frame.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MSGS 256
#define NV 8

typedef struct {
    char *buf[MAX_MSGS];   /* NUL-terminated, for cJSON_Parse */
    size_t len[MAX_MSGS];
    int n;
    size_t bytes;
} msgset;

static volatile long sink;

static void add(msgset *s, char *text, size_t len)
{
    if (s->n == MAX_MSGS) { fprintf(stderr, "codec_bench: too many messages\n"); exit(2); }
    s->buf[s->n] = text;
    s->len[s->n++] = len;
    s->bytes += len;
}

static void load_corpus(msgset *s, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];

    if (!d) { perror(dir); exit(2); }
    while ((e = readdir(d)) != NULL) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = e->d_name[0] == '.' ? NULL : fopen(path, "rb");
        if (!f)
            continue;
        char *text = calloc(1, PS_FRAME_MAX_BYTES + 1);
        size_t len = fread(text, 1, PS_FRAME_MAX_BYTES, f);
        fclose(f);
        add(s, realloc(text, len + 1), len);
    }
    closedir(d);
}

/* A server message whose data is data_json sent as a JSON string. */
static void add_built(msgset *s, const char *event, const char *channel, cJSON *data)
{
    char *data_json = cJSON_PrintUnformatted(data);
    char *text = ps_msg_build(event, channel, data_json, 1);
    if (!text) { fprintf(stderr, "codec_bench: ps_msg_build failed for %s\n", event); exit(2); }
    add(s, text, strlen(text));
    free(data_json);
    cJSON_Delete(data);
}

/* A sentence of about len bytes, with a quote and a newline to escape. */
static char *filler(size_t len)
{
    static const char words[] = "The quick \"brown\" fox\njumps over the lazy dog. ";
    char *t = malloc(len + 1);
    for (size_t i = 0; i < len; i++)
        t[i] = words[i % (sizeof words - 1)];
    t[len] = '\0';
    return t;
}

static void build_server_messages(msgset *s)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "socket_id", "123456.7890123");
    cJSON_AddNumberToObject(d, "activity_timeout", 120);
    add_built(s, "pusher:connection_established", NULL, d);

    cJSON *ids = cJSON_CreateArray(), *hash = cJSON_CreateObject(), *p = cJSON_CreateObject();
    for (int i = 0; i < 100; i++) {
        char id[32], name[32];
        snprintf(id, sizeof id, "user-%d", i);
        snprintf(name, sizeof name, "Member number %d", i);
        cJSON_AddItemToArray(ids, cJSON_CreateString(id));
        cJSON *info = cJSON_AddObjectToObject(hash, id);
        cJSON_AddStringToObject(info, "name", name);
        cJSON_AddStringToObject(info, "avatar", "https://example.com/avatars/42.png");
    }
    cJSON_AddItemToObject(p, "ids", ids);
    cJSON_AddItemToObject(p, "hash", hash);
    cJSON_AddNumberToObject(p, "count", 100);
    d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "presence", p);
    add_built(s, "pusher_internal:subscription_succeeded", "presence-room-1", d);

    /* channel events with 1 KB of data: text, nested object, numbers */
    static const char *channels[] = { "chat-room", "private-chat-room", "presence-room-1", "cache-prices" };
    char *text = filler(1000);
    for (int i = 0; i < 8; i++) {
        d = cJSON_CreateObject();
        cJSON_AddNumberToObject(d, "seq", i);
        cJSON_AddStringToObject(d, "from", "user-7");
        if (i % 2 == 0) {
            cJSON_AddStringToObject(d, "text", text);
        } else {
            cJSON *rows = cJSON_AddArrayToObject(d, "prices");
            for (int j = 0; j < 40; j++) {
                cJSON *r = cJSON_CreateObject();
                cJSON_AddStringToObject(r, "sym", "ABC");
                cJSON_AddNumberToObject(r, "px", 100.25 + j);
                cJSON_AddItemToArray(rows, r);
            }
        }
        add_built(s, i % 2 ? "price-update" : "new-message", channels[i % 4], d);
    }
    free(text);
}

static void parse_validate(void *ctx)
{
    msgset *s = ctx;
    ps_violation v[NV];
    ps_msg m;
    for (int i = 0; i < s->n; i++) {
        sink += ps_msg_parse(s->buf[i], s->len[i], 0, &m);
        sink += ps_msg_validate(&m, PS_FROM_SERVER, v, NV);
        ps_msg_free(&m);
    }
}

static void cjson_parse(void *ctx)
{
    msgset *s = ctx;
    for (int i = 0; i < s->n; i++) {
        cJSON *j = cJSON_Parse(s->buf[i]);
        sink += j != NULL;
        cJSON_Delete(j);
    }
}

/* What a client that decodes the data string as well does with cJSON alone. */
static void cjson_parse_twice(void *ctx)
{
    msgset *s = ctx;
    for (int i = 0; i < s->n; i++) {
        cJSON *j = cJSON_Parse(s->buf[i]);
        cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
        cJSON *inner = cJSON_IsString(data) ? cJSON_Parse(data->valuestring) : NULL;
        sink += (j != NULL) + (inner != NULL);
        cJSON_Delete(inner);
        cJSON_Delete(j);
    }
}

/* How many parse (status 0) and how many validate clean. */
static void census(const msgset *s, int *parsed, int *clean)
{
    ps_violation v[NV];
    ps_msg m;
    *parsed = *clean = 0;
    for (int i = 0; i < s->n; i++) {
        if (ps_msg_parse(s->buf[i], s->len[i], 0, &m) == PS_PARSE_OK) {
            ++*parsed;
            *clean += ps_msg_validate(&m, PS_FROM_SERVER, v, NV) == 0;
        }
        ps_msg_free(&m);
    }
}

static double measure(const char *name, msgset *s)
{
    double tp, tc;
    int parsed, clean;

    census(s, &parsed, &clean);
    bench_pair(parse_validate, s, cjson_parse, s, &tp, &tc);
    printf("codec (info): %-9s %3d messages, %6zu bytes, %3d parse, %3d valid as server messages: "
           "parse+validate %.1f MB/s, cJSON_Parse %.1f MB/s, ratio %.2f\n",
           name, s->n, s->bytes, parsed, clean, s->bytes / tp / 1e6, s->bytes / tc / 1e6, tp / tc);
    return tp / tc;
}

int main(int argc, char **argv)
{
    static msgset corpus, server, all;
    double tp, tc;

    if (argc != 2 && argc != 4) { fprintf(stderr, "usage: codec_bench CORPUS_DIR [ours|cjson2 N]\n"); return 2; }
    load_corpus(&corpus, argv[1]);
    build_server_messages(&server);
    int parsed, clean;
    census(&server, &parsed, &clean);
    if (clean != server.n) { fprintf(stderr, "codec_bench: a generated message is not valid\n"); return 1; }
    for (int i = 0; i < corpus.n; i++) add(&all, corpus.buf[i], corpus.len[i]);
    for (int i = 0; i < server.n; i++) add(&all, server.buf[i], server.len[i]);

    if (argc == 4) {
        int ours = !strcmp(argv[2], "ours"), passes = atoi(argv[3]);
        if ((!ours && strcmp(argv[2], "cjson2")) || passes < 0) { fprintf(stderr, "codec_bench: ours or cjson2, N >= 0\n"); return 2; }
        for (int i = 0; i < passes; i++)
            (ours ? parse_validate : cjson_parse_twice)(&all);
        return 0;
    }
    measure("corpus", &corpus);
    measure("generated", &server);
    bench_pair(parse_validate, &all, cjson_parse, &all, &tp, &tc);
    printf("codec (info): parse+validate / cJSON_Parse = %.2f (time ratio; lower is better)\n", tp / tc);
    printf("codec (info): parse+validate %.1f MB/s, cJSON_Parse %.1f MB/s (%d messages, %zu bytes)\n",
           all.bytes / tp / 1e6, all.bytes / tc / 1e6, all.n, all.bytes);
    bench_pair(parse_validate, &all, cjson_parse_twice, &all, &tp, &tc);
    printf("codec: parse+validate / cJSON_Parse of the envelope and of a data string = %.2f "
           "(%.1f MB/s, %.1f MB/s)\n", tp / tc, all.bytes / tp / 1e6, all.bytes / tc / 1e6);
    return 0;
}

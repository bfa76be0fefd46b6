/* Differential explore: `pushspec explore --target A --target B --seed S ...` runs this binary's
 * explore once per target with the same seed and flags (one after the other: two targets may
 * share a server, a webhook address or a machine's ports), each writing its observations
 * (explore_diff.lua) into a temporary folder; then compares them operation by operation.
 * A difference is information, not a fail: the model still judges each target in its own
 * result file, and both result files get the same "differences" section. */
#include "explore_diff.h"

#include "explore_cmd.h"
#include "report/outpath.h"

#include <errno.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define MAX_SHOWN 40   /* differences printed; the result files hold all */

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "pushspec: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nRun 'pushspec help explore' for the options.\n");
    return EXIT_USAGE;
}

/* One child run of pushspec explore; its exit status (127: could not start). */
static int run_child(char **args, const char *env, const char *value)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return 127;
    if (pid == 0) {
        setenv(env, value, 1);
        execv("/proc/self/exe", args);
        perror("pushspec: cannot run itself for the second target");
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)   /* only a signal may interrupt the wait; anything else would spin */
            return 127;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

typedef struct {
    double seed;
    int i;   /* operation number; 0: the sequence's webhooks (sorted last) */
    cJSON *line;
} entry;

typedef struct {
    entry *e;
    size_t n, cap;
    cJSON *docs;   /* owns every line */
} obs_log;

static int by_seed_op(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    if (a->seed != b->seed)
        return a->seed < b->seed ? -1 : 1;
    int ia = a->i ? a->i : INT_MAX, ib = b->i ? b->i : INT_MAX;
    return (ia > ib) - (ia < ib);
}

static int add_line(obs_log *l, const char *text)
{
    cJSON *j = cJSON_Parse(text);
    if (!j)
        return -1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        entry *e = realloc(l->e, cap * sizeof(*e));
        if (!e) {
            cJSON_Delete(j);
            return -1;
        }
        l->e = e, l->cap = cap;
    }
    cJSON_AddItemToArray(l->docs, j);
    l->e[l->n++] = (entry){ cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "seed")),
                            (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "i")), j };
    return 0;
}

/* Every job-N.jsonl of dir. */
static int load_log(obs_log *l, const char *dir, char *err, size_t errlen)
{
    l->docs = cJSON_CreateArray();
    DIR *d = opendir(dir);
    if (!d || !l->docs) {
        snprintf(err, errlen, "the run wrote no observations into %s", dir);
        if (d)
            closedir(d);
        return -1;
    }
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (strncmp(de->d_name, "job-", 4))
            continue;
        char path[PATH_MAX + 300], line[1 << 16];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        char *big = NULL;
        size_t blen = 0;
        while (fgets(line, sizeof(line), f)) {   /* a line longer than the buffer comes in pieces */
            size_t n = strlen(line);
            char *nb = realloc(big, blen + n + 1);
            if (!nb) {
                rc = -1;
                break;
            }
            big = nb;
            memcpy(big + blen, line, n + 1);
            blen += n;
            if (n && line[n - 1] == '\n') {
                if (add_line(l, big) < 0)
                    rc = -1;
                blen = 0;
            }
        }
        free(big);
        fclose(f);
    }
    closedir(d);
    if (rc < 0)
        snprintf(err, errlen, "cannot read the observations in %s (out of memory, or a line is not JSON)", dir);
    qsort(l->e, l->n, sizeof(*l->e), by_seed_op);
    return rc;
}

static void free_log(obs_log *l)
{
    free(l->e);
    cJSON_Delete(l->docs);
}

static const char *str_of(const cJSON *o, const char *k)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
    return s ? s : "";
}

/* The strings of array x that y lacks (each of y's strings matches once). */
static cJSON *only_in(const cJSON *x, const cJSON *y)
{
    int ny = cJSON_GetArraySize(y);
    char *used = calloc((size_t)ny + 1, 1);
    cJSON *out = cJSON_CreateArray();
    const cJSON *a;
    cJSON_ArrayForEach(a, x) {
        int found = 0;
        for (int k = 0; k < ny && !found; k++)
            if (!used[k] && cJSON_Compare(a, cJSON_GetArrayItem(y, k), 1))
                used[k] = 1, found = 1;
        if (!found)
            cJSON_AddItemToArray(out, cJSON_Duplicate(a, 1));
    }
    free(used);
    return out;
}

static cJSON *note(cJSON *notes, double seed, int at, const char *text)
{
    cJSON *n = cJSON_CreateObject();
    cJSON_AddNumberToObject(n, "seed", seed);
    if (at)
        cJSON_AddNumberToObject(n, "at", at);
    cJSON_AddStringToObject(n, "note", text);
    cJSON_AddItemToArray(notes, n);
    return n;
}

/* A differing operation: what only one side showed, and what the model said of each. */
static void add_difference(cJSON *items, const entry *a, const entry *b)
{
    cJSON *oa = cJSON_GetObjectItemCaseSensitive(a->line, "obs"), *ob = cJSON_GetObjectItemCaseSensitive(b->line, "obs");
    cJSON *d = cJSON_CreateObject();
    cJSON_AddNumberToObject(d, "seed", a->seed);
    cJSON_AddNumberToObject(d, "at", a->i);
    cJSON_AddStringToObject(d, "operation", str_of(a->line, "op"));
    cJSON *xa = only_in(oa, ob), *xb = only_in(ob, oa);
    if (!cJSON_GetArraySize(xa) && !cJSON_GetArraySize(xb)) {   /* the same, in another order */
        cJSON_Delete(xa);
        cJSON_Delete(xb);
        xa = cJSON_Duplicate(oa, 1);
        xb = cJSON_Duplicate(ob, 1);
        cJSON_AddStringToObject(d, "order", "the same observations, in another order");
    }
    cJSON_AddItemToObject(d, "a", xa);
    cJSON_AddItemToObject(d, "b", xb);
    cJSON *da = cJSON_GetObjectItemCaseSensitive(a->line, "divergences");
    cJSON *db = cJSON_GetObjectItemCaseSensitive(b->line, "divergences");
    int judged = cJSON_GetArraySize(da) || cJSON_GetArraySize(db);
    cJSON_AddItemToObject(d, "a_divergences", cJSON_Duplicate(da, 1));
    cJSON_AddItemToObject(d, "b_divergences", cJSON_Duplicate(db, 1));
    cJSON_AddStringToObject(d, "model",
                            judged ? "judged: each target's result fails the clauses of its divergences"
                            : cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a->line, "open"))
                                ? "no opinion (RULES.md leaves it open): information"
                                : "no divergence on either side: information");
    cJSON_AddItemToArray(items, d);
}

/* Walks both logs, sorted by seed and operation. Returns the "differences" object. */
static cJSON *compare(const obs_log *A, const obs_log *B, size_t *compared)
{
    cJSON *root = cJSON_CreateObject(), *items = cJSON_CreateArray(), *notes = cJSON_CreateArray();
    size_t ia = 0, ib = 0;
    *compared = 0;
    while (ia < A->n || ib < B->n) {
        double seed = ia < A->n && (ib >= B->n || A->e[ia].seed <= B->e[ib].seed) ? A->e[ia].seed : B->e[ib].seed;
        size_t ea = ia, eb = ib;
        while (ea < A->n && A->e[ea].seed == seed)
            ea++;
        while (eb < B->n && B->e[eb].seed == seed)
            eb++;
        if (ea == ia || eb == ib) {
            note(notes, seed, 0, ea == ia ? "only target b ran this sequence (the budget ended a's first)"
                                          : "only target a ran this sequence (the budget ended b's first)");
        } else {
            size_t k = 0;
            for (; ia + k < ea && ib + k < eb; k++) {
                const entry *x = &A->e[ia + k], *y = &B->e[ib + k];
                if (x->i != y->i || strcmp(str_of(x->line, "op"), str_of(y->line, "op"))) {
                    note(notes, seed, x->i,
                         "the operations part from here (the generator follows what each server showed): "
                         "not compared further");
                    break;
                }
                (*compared)++;
                if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(x->line, "obs"),
                                   cJSON_GetObjectItemCaseSensitive(y->line, "obs"), 1))
                    add_difference(items, x, y);
            }
            if (ia + k == ea && ib + k < eb && B->e[ib + k].i)
                note(notes, seed, B->e[ib + k].i, "target a's sequence ended here, b's went on");
            else if (ib + k == eb && ia + k < ea && A->e[ia + k].i)
                note(notes, seed, A->e[ia + k].i, "target b's sequence ended here, a's went on");
        }
        ia = ea, ib = eb;
    }
    cJSON_AddNumberToObject(root, "compared_operations", (double)*compared);
    cJSON_AddItemToObject(root, "items", items);
    cJSON_AddItemToObject(root, "notes", notes);
    return root;
}

static void print_list(const char *side, const cJSON *list)
{
    if (!cJSON_GetArraySize(list)) {
        printf("      %s: (nothing)\n", side);
        return;
    }
    const cJSON *s;
    cJSON_ArrayForEach(s, list) {
        const char *v = cJSON_GetStringValue(s);
        printf("      %s: %.300s%s\n", side, v ? v : "?", v && strlen(v) > 300 ? "..." : "");
    }
}

static void print_differences(const cJSON *diff, const char *ta, const char *tb)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(diff, "items");
    const cJSON *notes = cJSON_GetObjectItemCaseSensitive(diff, "notes");
    int n = cJSON_GetArraySize(items), shown = 0;
    printf("\ndifferences (a: %s, b: %s): %d in %.0f operations compared%s\n", ta, tb, n,
           cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(diff, "compared_operations")),
           n ? "" : ": both servers showed the same");
    const cJSON *d;
    cJSON_ArrayForEach(d, items) {
        if (shown++ == MAX_SHOWN) {
            printf("  ... and %d more (the result files hold them all)\n", n - MAX_SHOWN);
            break;
        }
        printf("  seed %.0f operation %.0f: %.300s\n", cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(d, "seed")),
               cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(d, "at")), str_of(d, "operation"));
        if (*str_of(d, "order"))
            printf("      (%s)\n", str_of(d, "order"));
        print_list("a", cJSON_GetObjectItemCaseSensitive(d, "a"));
        print_list("b", cJSON_GetObjectItemCaseSensitive(d, "b"));
        printf("      model: %s", str_of(d, "model"));
        for (int k = 0; k < 2; k++) {
            const cJSON *c, *list = cJSON_GetObjectItemCaseSensitive(d, k ? "b_divergences" : "a_divergences");
            int first = 1;
            cJSON_ArrayForEach(c, list) {
                printf("%s%s", first ? (k ? "; b failed " : "; a failed ") : ", ", cJSON_GetStringValue(c));
                first = 0;
            }
        }
        printf("\n");
    }
    cJSON_ArrayForEach(d, notes) {
        double at = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(d, "at"));
        printf("  seed %.0f", cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(d, "seed")));
        if (at == at)   /* not NaN: the note names an operation */
            printf(" operation %.0f", at);
        printf(": %s\n", str_of(d, "note"));
    }
    fflush(stdout);
}

/* Adds the differences to a result file a run wrote. */
static int add_to_result(const char *path, const cJSON *diff, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s to add the differences", path);
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    char *text = len > 0 ? malloc((size_t)len + 1) : NULL;
    size_t got = text ? fread(text, 1, (size_t)len, f) : 0;
    fclose(f);
    if (text)
        text[got] = 0;
    cJSON *doc = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!doc) {
        snprintf(err, errlen, "%s is not a result file (JSON)", path);
        return -1;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "differences");
    cJSON_AddItemToObject(doc, "differences", cJSON_Duplicate(diff, 1));
    char *out = cJSON_Print(doc);
    cJSON_Delete(doc);
    FILE *o = out ? ps_out_open(path, err, errlen) : NULL;
    int ok = o && fputs(out, o) >= 0 && fputc('\n', o) != EOF;
    free(out);
    if (!o)
        return -1;
    return ps_out_close(o, err, errlen) < 0 || !ok ? -1 : 0;
}

/* FILE.json -> FILE.a.json (tag "a"), and DIR -> DIR.a. */
static void tagged(char *out, size_t len, const char *path, const char *tag, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    if (*ext && n > e && !strcmp(path + n - e, ext))
        snprintf(out, len, "%.*s.%s%s", (int)(n - e), path, tag, ext);
    else
        snprintf(out, len, "%s.%s", path, tag);
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[PATH_MAX + 300];
    while (d && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

int ps_explore_diff_main(int argc, char **argv)
{
    const char *target[3] = { 0 }, *json = NULL, *save = NULL, *seed = NULL;
    int nt = 0;
    for (int i = 0; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--target") && nt < 3)
            target[nt++] = argv[++i];
    if (nt < 2)
        return -1;
    if (nt > 2)
        return usage("%s", "explore compares two servers at most: give --target twice");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--url") || !strcmp(a, "--http-url") || !strcmp(a, "--app-id") || !strcmp(a, "--key") ||
            !strcmp(a, "--secret") || !strcmp(a, "--sdk"))
            return usage("%s belongs to one target; with two --target each server is a target file", a);
        if (!strcmp(a, "--html") || !strcmp(a, "--junit") || !strcmp(a, "--markdown") || !strcmp(a, "--write-expect"))
            return usage("%s: with two --target each run writes its own result (--json FILE gives FILE.a.json and "
                         "FILE.b.json); make reports from them with pushspec report", a);
        if (i + 1 < argc && (!strcmp(a, "--json") || !strcmp(a, "--save") || !strcmp(a, "--seed"))) {
            *(a[2] == 'j' ? &json : a[3] == 'a' ? &save : &seed) = argv[i + 1];
            i++;
        }
    }
    char ra[PATH_MAX], rb[PATH_MAX];
    if (realpath(target[0], ra) && realpath(target[1], rb) && !strcmp(ra, rb))
        return usage("--target %s is given twice: differential mode compares two targets (for a server against "
                     "itself, two target files)", target[0]);

    char seed_s[32];
    if (!seed) {   /* both runs need the same seed */
        snprintf(seed_s, sizeof(seed_s), "%lu", (unsigned long)time(NULL) % 4294967295UL);
        seed = seed_s;
    }
    char tmpl[] = "/tmp/pushspec-diff-XXXXXX";
    const char *tmp = mkdtemp(tmpl);
    if (!tmp) {
        fprintf(stderr, "pushspec: cannot make a temporary folder for the comparison in /tmp\n");
        return EXIT_USAGE;
    }
    /* the child's arguments: everything but the targets and outputs, then its own */
    char **args = calloc((size_t)argc + 12, sizeof(*args));
    char jpath[2][PATH_MAX], spath[2][PATH_MAX], obs[2][PATH_MAX];
    int rcs[2] = { 0, 0 }, rc = 0, n = 0;
    args[n++] = "pushspec";
    args[n++] = "explore";
    for (int i = 0; i < argc; i++) {
        if (i + 1 < argc && (!strcmp(argv[i], "--target") || !strcmp(argv[i], "--json") ||
                             !strcmp(argv[i], "--save") || !strcmp(argv[i], "--seed"))) {
            i++;
            continue;
        }
        args[n++] = argv[i];
    }
    int fixed = n;
    const char *tag[2] = { "a", "b" };
    /* both reachable before the first long run */
    for (int k = 0; k < 2 && rc == 0; k++) {
        n = fixed;
        args[n++] = "--target", args[n++] = (char *)target[k], args[n++] = "--seed", args[n++] = (char *)seed;
        args[n] = NULL;
        if (run_child(args, PS_EXPLORE_PREFLIGHT_ENV, "1") != 0) {
            fprintf(stderr, "pushspec: target %s (%s) cannot be explored (the reason is above): nothing was run\n",
                    tag[k], target[k]);
            rc = EXIT_USAGE;
        }
    }
    for (int k = 0; k < 2 && rc == 0; k++) {
        n = fixed;
        args[n++] = "--target", args[n++] = (char *)target[k], args[n++] = "--seed", args[n++] = (char *)seed;
        if (json) {
            tagged(jpath[k], sizeof(jpath[k]), json, tag[k], ".json");
            args[n++] = "--json", args[n++] = jpath[k];
        }
        if (save || !json) {
            tagged(spath[k], sizeof(spath[k]), save ? save : "pushspec-explore", tag[k], "");
            args[n++] = "--save", args[n++] = spath[k];
        }
        args[n] = NULL;
        snprintf(obs[k], sizeof(obs[k]), "%s/%s", tmp, tag[k]);
        printf("%sexplore, target %s: %s (seed %s)\n", k ? "\n" : "", tag[k], target[k], seed);
        rcs[k] = run_child(args, PS_EXPLORE_OBSERVE_ENV, obs[k]);
        if (rcs[k] >= EXIT_USAGE) {
            fprintf(stderr, "pushspec: the run against target %s (%s) ended with exit status %d: no comparison\n",
                    tag[k], target[k], rcs[k]);
            rc = rcs[k];
        }
    }
    if (rc == 0) {
        obs_log la = { 0 }, lb = { 0 };
        char err[PATH_MAX + 200];
        size_t compared;
        if (load_log(&la, obs[0], err, sizeof(err)) < 0 || load_log(&lb, obs[1], err, sizeof(err)) < 0) {
            fprintf(stderr, "pushspec: %s\n", err);
            rc = EXIT_USAGE;
        } else {
            cJSON *diff = compare(&la, &lb, &compared);
            cJSON *who = cJSON_CreateObject();
            cJSON_AddStringToObject(who, "a", target[0]);
            cJSON_AddStringToObject(who, "b", target[1]);
            if (json) {
                cJSON_AddStringToObject(who, "a_result", jpath[0]);
                cJSON_AddStringToObject(who, "b_result", jpath[1]);
            }
            cJSON_AddStringToObject(who, "seed", seed);
            cJSON_AddItemToObject(diff, "targets", who);
            print_differences(diff, target[0], target[1]);
            for (int k = 0; json && k < 2; k++)
                if (add_to_result(jpath[k], diff, err, sizeof(err)) < 0) {
                    fprintf(stderr, "pushspec: %s\n", err);
                    rc = EXIT_USAGE;
                }
            cJSON_Delete(diff);
            rc = rc ? rc : rcs[0] > rcs[1] ? rcs[0] : rcs[1];
        }
        free_log(&la);
        free_log(&lb);
    }
    free(args);
    remove_tree(tmp);
    return rc;
}

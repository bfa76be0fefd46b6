/* `pushspec report`: reports from result files, several merged into one
 * matrix; and the same for `run` right after it wrote its JSON. */
#include "report/outpath.h"
#include "report/report.h"
#include "report/shard_merge.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

int ps_report_from_files(const char **json_paths, size_t n, const char *html_dir, const char *junit,
                         const char *markdown, char *err, size_t errlen)
{
    ps_report_set set;
    if (ps_report_load(&set, json_paths, n, err, errlen) < 0)
        return -1;
    if (ps_report_merge_shards(&set, err, errlen) < 0) {   /* one explore run's shards: one column */
        ps_report_set_free(&set);
        return -1;
    }
    const char *const *files = (const char *const *)set.files;
    int rc = 0;
    if (html_dir && ps_report_html(set.docs, set.n, html_dir, files, err, errlen) < 0)
        rc = -1;
    else if (junit && (ps_out_prepare(junit, PS_OUT_FILE, err, errlen) < 0 ||
                       ps_report_junit(set.docs, set.n, junit, err, errlen) < 0))
        rc = -1;
    else if (markdown && ps_out_prepare(markdown, PS_OUT_FILE_OR_STDOUT, err, errlen) < 0)
        rc = -1;
    else if (markdown && ps_report_markdown(set.docs, set.n, markdown, files, err, errlen) < 0)
        rc = -1;
    ps_report_set_free(&set);
    return rc;
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "pushspec report: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n\n%s", ps_report_usage);
    va_end(ap);
    return EXIT_USAGE;
}

int ps_report_main(int argc, char **argv)
{
    const char *html = NULL, *junit = NULL, *markdown = NULL;
    const char **files = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*files));
    size_t n = 0;
    if (!files)
        return fprintf(stderr, "pushspec report: out of memory\n"), EXIT_USAGE;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char **out = !strcmp(a, "--html") ? &html : !strcmp(a, "--junit") ? &junit
                         : !strcmp(a, "--markdown") ? &markdown : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            free(files);
            fputs(ps_report_usage, stdout);
            return 0;
        }
        if (out) {
            if (i + 1 >= argc || !*argv[i + 1]) {
                free(files);
                return usage_error("%s needs a value", a);
            }
            *out = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            free(files);
            return usage_error("unknown option '%s'", a);
        } else {
            files[n++] = a;
        }
    }
    int rc = 0;
    char err[4096] = "";
    if (!n)
        rc = usage_error("%s", "no result file given (make one with 'pushspec run --json FILE')");
    else if (!html && !junit && !markdown)
        rc = usage_error("%s", "say which report to write: --html DIR, --junit FILE or --markdown FILE");
    else if (ps_report_from_files(files, n, html, junit, markdown, err, sizeof(err)) < 0) {
        fprintf(stderr, "pushspec report: %s\n", err);
        rc = EXIT_USAGE;
    } else {
        if (html)
            fprintf(stderr, "HTML report written to %s/index.html\n", html);
        if (junit && strcmp(junit, "-"))
            fprintf(stderr, "JUnit report written to %s\n", junit);
        if (markdown && strcmp(markdown, "-"))
            fprintf(stderr, "Markdown report written to %s\n", markdown);
    }
    free(files);
    return rc;
}

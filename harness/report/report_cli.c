/* `pushspec report`: reports from result files, several merged into one
 * matrix; and the same for `run` right after it wrote its JSON. main parses
 * the command line (cli.c). */
#include "report/outpath.h"
#include "report/report.h"
#include "report/shard_merge.h"

#include <stdio.h>
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

int ps_report_write(const char **files, size_t n, const char *html, const char *junit, const char *markdown)
{
    char err[4096] = "";
    if (ps_report_from_files(files, n, html, junit, markdown, err, sizeof(err)) < 0) {
        fprintf(stderr, "pushspec report: %s\n", err);
        return EXIT_USAGE;
    }
    if (html)
        fprintf(stderr, "HTML report written to %s/index.html\n", html);
    if (junit && strcmp(junit, "-"))
        fprintf(stderr, "JUnit report written to %s\n", junit);
    if (markdown && strcmp(markdown, "-"))
        fprintf(stderr, "Markdown report written to %s\n", markdown);
    return 0;
}

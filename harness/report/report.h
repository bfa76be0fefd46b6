/* Reports from result files (the JSON that `run --json` writes): JUnit XML for
 * CI test viewers, one self-contained HTML page with a rules x targets matrix,
 * and a short Markdown summary for pull-request comments. The writers read only
 * the JSON, so reports can be made later, on another machine, from many runs. */
#ifndef PUSHSPEC_REPORT_H
#define PUSHSPEC_REPORT_H

#include "report/tally.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

/* Result files loaded in command-line order; one column of the matrix each. */
typedef struct {
    const cJSON **docs;
    char **files;
    size_t n;
} ps_report_set;

/* Load every file; on error nothing stays loaded and err names the file. */
int ps_report_load(ps_report_set *set, const char *const *paths, size_t n, char *err, size_t errlen);
void ps_report_set_free(ps_report_set *set);

/* Writers: 0, or -1 with err. files[] (may be NULL) are the result files'
 * names, shown so a reader can find the JSON behind the report. */
int ps_report_junit(const cJSON *results[], size_t n, const char *path, char *err, size_t errlen);
int ps_report_html(const cJSON *results[], size_t n, const char *dir, const char *const files[],
                   char *err, size_t errlen);
int ps_report_markdown(const cJSON *results[], size_t n, const char *path, const char *const files[],
                       char *err, size_t errlen);

/* All at once, for `run` after it wrote its JSON; NULL outputs are not written. */
int ps_report_from_files(const char **json_paths, size_t n, const char *html_dir, const char *junit,
                         const char *markdown, char *err, size_t errlen);

/* `pushspec report RESULT.json... [--html DIR] [--junit FILE] [--markdown FILE]`, its
 * options parsed: the reports written and said. 0, or 2 on a file error (said). */
int ps_report_write(const char **files, size_t n, const char *html, const char *junit, const char *markdown);

/* Shared by the writers (report_load.c). */

/* The string member, or "" when absent or not a string. */
const char *ps_rep_str(const cJSON *o, const char *key);
double ps_rep_num(const cJSON *o, const char *key);
/* Cell class of a rule result: pass fail error timeout skip xfail xpass, or
 * "none" for a NULL rule (a rule missing from that file). */
const char *ps_rep_class(const cJSON *rule);
/* A rule that needs attention: a failure that was not expected, or an
 * unexpected pass (SHOULD failures too, even when they do not fail the run). */
int ps_rep_is_problem(const cJSON *rule);
/* Rule counts of one result, through the one tally (report/tally.h). */
ps_tally ps_rep_count(const cJSON *result);
/* The scenario with this id in a result, or NULL. */
const cJSON *ps_rep_scenario(const cJSON *result, const char *id);
/* The rule with this id in a result, or NULL. */
const cJSON *ps_rep_rule(const cJSON *result, const char *id);
/* s on one line (runs of whitespace become one space), cut to at most max
 * bytes on a character boundary with "..." when longer. Returns out. */
char *ps_rep_oneline(const char *s, size_t max, char *out, size_t outlen);
/* Escape for XML and HTML alike: & < > " ' become entities; invalid UTF-8
 * becomes U+FFFD; characters XML 1.0 forbids (most C0 controls, U+FFFE/F) are
 * dropped. attr: also encode tab and newlines so attributes keep them. */
void ps_rep_escape(FILE *f, const char *s, int attr);
/* A failing rule's check labels, from failed_checks and unlabelled_failures:
 * "a, b and 1 check without a label"; "" when it has none. Returns out. */
char *ps_rep_failed_checks(const cJSON *rule, char *out, size_t outlen);
/* "label: clause text" for each failing check of the rule (its "clauses"), joined by sep; "" when none. */
char *ps_rep_clauses(const cJSON *rule, const char *sep, char *out, size_t outlen);
/* "-" is stdout. Report the write error on close; 0 or -1 with err. */
FILE *ps_rep_open(const char *path, char *err, size_t errlen);
int ps_rep_close(FILE *f, const char *path, char *err, size_t errlen);

#endif

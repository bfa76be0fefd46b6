/* The HTML report's "Differences" section: what explore with two --target found
 * (the "differences" of a result file, harness/explore_diff.c). */
#ifndef PUSHSPEC_DIFF_HTML_H
#define PUSHSPEC_DIFF_HTML_H

#include <cjson/cJSON.h>
#include <stdio.h>

/* Nothing when no result has differences. */
void ps_report_html_differences(FILE *f, const cJSON *results[], size_t n);

#endif

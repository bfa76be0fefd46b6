#include "report/diff_html.h"

#include "report/report.h"

#include <string.h>

#define MAX_ITEMS 200   /* the result files hold them all */

static void put_list(FILE *f, const cJSON *list)
{
    const cJSON *s;
    if (!cJSON_GetArraySize(list)) {
        fputs("<i>(nothing)</i>", f);
        return;
    }
    cJSON_ArrayForEach(s, list) {
        ps_rep_escape(f, cJSON_IsString(s) ? s->valuestring : "?", 0);
        fputs("<br>", f);
    }
}

void ps_report_html_differences(FILE *f, const cJSON *results[], size_t n)
{
    const cJSON *shown[16];
    size_t nshown = 0;
    for (size_t i = 0; i < n; i++) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(results[i], "differences");
        const cJSON *who = cJSON_GetObjectItemCaseSensitive(d, "targets");
        if (!d)
            continue;
        int seen = 0;   /* both targets' files hold the same comparison: shown once */
        for (size_t k = 0; k < nshown; k++)
            seen |= cJSON_Compare(shown[k], d, 1);
        if (seen)
            continue;
        if (nshown < sizeof(shown) / sizeof(shown[0]))
            shown[nshown++] = d;
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(d, "items");
        fputs("<h2>Differences (explore with two targets)</h2><p>a: <b>", f);
        ps_rep_escape(f, ps_rep_str(who, "a"), 0);
        fputs("</b>, b: <b>", f);
        ps_rep_escape(f, ps_rep_str(who, "b"), 0);
        fprintf(f, "</b>, seed %s: %d difference%s in %.0f operations compared. A difference is information; "
                "the model judges each target in its own column.</p>", ps_rep_str(who, "seed"),
                cJSON_GetArraySize(items), cJSON_GetArraySize(items) == 1 ? "" : "s",
                ps_rep_num(d, "compared_operations"));
        if (!cJSON_GetArraySize(items))
            continue;
        fputs("<table class=\"summary\"><thead><tr><th>seed</th><th>operation</th><th>a</th><th>b</th>"
              "<th>model</th></tr></thead><tbody>", f);
        const cJSON *x;
        int k = 0;
        cJSON_ArrayForEach(x, items) {
            if (k++ == MAX_ITEMS)
                break;
            fprintf(f, "<tr><td>%.0f</td><td class=\"mono\">%.0f: ", ps_rep_num(x, "seed"), ps_rep_num(x, "at"));
            ps_rep_escape(f, ps_rep_str(x, "operation"), 0);
            fputs("</td><td class=\"mono\">", f);
            put_list(f, cJSON_GetObjectItemCaseSensitive(x, "a"));
            fputs("</td><td class=\"mono\">", f);
            put_list(f, cJSON_GetObjectItemCaseSensitive(x, "b"));
            fputs("</td><td>", f);
            ps_rep_escape(f, ps_rep_str(x, "model"), 0);
            fputs("</td></tr>", f);
        }
        fputs("</tbody></table>", f);
        if (k > MAX_ITEMS)
            fprintf(f, "<p>and %d more: see the result file.</p>", cJSON_GetArraySize(items) - MAX_ITEMS);
    }
}

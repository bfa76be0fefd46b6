/* Check labels in Lua source, found without running it: every string literal that
 * reads "RULE-ID:label" (what t:check and the verifiers take), comments skipped, and
 * whether it stands as an argument of a call (t:check(...), a verifier, a helper) or
 * elsewhere (a table entry, an assignment), where nothing shows it reaches a check. */
#ifndef PUSHSPEC_LABELSCAN_H
#define PUSHSPEC_LABELSCAN_H

#include <stddef.h>

/* One literal: its line (1-based), the rule id and the label (NUL-terminated), and
 * whether its innermost bracket is a call's parenthesis. */
typedef void (*ps_label_found)(void *ctx, int line, const char *rule, const char *label, int in_call);

void ps_label_scan(const char *text, size_t len, ps_label_found found, void *ctx);

#endif

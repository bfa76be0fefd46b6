/* The target header: what every writer says about the run's target (console banner,
 * JSON, HTML, Markdown, JUnit, the --write-expect baseline). One table of fields in
 * header.c; a new field is one line there (its key, label and source). */
#ifndef PUSHSPEC_HEADER_H
#define PUSHSPEC_HEADER_H

#include "lua/target.h"

#include <cjson/cJSON.h>
#include <stddef.h>

#define PS_HEADER_MAX 16

typedef struct {
    const char *key;     /* member of the result JSON ("target" object or top level); JUnit property */
    const char *label;   /* what a reader sees before the value */
    int in_target;       /* the JSON member sits in "target" (else at the top level) */
    int brief;           /* also in one-line headers (banner, baseline, report headline) */
    const char *value;   /* never NULL; "" when the run has none */
} ps_header_field;

typedef struct {
    ps_header_field f[PS_HEADER_MAX];
    size_t n;
} ps_header;

/* The header of the run being made. */
void ps_header_of_target(ps_header *h, const ps_target_info *t);
/* The header a result file recorded (the JSON that ps_header_to_json wrote). */
void ps_header_of_result(ps_header *h, const cJSON *result);
/* The value of KEY, "" when absent. */
const char *ps_header_get(const ps_header *h, const char *key);
/* A result's target name, or "(unnamed target)". */
const char *ps_header_target_name(const cJSON *result);
/* Add the fields to a result's root and its "target" object, each through redact(value)
 * (NULL: as is); empty optional ones are left out. */
void ps_header_to_json(const ps_header *h, cJSON *root, cJSON *target,
                       char *(*redact)(const char *value, const char *secret), const char *secret);
/* "pushspec VERSION: NAME (label value, ...)" of the brief fields. Returns out. */
char *ps_header_line(const ps_header *h, char *out, size_t outlen);

#endif

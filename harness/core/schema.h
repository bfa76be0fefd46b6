/* Internal to the schema validation (validate.c, presence.c): the validation
 * in progress and how violations are recorded (violation.c). Other files use core/frame.h. */
#ifndef PUSHSPEC_SCHEMA_H
#define PUSHSPEC_SCHEMA_H

#include "core/frame.h"

#include <cjson/cJSON.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define PS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PS_PRINTF(f, a)
#endif

/* One validation in progress: the message, its event, where violations go. */
typedef struct {
    const ps_msg *m;
    const char *ev;        /* event name, NULL before the FRAME-1 check passes */
    char evshort[64];      /* printable prefix for texts */
    ps_violation *out;
    int max;
    int n;
} vctx;

/* Record a violation of rule (should: a SHOULD clause). */
void PS_PRINTF(4, 5) ps_v_report(vctx *c, const char *rule, int should, const char *fmt, ...);
/* A violation about the value at path, described. */
void ps_v_report_value(vctx *c, const char *rule, int should, const char *path,
                       const cJSON *v, const char *want);
/* Printable, bounded copy of s. */
void ps_v_shorten(const char *s, char *buf, size_t n);
void ps_v_describe(const cJSON *v, char *buf, size_t n);
int ps_v_is_int(const cJSON *v);
/* PRES-1: presence data of a subscription_succeeded (presence.c). */
void ps_v_check_presence(vctx *c, const cJSON *data);

#endif

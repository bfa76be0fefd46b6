/* What a server that reads a message with JSON.parse sees of it, without
 * building it: whether the bytes are one JSON value (RFC 8259, any depth), how
 * deep it nests, and of a top-level object the types of event, channel and data
 * (of duplicate keys the last, as JSON.parse keeps), the event's text, and the
 * types of data's own members. The live fuzzer sorts killing inputs into
 * classes with it; linear time, one byte of memory per nesting level. */
#ifndef PUSHSPEC_OUTLINE_H
#define PUSHSPEC_OUTLINE_H

#include <stddef.h>

typedef enum {
    PS_JT_ABSENT = 0,
    PS_JT_OBJECT,
    PS_JT_ARRAY,
    PS_JT_STRING,
    PS_JT_NUMBER,
    PS_JT_BOOL,
    PS_JT_NULL
} ps_json_type;

#define PS_OUTLINE_TEXT 256   /* bytes kept of the event's text (with its NUL) */
#define PS_OUTLINE_KEY 32     /* ... of a member name of data */
#define PS_OUTLINE_FIELDS 16  /* members of data kept (the first names seen) */

typedef struct {
    int json;          /* 1: the bytes are one JSON value; else the fields below are unset */
    size_t depth;      /* deepest nesting of objects and arrays; 0 for a scalar */
    ps_json_type top;  /* the value's type */
    ps_json_type event, channel, data;   /* a top-level object's members (ABSENT: none) */
    char event_text[PS_OUTLINE_TEXT];    /* event when a string: unescaped, a lone surrogate as U+FFFD */
    size_t event_kept, event_len;        /* bytes in event_text (at most PS_OUTLINE_TEXT - 1), and its whole length */
    size_t nfields;
    struct {
        char key[PS_OUTLINE_KEY];        /* unescaped; a longer name is cut (and kept as cut) */
        size_t key_len;                  /* whole length */
        ps_json_type type;
    } fields[PS_OUTLINE_FIELDS];         /* data's members when data is an object */
} ps_outline;

/* Fills *out; returns out->json. -1 only when memory for the nesting ran out. */
int ps_outline_json(const char *s, size_t n, ps_outline *out);
const char *ps_json_type_name(ps_json_type t);   /* "object", "array", ... "absent" */

#endif

/* The three roles a run can play, each spelled once: its scenario folder, the
 * letter the rule catalog uses, the name in result files, and the kind an
 * SDK adapter's hello names. */
#ifndef PUSHSPEC_ROLE_H
#define PUSHSPEC_ROLE_H

typedef enum { PS_ROLE_SERVER, PS_ROLE_CLIENT_SDK, PS_ROLE_HTTP_SDK, PS_ROLE_COUNT } ps_role_kind;

typedef struct {
    ps_role_kind kind;
    const char *folder;   /* scenarios/FOLDER */
    char letter;          /* in RULES.md: [S], [C], [H] */
    const char *name;     /* "role" of a result file's target */
    const char *hello;    /* an adapter's hello kind; NULL for the server role */
} ps_role;

const ps_role *ps_role_get(ps_role_kind kind);
/* The role of an adapter that said hello with kind ("client", "http"), or NULL. */
const ps_role *ps_role_by_hello(const char *kind);

#endif

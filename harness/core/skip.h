/* Why a rule was skipped: written to the result as "skip_kind", so readers
 * (console, reports) never have to recognise a reason by its text. The one list of
 * kinds for C and Lua (the Lua side gets prim.SKIP_* from lua/lua_api.c). */
#ifndef PUSHSPEC_SKIP_H
#define PUSHSPEC_SKIP_H

typedef enum {
    PS_SKIP_NONE,
    PS_SKIP_BY_SCENARIO,      /* the scenario decided (t:skip) */
    PS_SKIP_NO_PROFILE,       /* the target offers no profile the scenario needs */
    PS_SKIP_OTHER_ROLE,       /* the rule belongs to a role this run does not play */
    PS_SKIP_NOT_SELECTED,     /* no selected scenario checks the rule */
    PS_SKIP_CAPABILITY,       /* the SDK under test lacks a feature the scenario needs */
    PS_SKIP_KINDS             /* how many */
} ps_skip_kind;

const char *ps_skip_kind_name(ps_skip_kind k);   /* "scenario", "profile-missing", ...; "" for NONE */
/* The constant's name for Lua ("SKIP_CAPABILITY"), NULL for NONE. */
const char *ps_skip_kind_lua_name(ps_skip_kind k);
ps_skip_kind ps_skip_kind_by_name(const char *name);   /* PS_SKIP_NONE if unknown */

#endif

/* One scenario: what its file declared, the resources it opened (one list,
 * each entry released by its own function when the scenario ends), the
 * verdict of every rule it declared, and the records it wrote. The runner
 * (runner.c) schedules scenarios; this file only holds one. */
#ifndef PUSHSPEC_SCENARIO_H
#define PUSHSPEC_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>

#include "net/transcript.h"
#include "core/skip.h"
#include "core/verdict.h"

/* A check label ("RULE-ID:label" in t:check): the clause a check judges. */
typedef struct {
    char *name;
    int passes, fails;
    char *expected, *actual;    /* of its first failure */
} ps_check_label;

typedef struct {
    char rule[16];
    ps_verdict v;
    int checks;          /* how many checks named it */
    ps_check_label *labels;  /* every label its checks carried, in first-seen order */
    size_t nlabels;
    int unlabelled_fails;    /* failing checks that carried no label */
    char *expected;      /* of the first failing check */
    char *actual;
    char *reason;        /* skip/error/timeout reason */
    ps_skip_kind skip_kind;
} ps_rule_outcome;

typedef enum { PS_S_PENDING, PS_S_RUNNING, PS_S_DONE } ps_sstate;

/* What a scenario holds: a connection, an HTTP request, a request the fake
 * server got, an adapter process, a route of the fake server. */
typedef enum { PS_RES_CONN, PS_RES_HTTP, PS_RES_SREQ, PS_RES_ADAPTER, PS_RES_ROUTE } ps_res_kind;

typedef struct {
    ps_res_kind kind;
    void *ptr;                   /* NULL once released */
    void (*release)(void *ptr);
} ps_resource;

typedef struct ps_scenario {
    /* declared */
    char *id, *title, *file;
    int line;
    char **rules;
    size_t nrules;
    char **tags;
    size_t ntags;
    char *profile;
    double timeout_s;
    int specref;                 /* registry ref of the scenario's table */

    /* run state (the runner's) */
    ps_sstate state;
    int selected;
    lua_State *co;
    int coref;
    int64_t start_ms, end_ms, wait_until, deadline;
    int wake;
    long long instr;             /* instructions counted in the current resume */
    int runaway;                 /* the count hook stopped it: 1 over the instruction limit, 2 deadline */
    unsigned slot;               /* its Lua memory account (runner.c); 0: the shared one */
    size_t popped, popped_bytes; /* frames moved into Lua in the current resume (bind_conn.c) */
    ps_resource *res;
    size_t nres, capres;
    int nconns;                  /* connections opened or accepted: numbers them in the transcript */
    ps_transcript tr;
    unsigned long limits_seq0;   /* ps_limits_seq() when it started */
    int expects_oversize;        /* t:expect_oversize(): a ws-frame-bytes hit is a marker, not its end */
    char *limit_msg;             /* a bound of its own connection or adapter was hit: it ends so */

    int probe;                   /* the built-in liveness check: not reported */
    int probe_ok;
    char *probe_why;

    /* outcome */
    ps_verdict verdict;          /* pass, fail, error, timeout, skip */
    char *message;               /* error/timeout/skip text, or first failure */
    char *err_source;            /* file:line of a Lua error */
    ps_rule_outcome *checks;     /* one per declared rule */
    ps_rule_outcome *incidental; /* incidental findings: fails of rules it does not declare */
    size_t nincidental;
    char **records;              /* t:record(): JSON texts for the result file */
    size_t nrecords, caprecords;
} ps_scenario;

/* A scenario from its declaration table at idx on L; NULL with err. */
ps_scenario *ps_scenario_new(lua_State *L, int idx, char *err, size_t errlen);
void ps_scenario_free(ps_scenario *s);
int ps_scenario_has_tag(const ps_scenario *s, const char *tag);

/* Resources: add returns the entry's index (a Lua handle keeps it), or -1. */
long ps_scenario_add(ps_scenario *s, ps_res_kind kind, void *ptr, void (*release)(void *));
/* The resource at idx if it is of that kind and not released, else NULL. */
void *ps_scenario_get(const ps_scenario *s, size_t idx, ps_res_kind kind);
void ps_scenario_release(ps_scenario *s, size_t idx);
void ps_scenario_release_all(ps_scenario *s);

/* A bound of its own connection or adapter was hit (net/limits.h): what it saw
 * of the peer is cut, so it ends with the error "limit NAME reached: what". */
void ps_scenario_limit(ps_scenario *s, const char *name, const char *what);

/* Transports call this (as their notify callback, owner = the scenario). */
void ps_scenario_wake(void *scenario);

/* Checks and records. rule is "RULE-ID" or "RULE-ID:label". -1 with err when the rule is not declared. */
int ps_check_name_split(const char *name, char *id, size_t idlen, const char **label, char *err, size_t errlen);
int ps_scenario_check(ps_scenario *s, const char *rule, int ok, const char *expected,
                      const char *actual, char *err, size_t errlen);
/* The check of rule judged nothing (the peer gave it nothing to judge): the
 * rule is an error "nothing observed: what" that a passing check of it
 * cannot turn into a pass; only a failing check overrides it. */
int ps_scenario_nothing(ps_scenario *s, const char *rule, const char *what, const char *expected,
                        char *err, size_t errlen);
/* As ps_scenario_nothing, with the error's reason as given ("control failed: ..."). */
int ps_scenario_unjudged(ps_scenario *s, const char *rule, const char *reason, const char *expected,
                         char *err, size_t errlen);
/* An incidental finding: a deviation from rule seen while the scenario did
 * something else (a wire check on a received frame, a set-up step). It fails
 * rule whether or not the scenario declares it; it never makes a rule pass.
 * rule as for ps_scenario_check ("RULE-ID" or "RULE-ID:label"). */
int ps_scenario_incidental(ps_scenario *s, const char *rule, const char *expected, const char *actual);
int ps_scenario_skip_rule(ps_scenario *s, const char *rule, ps_skip_kind kind, const char *reason,
                          char *err, size_t errlen);
int ps_scenario_add_record(ps_scenario *s, const char *json);
/* The last frame or request it sent (or the input t:input named): what a dead server died of. */
const char *ps_scenario_last_sent(const ps_scenario *s);

#endif

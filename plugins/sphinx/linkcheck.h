/*
 * The opt-in link check: sphinx's linkcheck builder, with a cache of when
 * each link last worked.  A link that fails now but worked within
 * `linkcheck_cache_hours` only warns (a flaky site does not fail every
 * run); a link never seen working, or not for that long, fails the stage.
 */
#ifndef S2N_SPHINX_LINKCHECK_H
#define S2N_SPHINX_LINKCHECK_H

#include <s2nbuild/plugin.h>

#include <stddef.h>
#include <time.h>

/* Run linkcheck after a successful build; `summary` is the build's
 * message, which the link check's result is appended to. */
int linkcheck_run(s2n_stage *st, const s2n_host *h, const char *python, const char *source,
                  const char *summary);

/* --- the decision, separated for unit tests -------------------------- */

typedef struct link_result {
    const char *uri;
    const char *where;  /* "docs/index.rst:5" */
    const char *status; /* working, broken, redirected, ignored, unchecked, timeout */
    const char *info;
} link_result;

/* When `uri` last worked according to the cache (a jansson object of
 * uri -> {"worked": epoch}), 0 if never.  `cache` may be NULL. */
typedef struct json_t json_t;
long long linkcheck_last_worked(json_t *cache, const char *uri);

/* 1: fail the stage, 0: only warn, -1: fine.  Updates `cache` for
 * links that work. */
int linkcheck_judge(json_t *cache, const link_result *r, time_t now, long long cache_hours);

#endif

/* More of the run context, on top of core/context.c: the values change
 * detection and `when:` need beyond branch/commit/event/tag/build_number,
 * and the command-line overrides (--branch, --event).
 *
 *   change_id        CHANGE_ID (Jenkins), the PR number from GITHUB_REF
 *   change_target    CHANGE_TARGET (Jenkins), GITHUB_BASE_REF (Actions)
 *   previous_commit  GIT_PREVIOUS_SUCCESSFUL_COMMIT (Jenkins git plugin)
 *   build_url        BUILD_URL, or the Actions run URL
 *   job_name         JOB_NAME, GITHUB_WORKFLOW
 *   ci               "jenkins", "github-actions" or "local"
 */
#ifndef S2N_CORE_CTXVARS_H
#define S2N_CORE_CTXVARS_H

/* core/context.c (not yet in a header there). */
const char *context_get(const char *name);
void context_set(const char *name, const char *value);

/* The events `when: event:` and --event accept, NULL-terminated. */
extern const char *const ctxvars_events[];
int ctxvars_event_valid(const char *event);
/* The event meant by a wrong spelling ("pr" -> "pull_request"), or NULL. */
const char *ctxvars_event_suggest(const char *event);

/* Computes one of the extra names above (malloc'd; "" when unknown), or
 * NULL when `name` is not one of them.  context.c may call this for names
 * it does not know. */
char *ctxvars_compute(const char *name);
/* context_get() for the core names, the extra names computed once. */
const char *ctxvars_get(const char *name);
/* --branch NAME / --event NAME: checked, then set for the whole run.
 * Returns 0, or -1 with *err (malloc'd). */
int ctxvars_override(const char *name, const char *value, char **err);

#endif

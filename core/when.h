// `when:` on a stage: conditions that decide, before the run, whether the
// stage runs in this build.
//
//   when:
//     branch:  main | [main, "release/*"]   branch glob(s)
//     event:   push | [pull_request, tag]   push, pull_request, tag, manual
//     tag:     "v*"                         building a tag matching the glob
//     changes: ["core/**", setup.cfg]       a changed path matches a glob
//     env:     { DEPLOY: "yes" }            variable equals the value (the
//                                           stage's/pipeline's env:, then the
//                                           environment: a profile can set it)
//
// A list means "any of"; several keys mean "all of".  Every decision
// comes with a human reason, which `plan` prints.  `changes:` paths are
// relative to the folder of the pipeline file (the workspace), whatever
// the stage's workdir; see core/changes.h for what counts as changed.
#ifndef S2N_CORE_WHEN_H
#define S2N_CORE_WHEN_H

#include "core/changes.h"
#include "core/diag.h"
#include "core/value.h"

/* Where conditions get their facts.  `changes` is called only when a
 * stage has a `changes:` condition and nothing cheaper already failed. */
typedef struct when_source {
    const char *(*context)(void *ctx, const char *name); /* branch, event, tag */
    const char *(*getenv)(void *ctx, const char *name);
    const changeset *(*changes)(void *ctx);
    void *ctx;
} when_source;

/* Checks a stage's `when:` node (NULL is fine): keys with did-you-mean,
 * value kinds, event names, glob syntax; errors as file:line:col.  A
 * `when:` that is not a mapping is config.c's to report. */
void when_check(s2n_value *when, diag *d);

enum { WHEN_SKIP = 0, WHEN_RUN = 1 };
/* Decides; *reason (malloc'd) says why, e.g. "branch 'dev' does not match
 * main".  A stage without conditions runs ("no conditions"). */
int when_decide(const s2n_value *when, const when_source *src, char **reason);

/* The real facts: the run context (ctxvars: branch/event/tag, with
 * --branch/--event applied), the process environment, and the changes in
 * `workspace` detected once, on first need. */
when_source *when_source_new(const char *workspace, const char *state_dir);
/* The change set it detected, or NULL when none was needed yet. */
const changeset *when_source_changes(const when_source *src);
void when_source_free(when_source *src);

#endif

/* Change detection for monorepos (what detect_core_change.sh did): the
 * files changed between a base commit and the work tree.
 *
 * The base is, in this order:
 *   - a pull request: the merge-base of HEAD with its target branch
 *     (CHANGE_TARGET / GITHUB_BASE_REF), tried as origin/<target>, then
 *     <target>;
 *   - GIT_PREVIOUS_SUCCESSFUL_COMMIT (Jenkins' git plugin);
 *   - the commit of the newest green run recorded under
 *     .s2nbuild/runs/<id>/record.json (its "commit" field).
 * Without a usable base everything counts as changed, and the reason says
 * why: a first build never skips anything silently. */
#ifndef S2N_CORE_CHANGES_H
#define S2N_CORE_CHANGES_H

#include "core/util.h"

typedef struct change_inputs {
    const char *dir;             /* where to look (the workspace)          */
    const char *event;           /* push, pull_request, tag, manual        */
    const char *change_target;   /* a PR's target branch, or NULL/""       */
    const char *previous_commit; /* GIT_PREVIOUS_SUCCESSFUL_COMMIT or ""   */
    const char *state_dir;       /* .s2nbuild of the workspace, or NULL    */
} change_inputs;

typedef struct changeset {
    int all;       /* no base: every file counts as changed           */
    char *base;    /* the base commit (full hash), NULL when `all`    */
    char *how;     /* where the base came from, or why there is none  */
    strvec files;  /* changed paths, relative to `dir`, sorted        */
} changeset;

/* Fills *cs (always: on any problem it is `all` with the reason). */
void changes_detect(const change_inputs *in, changeset *cs);
/* The same with the inputs taken from the run context (ctxvars). */
void changes_detect_context(const char *dir, const char *state_dir, changeset *cs);
/* 1 when a changed file matches one of the globs (or cs->all); *first
 * gets the first matching file (NULL for `all`). */
int changes_match(const changeset *cs, const char *const *globs, size_t n, const char **first);
void changeset_free(changeset *cs);

/* The newest green run's commit from <state_dir>/runs/ (malloc'd) and
 * its run id in *run_id (malloc'd), or NULL. */
char *changes_last_green_commit(const char *state_dir, char **run_id);

#endif

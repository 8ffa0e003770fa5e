/* The pipeline policy seen from the rest of the core: one small set of
 * calls, each placed at one spot (core/POLICY-WIRING.md says where).
 * Behind them: when.c, changes.c, ctxvars.c, profile.c, secrets.c,
 * cache.c, resume.c, export.c, report_html.c. */
#ifndef S2N_CORE_POLICY_H
#define S2N_CORE_POLICY_H

#include "core/run.h"

#include <stdio.h>

typedef struct policy_opts {
    const char *profile;   /* --profile NAME                              */
    strvec sets;           /* --set KEY=VALUE (repeatable)                 */
    const char *branch;    /* --branch NAME                               */
    const char *event;     /* --event push|pull_request|tag|manual         */
    int force;             /* --force: run every stage, still store        */
    int no_cache;          /* --no-cache                                   */
    int no_report;         /* --no-report: no report.html                  */
    strvec only;           /* --only A[,B] (repeatable)                    */
    const char *from;      /* --from STAGE                                 */
    int failed;            /* --failed                                     */
} policy_opts;

/* main.c, once the options are parsed: keeps a copy, applies --branch and
 * --event.  Returns 0, or -1 with *err (malloc'd). */
int policy_configure(const policy_opts *o, char **err);
/* main.c: a long option of the policy (name without "--", arg or NULL).
 * Returns 1 when it was one of them (0: not ours; -1 bad value, *err). */
int policy_take_option(policy_opts *o, const char *name, const char *arg, char **err);

/* config.c pipeline_load(), right after the YAML is read and before the
 * model is built: profile, environment, --set. */
int policy_prepare_root(s2n_value *root, const char *file, diag *d);
/* config.c pipeline_load(), instead of reading `secrets:` as a list of
 * names: checks the entries and fills p->secrets with their names. */
void policy_check_secrets(pipeline *p, diag *d);
/* config.c load_stage() (or validate.c): `when:`, `inputs:`, `cache:`. */
void policy_check_stage(stage_def *s, diag *d);

/* validate.c pipeline_prepare(), instead of masking getenv(p->secrets):
 * reads every secret (env or file), masks it, exports it as NAME. */
void policy_load_secrets(run *r, diag *d);

/* main.c execute(), instead of select_stages() when --only/--from/
 * --failed was given (returns 1 then; 0: not asked; -1 error *err). */
int policy_select(run *r, char **err);

/* runner.c, when a pending stage is ready and a slot is free, before
 * start_stage(): 1 when the stage is done without running (skipped by
 * its when:, or restored from the stage cache); 0: start it. */
int policy_before_start(run *r, stage_run *sr);
/* runner.c finish_stage(), once the stage is PH_DONE: stores an OK
 * result in the stage cache. */
void policy_after_finish(run *r, stage_run *sr);
/* main.c execute(), after record_write(): report.html; frees state. */
void policy_after_run(run *r, int recorded);

/* main.c plan: the decision for one stage, "run: why" / "skip: why"
 * (malloc'd). */
char *policy_plan_reason(run *r, stage_def *s);
/* record.c record_write(): adds branch, commit, event, tag (change
 * detection finds the last green run by its "commit"). */
void policy_record_fields(void *json_record);
/* main.c `export FORMAT`: the pipeline (loaded, no plugins needed). */
int policy_export(pipeline *p, const char *format, FILE *out, char **err);
/* schema.c schema_pipeline_json() (or main.c `schema`), on the finished
 * pipeline schema (json_t *): when:, inputs:, cache:, secrets: entries and
 * profiles: in full, so editors accept what the policy accepts. */
void policy_schema(void *pipeline_schema);
/* main.c `report [RUN]`: report.html of a run dir (default latest). */
int policy_report(const char *state_dir, const char *run, char **path_out, char **err);

#endif

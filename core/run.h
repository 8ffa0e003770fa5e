/* One execution of a pipeline: the per-stage state the runner keeps in
 * the core process, and what the record is written from. */
#ifndef S2N_CORE_RUN_H
#define S2N_CORE_RUN_H

#include "core/loader.h"
#include "core/mask.h"
#include "core/pipeline.h"

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

typedef enum outcome {
    OUT_NONE = 0,
    OUT_OK,
    OUT_FAILED,
    OUT_ERROR,
    OUT_SKIPPED,
    OUT_CRASHED,  /* killed by a signal it did not get from us       */
    OUT_TIMEOUT,  /* we killed it at its deadline                    */
    OUT_EXITED,   /* called exit() instead of returning from run()    */
    OUT_ABORTED,  /* s2nbuild was interrupted                        */
    OUT_NOTRUN,   /* an upstream stage did not succeed               */
    OUT_CACHED    /* restored from the stage cache                   */
} outcome;

const char *outcome_name(outcome o);
int outcome_good(outcome o); /* ok, skipped, cached */

typedef struct artifact_rec {
    char *path, *name, *kind, *sha256;
    unsigned long long size;
} artifact_rec;

typedef enum phase { PH_PENDING, PH_RUNNING, PH_WAITING_RETRY, PH_DONE } phase;

typedef struct stage_run {
    stage_def *def;
    phase phase;
    outcome outcome;
    char *message;   /* the plugin's summary line, or ours            */
    pid_t pid;
    int out_fd, ctl_fd;
    double start, end, deadline, kill_at, retry_at;
    int attempts, retryable, term_sent, timed_out, exited, log_started;
    int log_warned;  /* its log could not be written: said once          */
    int status;      /* waitpid status                                */
    strbuf line;     /* partial output line                           */
    strbuf ctl;      /* partial control message                       */
    char *result;    /* the result JSON the child sent, if it did     */
    FILE *log;
    char *log_path, *dir;
    artifact_rec *arts;
    size_t narts;
    strvec out_keys, out_vals;
    unsigned tests[4]; /* passed, failed, skipped, errors */
    int has_tests;
    strvec junit;
    int selected;    /* part of this run (run STAGE... / --only)       */
} stage_run;

typedef struct run {
    pipeline *p;
    registry *reg;
    char *id, *dir, *state_dir;
    stage_run *st;
    size_t n;
    mask *mask;
    int jobs, keep_going, quiet, color, prefix;
    double started_mono, finished_mono;
    long long started_wall;
    int abort_signal;
    int exit_code;
} run;

/* Messages from a stage child on its control channel. */
#define CTL_SECRET 'S' /* a secret to mask from now on */
#define CTL_RESULT 'R' /* the result JSON, sent last     */

/* stagejson.c: results in their JSON form (child result, record, cache) */
struct json_t;
void artifact_from_json(artifact_rec *ar, struct json_t *a, char *path_owned_or_null);
void stage_outputs_tests_from_json(stage_run *sr, struct json_t *j);

/* runner.c */
int runner_run(run *r);
void runner_request_abort(int sig);
/* record.c */
int record_write(run *r);
void summary_print(run *r, FILE *out);
/* context.c: run context values (branch, commit, event, ...) */
const char *context_get(const char *name);
void context_set(const char *name, const char *value);
/* host.c */
extern const s2n_host s2n_host_table;
int host_child_main(run *r, stage_run *sr, int ctl_fd); /* never returns */
int host_validate_stage(run *r, stage_def *def, diag *d);
/* lookups for ${NAME} while a stage starts */
const char *stage_lookup(run *r, stage_def *def, const char *name);
/* The same as an interp_lookup callback over a lookup_ctx. */
typedef struct lookup_ctx {
    run *r;
    stage_def *def;
} lookup_ctx;
const char *stage_lookup_cb(void *ctx, const char *name);

#endif

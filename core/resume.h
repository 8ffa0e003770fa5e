/* Restarting part of a pipeline: --only STAGE, --from STAGE, --failed.
 *
 * The stages that are not run again but are needed by those that are
 * take their results from earlier runs recorded under .s2nbuild/runs/:
 * for each such stage the newest run in which it ended ok (or cached),
 * provided every artifact it declared is still there with the recorded
 * sha256 — the bytes that were tested are the bytes that get published.
 * This is also what makes an exported Jenkinsfile work, where each
 * Jenkins stage runs `s2nbuild run --only NAME`.
 *
 *   --only A,B   run A and B; what they need (transitively) is reused
 *   --from S     run S and everything downstream of it; S's needs reused
 *   --failed     run what did not succeed in the latest run, and what is
 *                downstream of it; the rest of what they need is reused */
#ifndef S2N_CORE_RESUME_H
#define S2N_CORE_RESUME_H

#include "core/run.h"

typedef struct resume_opts {
    const strvec *only; /* stage names (commas already split), or NULL */
    const char *from;   /* or NULL                                     */
    int failed;
} resume_opts;

/* 1 when any of the three is asked for. */
int resume_wanted(const resume_opts *o);
/* Marks r->st[].selected; stages to reuse are filled from earlier runs
 * (outcome OUT_CACHED, phase PH_DONE, message "reused from run ID").
 * Returns 0, or -1 with *err (malloc'd): unknown stage (did you mean),
 * nothing failed last time, a needed stage without a usable result. */
int resume_select(run *r, const resume_opts *o, char **err);

#endif

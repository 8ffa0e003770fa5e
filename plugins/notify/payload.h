/* The notification a `notify` stage sends: a run summary as JSON, in the
 * shape a Slack or Teams incoming webhook takes, or the plain structure. */
#ifndef S2N_NOTIFY_PAYLOAD_H
#define S2N_NOTIFY_PAYLOAD_H

#include <jansson.h>
#include <stddef.h>

typedef struct notify_artifact {
    const char *name, *sha256;
    unsigned long long size;
} notify_artifact;

typedef struct notify_stage {
    const char *name;
    notify_artifact *arts;
    size_t narts;
    const char *const *out_keys; /* published values of interest */
    const char *const *out_vals;
    size_t nouts;
} notify_stage;

typedef struct notify_summary {
    const char *text;            /* the headline                        */
    const char *const *fkeys;    /* extra fields (branch, commit, ...)  */
    const char *const *fvals;
    size_t nfields;
    notify_stage *stages;
    size_t nstages;
} notify_summary;

/* "slack", "teams" or "json"; the body (malloc'd, UTF-8) or NULL. */
char *notify_payload(const notify_summary *s, const char *format);

#endif

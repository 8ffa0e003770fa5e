/*
 * Publishing one file to a remote index through the legacy upload API:
 * ask the simple index first, upload with retries (connection errors,
 * 5xx, 429 with Retry-After; never other 4xx), and sort the outcome into
 * uploaded / already there / skipped / failed with the server's own text.
 */
#ifndef S2N_TWINE_REMOTE_H
#define S2N_TWINE_REMOTE_H

#include <s2nbuild/plugin.h>

#include "plugins/common/upload.h"
#include "plugins/twine/digest.h"
#include "plugins/twine/form.h"

typedef struct twine_target {
    const char *upload_url;
    const char *index_url; /* simple index (ends with '/'), or NULL   */
    int index_guessed;     /* index_url was guessed from upload_url: its
                              failures are quiet (debug), not warnings */
    s2n_http_conf http;
    int retries;
    int skip_existing;
    int tty;               /* progress updates are shown (S2NBUILD_TTY) */
} twine_target;

typedef struct twine_dist {
    const char *path;
    const char *file_name;   /* base name                              */
    const char *project;     /* Name from the metadata                 */
    int have_digests;        /* the digests below are known            */
    unsigned want;           /* S2N_DIGEST_* sent (digests: option, less
                                md5 where OpenSSL refuses it); the
                                others are "" below                   */
    s2n_digests digests;
    char sha256[65];
    char md5[33];
    char blake2[65];
    unsigned long long size;
    twine_form form;         /* with the digest fields unless deferred */
    /* Large files: the digests are computed while the file is sent and
     * go after it in the form (field order does not matter to indexes). */
    int deferred;
    twine_digest_job *job;
    /* From an upstream stage: the sha256 the host recorded when the stage
     * declared the file (empty when unknown).  What is published must be
     * what was built and tested. */
    char expect_sha256[65];
    const char *expect_from;
    int changed;             /* set when the file no longer matches    */
} twine_dist;

/* Make the digests known (finish the background job, or hash now).
 * 0, or -1 with errno set; -1 with d->changed set when the file is not
 * the one the upstream stage declared. */
int twine_dist_digests(twine_dist *d);
/* The message for a failed twine_dist_digests(), into buf. */
const char *twine_dist_digest_error(const twine_dist *d, char *buf, size_t cap);

typedef enum {
    TWINE_UPLOADED = 0,
    TWINE_PRESENT = 1, /* identical file already on the index */
    TWINE_SKIPPED = 2, /* skip_existing: same name, left alone */
    TWINE_FAILED = 3
} twine_outcome;

twine_outcome twine_remote_publish(s2n_stage *st, const s2n_host *h, const twine_target *t,
                                   twine_dist *d);

/* sha256 of `file_name` in the simple index's page for `project`:
 * 1 found (hex in out[65]), 0 not listed, -1 could not tell. */
int twine_index_lookup(const twine_target *t, const char *project, const char *file_name,
                       char *out, char *why, size_t whycap);

#endif

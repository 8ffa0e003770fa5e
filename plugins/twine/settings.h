/*
 * Where the twine stage publishes and with which credentials, from the
 * places users already keep them: stage options, TWINE_* variables and
 * .pypirc, in twine's order of precedence.  No repository anywhere means
 * the local index under the workspace's .s2nbuild/index.
 */
#ifndef S2N_TWINE_SETTINGS_H
#define S2N_TWINE_SETTINGS_H

#include <s2nbuild/plugin.h>

typedef struct twine_config {
    int local;               /* publish into the local index             */
    int chosen;              /* a repository was named (else: default)   */
    const char *index_dir;   /* local: the index folder                  */
    const char *repo_label;  /* for messages: name or URL                */
    const char *note;        /* said once when the stage runs: an
                                environment setting the options override,
                                or credentials left unused (warning when
                                local)                                  */
    const char *upload_url;  /* remote: legacy upload endpoint           */
    const char *index_url;   /* remote: simple index, or NULL            */
    int index_guessed;       /* index_url guessed, not the user's option */
    const char *username, *password, *cafile;
    int insecure, skip_existing, check;
    unsigned digests;        /* S2N_DIGEST_* to send (digests: option)   */
    long long retries, timeout;
} twine_config;

/* Fill `c` (strings in the stage arena).  S2N_OK, or S2N_ERROR after
 * reporting through host->error. */
int twine_config_resolve(s2n_stage *st, const s2n_host *h, twine_config *c);

/* The simple index that goes with an upload URL: PyPI, TestPyPI,
 * ".../legacy/" -> ".../simple/", any other URL U -> "U/simple/" (where
 * pypiserver, Nexus, Artifactory and GitLab serve it). Arena string. */
const char *twine_guess_index(s2n_stage *st, const s2n_host *h, const char *upload_url);

#endif

/* `secrets:` of a pipeline: values that arrive from the CI system (the way
 * Jenkins credential bindings do: an environment variable, or a file whose
 * path is in one) and must never appear in any output.
 *
 *   secrets:
 *     - TWINE_PASSWORD                          # from $TWINE_PASSWORD
 *     - { name: GITHUB_TOKEN, file: /run/secrets/gh }
 *     - { name: PYPI_TOKEN, env: JENKINS_PYPI, credential: pypi-token,
 *         required: true }
 *
 * A file: whose ${VAR} is not set (no credential bound, a local run)
 * falls back to the variable NAME itself.
 *
 * Every value is added to the run's mask (raw, base64 and URL-encoded
 * forms) and exported as NAME into the environment the stages inherit, so
 * options use it as ${NAME} and plugins read it with host->getenv. */
#ifndef S2N_CORE_SECRETS_H
#define S2N_CORE_SECRETS_H

#include "core/diag.h"
#include "core/mask.h"
#include "core/value.h"

typedef struct secret_def {
    char *name;       /* the variable stages see                        */
    char *file;       /* read from this file, as written (may hold ${VAR},
                         relative to the workspace), or NULL             */
    char *env;        /* read from this variable (default: name)        */
    char *credential; /* Jenkins credentials id for exports (default: name) */
    int required;     /* missing is an error, not a warning             */
    s2n_value *at;    /* where it was declared                          */
} secret_def;

typedef struct secret_set {
    secret_def *v;
    size_t n;
    char *base_dir;   /* relative file paths are resolved against it   */
} secret_set;

/* Checks and reads the `secrets:` node (NULL is fine).  `base_dir`
 * resolves relative file paths (the workspace). */
void secrets_parse(s2n_value *node, const char *base_dir, secret_set *out, diag *d);
/* Reads the values, masks them in m and exports them.  A missing value is
 * an error when required, else a warning.  Returns the number loaded. */
size_t secrets_load(const secret_set *s, mask *m, diag *d);
const secret_def *secrets_find(const secret_set *s, const char *name);
void secret_set_free(secret_set *s);

#endif

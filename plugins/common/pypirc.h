/*
 * .pypirc, read the way twine reads it (configparser.RawConfigParser:
 * [sections], `key = value` or `key: value`, # and ; comments, indented
 * continuation lines, no interpolation) and resolved the way twine
 * resolves a repository name.  Not ABI.  Owner: the twine plugin.
 */
#ifndef S2N_COMMON_PYPIRC_H
#define S2N_COMMON_PYPIRC_H

#include <stddef.h>

#define S2N_PYPI_UPLOAD_URL "https://upload.pypi.org/legacy/"
#define S2N_TESTPYPI_UPLOAD_URL "https://test.pypi.org/legacy/"

typedef struct s2n_pypirc s2n_pypirc;

/* Load `path`.  A missing file gives an empty configuration when
 * `missing_ok`, else an error.  0, or -1 with "path:line: message". */
int s2n_pypirc_load(const char *path, int missing_ok, s2n_pypirc **out, char *err, size_t errcap);
void s2n_pypirc_free(s2n_pypirc *rc);

/* Raw value (section and key case as configparser: section exact, key
 * case-insensitive), or NULL. */
const char *s2n_pypirc_get(const s2n_pypirc *rc, const char *section, const char *key);
/* Was the file there (and so any index-servers default meaningful)? */
int s2n_pypirc_present(const s2n_pypirc *rc);

/* `[distutils] index-servers`, whitespace separated: the i-th name, or NULL
 * past the end.  Without the key twine assumes "pypi testpypi"; so does
 * this when `with_defaults`. */
const char *s2n_pypirc_index_server(const s2n_pypirc *rc, size_t i, int with_defaults);

/* A repository's settings, strings owned by `rc` (or static). */
typedef struct s2n_pypirc_repo {
    const char *repository; /* upload URL */
    const char *username;
    const char *password;
    const char *ca_cert;
} s2n_pypirc_repo;

/* twine's get_config()[name]: pypi (and testpypi when listed) have known
 * URLs; others take their keys from their section when listed in
 * index-servers; [server-login] gives default credentials.  0 when the
 * name is known, -1 (with a message) when not. */
int s2n_pypirc_repository(const s2n_pypirc *rc, const char *name, s2n_pypirc_repo *out,
                          char *err, size_t errcap);

#endif

/*
 * pip requirement files: one PEP 508 requirement per line, `\` joins
 * lines, `#` comments, ${VAR} expansion, -r/-c nesting (paths relative to
 * the including file), --hash per requirement, and the global options the
 * native installer honours (-i, --extra-index-url, -f, --no-index,
 * --require-hashes, --pre).  Anything else is remembered as a reason to
 * let pip do the install.  Errors are "file:line: message".
 * Not ABI.  Owner: the venv plugin.
 */
#ifndef S2N_COMMON_REQUIREMENTS_H
#define S2N_COMMON_REQUIREMENTS_H

#include "plugins/common/venv_pep508.h"

#include <stddef.h>

typedef struct s2n_reqline {
    s2n_dep dep;      /* parsed; dep.name NULL for editable/path lines  */
    char *raw;        /* the requirement text as written                */
    char **hashes;    /* "sha256:<hex>" ...                              */
    size_t nhashes;
    int constraint;   /* from a -c file                                 */
    int editable;     /* -e line                                        */
    int active;       /* its marker is true for this interpreter        */
    char *file;       /* where it was written ("<packages>" for options) */
    int line;
} s2n_reqline;

typedef struct s2n_reqset {
    s2n_reqline *items;
    size_t n;
    char *index_url;        /* -i, last one wins                  */
    char **extra_index;     /* --extra-index-url                  */
    size_t nextra_index;
    char **find_links;      /* -f                                 */
    size_t nfind_links;
    int no_index;
    int require_hashes;
    int pre;
    char *unsupported;      /* first reason the native path can't be used */
    /* Every file read (names and contents), for cache keys. */
    char *fingerprint;
    size_t fingerprint_len;
    /* marker environment used for `active` */
    s2n_marker_env env;
    /* for lookups of ${VAR}; NULL: getenv */
    const char *(*getenv)(void *ctx, const char *name);
    void *getenv_ctx;
} s2n_reqset;

void s2n_reqset_init(s2n_reqset *rs, const s2n_marker_env *env);
/* Read a requirements (constraint != 0: constraints) file and its
 * includes.  0, or -1 with "file:line: message" in err. */
int s2n_reqset_add_file(s2n_reqset *rs, const char *path, int constraint, char *err,
                        size_t errcap);
/* One requirement line given directly (the `packages` option). */
int s2n_reqset_add_line(s2n_reqset *rs, const char *text, const char *where, int line,
                        char *err, size_t errcap);
void s2n_reqset_free(s2n_reqset *rs);

#endif

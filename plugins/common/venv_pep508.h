/*
 * PEP 508 dependency specifiers: `name[extra,...] specifiers ; marker` or
 * `name[extra] @ url ; marker`, and evaluation of environment markers.
 * Used for requirement lines and for Requires-Dist of wheels.  Not ABI.
 */
#ifndef S2N_COMMON_VENV_PEP508_H
#define S2N_COMMON_VENV_PEP508_H

#include <stddef.h>

typedef struct s2n_dep {
    char *name;    /* as written                                   */
    char *norm;    /* PEP 503 normalized                           */
    char **extras; /* normalized                                   */
    size_t nextras;
    char *spec;    /* specifier set without spaces, "" for any     */
    char *url;     /* after `@`, or NULL                           */
    char *marker;  /* text after `;`, or NULL                      */
} s2n_dep;

/* Environment for markers: values indexed by the S2N_MK_* of pyinfo.h
 * and the `extra` being evaluated ("" for none). */
typedef struct s2n_marker_env {
    char *const *values;
    const char *extra;
} s2n_marker_env;

/* Parse one specifier.  0, or -1 with err "col N: expected ..." (1-based
 * column in *col when col != NULL). */
int s2n_dep_parse(const char *text, s2n_dep *out, char *err, size_t errcap, int *col);
void s2n_dep_free(s2n_dep *d);

/* Evaluate a marker expression: 1 true, 0 false, -1 syntax error (err). */
int s2n_marker_eval(const char *marker, const s2n_marker_env *env, char *err, size_t errcap);

/* PEP 503 normalization into out (cap bytes): names.h's rule. */
void s2n_pep503(const char *name, char *out, size_t cap);

#endif

/*
 * PEP 440 versions and version specifiers, as far as the venv plugin
 * needs them: normal form, ordering, `>=1.0,<2`, `==1.*`, `~=1.4`.
 * (names.h declares a version compare owned by the build plugin; this one
 * also parses specifiers and lives with its only user.)  Not ABI.
 */
#ifndef S2N_COMMON_VENV_PEP440_H
#define S2N_COMMON_VENV_PEP440_H

#include <stddef.h>

#define S2N_V_MAXREL 12

typedef struct s2n_pver {
    long epoch;
    long rel[S2N_V_MAXREL];
    int nrel;
    int pre_kind;   /* -1 none, 0 a, 1 b, 2 rc */
    long pre;
    long post;      /* -1 none */
    long dev;       /* -1 none */
    char local[64]; /* "" none; normalized with '.' separators */
} s2n_pver;

/* 0 when valid. */
int s2n_pver_parse(const char *text, s2n_pver *v);
/* Normal form ("1.0.0-RC1" -> "1.0.0rc1"). */
void s2n_pver_format(const s2n_pver *v, char *out, size_t cap);
int s2n_pver_cmp(const s2n_pver *a, const s2n_pver *b);
/* Normal form of a version string; -1 when invalid. */
int s2n_pver_normalize(const char *text, char *out, size_t cap);

/* Does `version` satisfy the comma-separated specifier set `spec` ("" is
 * everything)?  1 yes, 0 no, -1 when spec or version is invalid.
 * Pre-releases are accepted: the versions checked here were pinned. */
int s2n_spec_contains(const char *spec, const char *version);
/* 0 when `spec` is a valid specifier set. */
int s2n_spec_valid(const char *spec);
/* When spec is exactly one `==V` (no wildcard) or `===V`, copy V (normal
 * form for ==) into out and return 1; else 0. */
int s2n_spec_pin(const char *spec, char *out, size_t cap);

#endif

/*
 * Distributions an environment sees without installing anything: with
 * include-system-site-packages, the base interpreter's site-packages.
 * pip calls a requirement they meet "already satisfied" and installs
 * nothing for it; the native planner does the same, so an unpinned
 * `pytest` that the system provides needs no pip at all.
 */
#ifndef S2N_VENV_SITEDISTS_H
#define S2N_VENV_SITEDISTS_H

#include "plugins/common/pyinfo.h"
#include "plugins/common/venv_pep508.h"

#include <stddef.h>

typedef struct s2n_sitedist {
    char *norm;     /* PEP 503 name from the folder name            */
    char *dir;      /* .../name-1.0.dist-info or .egg-info           */
    char *name;     /* from its metadata, read on first use         */
    char *version;  /* normal form, or NULL when unreadable          */
    char **deps;    /* Requires-Dist (egg-info requires.txt converted) */
    size_t ndeps;
    int loaded;
} s2n_sitedist;

typedef struct s2n_sitedists {
    s2n_sitedist *d;
    size_t n;
} s2n_sitedists;

/* Index the distributions of `dirs` (first folder wins for a name, as on
 * sys.path).  Folder names only; metadata is read on demand. */
void s2n_sitedists_scan(s2n_sitedists *s, char *const *dirs, size_t ndirs);
void s2n_sitedists_free(s2n_sitedists *s);

/* The distribution named `norm`, its metadata loaded, or NULL. */
s2n_sitedist *s2n_sitedists_find(s2n_sitedists *s, const char *norm);

/* 1 when `dep` (with its extras) and everything it requires, recursively,
 * are met by the site's distributions; 0 with the first gap in `why`. */
int s2n_sitedists_satisfy(s2n_sitedists *s, const s2n_pyinfo *py, const s2n_dep *dep,
                          char *why, size_t cap);

#endif

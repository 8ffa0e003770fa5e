/*
 * The native install path: decide whether a requirement set can be
 * installed without pip (every requirement pinned with ==, a compatible
 * wheel for each in a local source, hashes right, Requires-Dist closed
 * within the set), then install the wheels.
 */
#ifndef S2N_VENV_NATIVE_H
#define S2N_VENV_NATIVE_H

#include "plugins/common/pyinfo.h"
#include <stdint.h>
#include "plugins/common/requirements.h"
#include "plugins/common/wheel_install.h"
#include "plugins/venv/finder.h"
#include "plugins/venv/sitedists.h"

typedef struct s2n_native_item {
    s2n_wheel_info info;
    char *norm;
    char *version;
    char **extras;
    size_t nextras;
    char *direct_url; /* direct_url.json to write (editable project), or NULL */
} s2n_native_item;

typedef struct s2n_native_plan {
    s2n_native_item *items;
    size_t n;
    char **satisfied; /* "pytest 7.2.1": met by the site, not installed */
    size_t nsatisfied;
    s2n_sitedists *site; /* borrowed; NULL without system site-packages */
    char **notes;     /* warnings for the log (a yanked file pinned) */
    size_t nnotes;
} s2n_native_plan;

enum { S2N_PLAN_OK = 0, S2N_PLAN_FALLBACK = 1, S2N_PLAN_ERROR = -1 };

/* S2N_PLAN_OK with a plan, S2N_PLAN_FALLBACK with the reason pip is
 * needed, or S2N_PLAN_ERROR with a message (hash mismatch, no compatible
 * wheel, broken wheel).  With `site` (the system site-packages of an
 * environment that includes them), a requirement the site already meets
 * is left out of the plan, as pip leaves it alone; it need not be pinned. */
int s2n_native_plan_make(const s2n_reqset *rs, s2n_finder *f, const s2n_pyinfo *py,
                         s2n_sitedists *site, s2n_native_plan *plan, char *msg, size_t msgcap);
void s2n_native_plan_free(s2n_native_plan *plan);

/* For other planners (pylock.toml): items[i] (norm, version, extras set)
 * belongs to sel[i], asked for by sel_rl[i] (hashes, file:line).  Fetches
 * remote files, checks hashes, reads the wheels, checks Requires-Dist. */
int s2n_native_finish(s2n_finder *f, const s2n_pyinfo *py, s2n_native_plan *p,
                      s2n_distfile *sel, const s2n_reqline **sel_rl, size_t nsel, char *msg,
                      size_t cap);

/* Append a local wheel (the editable project) to a plan and check the
 * closure of the whole plan again.  S2N_PLAN_OK, or FALLBACK/ERROR with
 * the item removed again. */
int s2n_native_add_wheel(s2n_native_plan *p, const s2n_pyinfo *py, const char *wheel,
                         const char *direct_url, char *msg, size_t cap);

/* PEP 751: plan the install of a pylock.toml (every package whose marker
 * holds, from its wheels; paths relative to the lock file, URLs fetched).
 * Locks need no resolver, so there is no fallback: S2N_PLAN_OK or
 * S2N_PLAN_ERROR ("pylock.toml:line:col: ..."). */
int s2n_pylock_plan(const char *lock, s2n_finder *f, const s2n_pyinfo *py, s2n_native_plan *p,
                    char *msg, size_t cap);

/* What the plan's wheels hold once unpacked (their RECORD sizes), in
 * bytes, and how many files (*nfiles, may be NULL). */
uint64_t s2n_native_unpacked_size(const s2n_native_plan *plan, uint64_t *nfiles);

/* Install every wheel of the plan into t; byte-compile with `python`
 * when compile != 0.  0 or -1 with a message. */
int s2n_native_install(const s2n_native_plan *plan, const s2n_wheel_target *t,
                       const s2n_pyinfo *py, int compile, const char *tmpdir,
                       const s2n_runner *runner, char *err, size_t errcap);

#endif

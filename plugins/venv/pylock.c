/*
 * PEP 751 lock files (pylock.toml) for the native installer.  A lock
 * lists every package with its wheels and hashes, so installing it is
 * choosing a compatible wheel per package whose marker holds: no resolver,
 * no pip.  Read through the common toml++ wrapper.
 */
#include "config.h"

#include "plugins/venv/native.h"
#include "plugins/common/toml.h"
#include "plugins/common/venv_pep440.h"
#include "plugins/common/venv_pep508.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int lfail(char *msg, size_t cap, const char *lock, const s2n_toml_node *n, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));
static int lfail(char *msg, size_t cap, const char *lock, const s2n_toml_node *n, const char *fmt,
                 ...)
{
    char where[64] = "";
    if (n)
        s2n_toml_where(n, where, sizeof where);
    int k = snprintf(msg, cap, "%s%s%s: ", lock, where[0] ? ":" : "", where);
    va_list ap;
    va_start(ap, fmt);
    if (k > 0 && (size_t)k < cap)
        vsnprintf(msg + k, cap - (size_t)k, fmt, ap);
    va_end(ap);
    return S2N_PLAN_ERROR;
}

static const char *str_of(const s2n_toml_node *t, const char *key)
{
    return s2n_toml_str(s2n_toml_get(t, key));
}

/* A wheel entry as a candidate file: name from `name` or the path/URL. */
static int wheel_candidate(const s2n_toml_node *wn, const char *lockdir, s2n_distfile *d)
{
    const char *url = str_of(wn, "url"), *path = str_of(wn, "path"), *name = str_of(wn, "name");
    const char *src = path ? path : url;
    if (!src)
        return -1;
    if (!name) {
        const char *slash = strrchr(src, '/');
        name = slash ? slash + 1 : src;
    }
    if (s2n_distfile_parse(name, d) != 0 || !d->is_wheel)
        return -1;
    char buf[PATH_MAX];
    if (path) {
        if (path[0] == '/')
            snprintf(buf, sizeof buf, "%s", path);
        else
            snprintf(buf, sizeof buf, "%s/%s", lockdir, path);
        d->path = strdup(buf);
    } else if (strncmp(url, "file://", 7) == 0) {
        d->path = strdup(url + 7);
    } else {
        d->url = strdup(url);
    }
    const char *sha = s2n_toml_str(s2n_toml_get(s2n_toml_get(wn, "hashes"), "sha256"));
    if (sha)
        d->sha256 = strdup(sha);
    return 0;
}

int s2n_pylock_plan(const char *lock, s2n_finder *f, const s2n_pyinfo *py, s2n_native_plan *p,
                    char *msg, size_t cap)
{
    memset(p, 0, sizeof *p);
    char err[512];
    s2n_toml *doc = s2n_toml_parse_file(lock, err, sizeof err);
    if (!doc) {
        snprintf(msg, cap, "%s", err);
        return S2N_PLAN_ERROR;
    }
    char lockdir[PATH_MAX];
    snprintf(lockdir, sizeof lockdir, "%s", lock);
    char *slash = strrchr(lockdir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(lockdir, ".");

    const s2n_toml_node *root = s2n_toml_root(doc);
    const s2n_toml_node *lv = s2n_toml_get(root, "lock-version");
    const char *ver = s2n_toml_str(lv);
    int rc = S2N_PLAN_OK;
    s2n_distfile *sel = NULL;
    s2n_reqline *rls = NULL;
    const s2n_reqline **sel_rl = NULL;
    size_t nsel = 0;
    if (!ver || strtol(ver, NULL, 10) != 1) {
        rc = lfail(msg, cap, lock, lv, "expected lock-version = \"1.0\" (PEP 751), got %s",
                   ver ? ver : "none");
        goto out;
    }
    const s2n_toml_node *rp = s2n_toml_get(root, "requires-python");
    if (s2n_toml_str(rp)
        && s2n_spec_contains(s2n_toml_str(rp), py->markers[S2N_MK_PYTHON_FULL_VERSION]) != 1) {
        rc = lfail(msg, cap, lock, rp, "the lock requires Python %s; the interpreter is %s",
                   s2n_toml_str(rp), py->version);
        goto out;
    }
    const s2n_toml_node *pkgs = s2n_toml_get(root, "packages");
    size_t np = s2n_toml_len(pkgs);
    if (s2n_toml_type_of(pkgs) != S2N_TOML_ARRAY) {
        rc = lfail(msg, cap, lock, pkgs, "expected [[packages]] tables");
        goto out;
    }
    sel = calloc(np + 1, sizeof *sel);
    rls = calloc(np + 1, sizeof *rls);
    sel_rl = calloc(np + 1, sizeof *sel_rl);
    p->items = calloc(np + 1, sizeof *p->items);
    for (size_t i = 0; i < np && rc == S2N_PLAN_OK; i++) {
        const s2n_toml_node *pk = s2n_toml_at(pkgs, i);
        const char *name = str_of(pk, "name");
        if (!name) {
            rc = lfail(msg, cap, lock, pk, "a package without a name");
            break;
        }
        const s2n_toml_node *mk = s2n_toml_get(pk, "marker");
        if (s2n_toml_str(mk)) {
            s2n_marker_env env = {py->markers, ""};
            char merr[200];
            int v = s2n_marker_eval(s2n_toml_str(mk), &env, merr, sizeof merr);
            if (v < 0) {
                rc = lfail(msg, cap, lock, mk, "marker of %s: %s", name, merr);
                break;
            }
            if (!v)
                continue;
        }
        const s2n_toml_node *wheels = s2n_toml_get(pk, "wheels");
        s2n_distfile *cands = calloc(s2n_toml_len(wheels) + 1, sizeof *cands);
        size_t nc = 0;
        long best = -1, best_rank = -1;
        for (size_t k = 0; k < s2n_toml_len(wheels); k++) {
            if (wheel_candidate(s2n_toml_at(wheels, k), lockdir, &cands[nc]) != 0)
                continue;
            long r = s2n_wheel_rank(py, cands[nc].tags);
            if (r >= 0 && (best < 0 || r < best_rank))
                best = (long)nc, best_rank = r;
            nc++;
        }
        if (best < 0) {
            const char *other = s2n_toml_get(pk, "sdist") ? "an sdist"
                                : s2n_toml_get(pk, "vcs") ? "a VCS checkout"
                                : s2n_toml_get(pk, "directory") ? "a directory"
                                : s2n_toml_get(pk, "archive") ? "an archive" : NULL;
            if (other && nc == 0)
                rc = lfail(msg, cap, lock, pk, "%s is locked as %s only; the native installer "
                           "installs wheels", name, other);
            else {
                lfail(msg, cap, lock, pk, "no compatible wheel for %s (Python %s); the lock has: ",
                      name, py->version);
                size_t len = strlen(msg);
                for (size_t k = 0; k < nc && len + 2 < cap; k++) {
                    snprintf(msg + len, cap - len, "%s%s", k ? ", " : "", cands[k].filename);
                    len = strlen(msg);
                }
                if (nc == 0)
                    snprintf(msg + len, cap - len, "no wheels");
                rc = S2N_PLAN_ERROR;
            }
        } else if (!cands[best].sha256) {
            rc = lfail(msg, cap, lock, pk, "the wheel of %s has no sha256 hash", name);
        }
        if (rc == S2N_PLAN_OK) {
            const char *pv = str_of(pk, "version");
            char vnorm[128];
            if (pv && s2n_pver_normalize(pv, vnorm, sizeof vnorm) == 0
                && strcmp(vnorm, cands[best].version) != 0)
                rc = lfail(msg, cap, lock, pk, "%s is locked at %s but its wheel is %s", name, pv,
                           cands[best].filename);
        }
        if (rc == S2N_PLAN_OK) {
            sel[nsel] = s2n_distfile_copy(&cands[best]);
            s2n_reqline *rl = &rls[nsel];
            char where[64] = "";
            s2n_toml_where(pk, where, sizeof where);
            rl->file = (char *)lock;
            rl->line = atoi(where);
            rl->raw = (char *)name;
            rl->dep.name = (char *)name;
            sel_rl[nsel] = rl;
            s2n_native_item *it = &p->items[p->n++];
            char norm[256];
            s2n_pep503(name, norm, sizeof norm);
            it->norm = strdup(norm);
            it->version = strdup(cands[best].version);
            nsel++;
        }
        s2n_distfiles_free(cands, nc);
        free(cands);
    }
    if (rc == S2N_PLAN_OK) {
        rc = s2n_native_finish(f, py, p, sel, sel_rl, nsel, msg, cap);
        /* A lock is complete by definition: a gap is an error, not a
         * reason to resolve. */
        if (rc == S2N_PLAN_FALLBACK) {
            char tmp[1024];
            snprintf(tmp, sizeof tmp, "%s", msg);
            snprintf(msg, cap, "%s: %s", lock, tmp);
            rc = S2N_PLAN_ERROR;
        }
    }
out:
    if (rc != S2N_PLAN_OK)
        s2n_native_plan_free(p);
    s2n_distfiles_free(sel, nsel);
    free(sel);
    free(rls);
    free(sel_rl);
    s2n_toml_free(doc);
    return rc;
}

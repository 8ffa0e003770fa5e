/*
 * Planning and running a native install.  Anything that would need a
 * resolver (ranges, missing dependencies), a build (sdists) or a remote
 * index is a fallback to pip, never a guess.
 */
#include "config.h"

#include "plugins/venv/native.h"
#include "plugins/venv/fetch.h"
#include "plugins/common/hash.h"
#include "plugins/common/venv_pep440.h"
#include "plugins/common/venv_pep508.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int say(char *msg, size_t cap, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int say(char *msg, size_t cap, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
    return rc;
}

static s2n_native_item *find_item(s2n_native_plan *p, const char *norm)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->items[i].norm, norm) == 0)
            return &p->items[i];
    return NULL;
}

static int has_extra(const s2n_native_item *it, const char *e)
{
    for (size_t i = 0; i < it->nextras; i++)
        if (strcmp(it->extras[i], e) == 0)
            return 1;
    return 0;
}

static int add_extra(s2n_native_item *it, const char *e)
{
    if (has_extra(it, e))
        return 0;
    char **nx = realloc(it->extras, (it->nextras + 1) * sizeof *nx);
    if (!nx)
        return 0;
    it->extras = nx;
    nx[it->nextras++] = strdup(e);
    return 1;
}

/* Index of the best wheel for `version` in files (-1 none); notes why
 * others were passed over. */
static long pick(const s2n_distfile *files, size_t n, const s2n_pyinfo *py, const char *version,
                 int *sdist, int *rp_excluded)
{
    long best_rank = -1, best_build = -1, best = -1;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(files[i].version, version) != 0)
            continue;
        if (!files[i].is_wheel) {
            *sdist = 1;
            continue;
        }
        long r = s2n_wheel_rank(py, files[i].tags);
        if (r < 0)
            continue;
        if (files[i].requires_python
            && s2n_spec_contains(files[i].requires_python,
                                 py->markers[S2N_MK_PYTHON_FULL_VERSION]) == 0) {
            *rp_excluded = 1;
            continue;
        }
        if (best_rank < 0 || r < best_rank || (r == best_rank && files[i].build > best_build)) {
            best_rank = r;
            best_build = files[i].build;
            best = (long)i;
        }
    }
    return best;
}

/* The wheel to install for name==version: local sources first, remote
 * indexes only when they lack it. */
static int choose_wheel(s2n_finder *f, const s2n_pyinfo *py, const s2n_reqline *rl,
                        const char *version, s2n_distfile *sel, char *msg, size_t cap)
{
    s2n_distfile *files = NULL;
    size_t n = s2n_finder_files(f, rl->dep.norm, &files);
    int sdist = 0, rp_excluded = 0;
    long best = pick(files, n, py, version, &sdist, &rp_excluded);
    if (best < 0 && f->remote) {
        s2n_distfile *rf = NULL;
        char ferr[512] = "";
        long rn = s2n_finder_remote_files(f, rl->dep.norm, &rf, ferr, sizeof ferr);
        if (rn < 0) {
            s2n_distfiles_free(files, n);
            free(files);
            return say(msg, cap, S2N_PLAN_FALLBACK, "cannot read a remote source (%s)", ferr);
        }
        s2n_distfile *all = realloc(files, (n + (size_t)rn + 1) * sizeof *all);
        if (all) {
            files = all;
            for (long i = 0; i < rn; i++)
                files[n++] = rf[i];
            free(rf);
            best = pick(files, n, py, version, &sdist, &rp_excluded);
        } else {
            s2n_distfiles_free(rf, (size_t)rn);
            free(rf);
        }
    }
    int rc;
    if (best >= 0) {
        *sel = s2n_distfile_copy(&files[best]);
        rc = S2N_PLAN_OK;
    } else if (sdist) {
        rc = say(msg, cap, S2N_PLAN_FALLBACK, "%s==%s is only available as a source distribution",
                 rl->dep.name, version);
    } else if (rp_excluded) {
        rc = say(msg, cap, S2N_PLAN_FALLBACK,
                 "every %s==%s wheel excludes Python %s by Requires-Python", rl->dep.name, version,
                 py->markers[S2N_MK_PYTHON_FULL_VERSION]);
    } else {
        /* The error lists what was seen, so the user knows what to add. */
        say(msg, cap, 0, "%s:%d: no compatible wheel for %s==%s (Python %s, best tag %s); found: ",
            rl->file, rl->line, rl->dep.name, version, py->version, py->ntags ? py->tags[0] : "?");
        size_t len = strlen(msg);
        if (n == 0)
            snprintf(msg + len, cap - len, "no files for %s in %zu find-links source(s) and %zu "
                     "index(es)", rl->dep.name, f->nlinks, f->nindexes);
        for (size_t i = 0; i < n && len + 2 < cap; i++) {
            snprintf(msg + len, cap - len, "%s%s", i ? ", " : "", files[i].filename);
            len = strlen(msg);
        }
        rc = S2N_PLAN_ERROR;
    }
    s2n_distfiles_free(files, n);
    free(files);
    return rc;
}

/* --hash of the requirement and the index's #sha256 must both hold. */
static int check_hashes(const s2n_reqline *rl, const s2n_distfile *d, const char *version,
                        char *msg, size_t cap)
{
    if (!rl->nhashes && !d->sha256)
        return S2N_PLAN_OK;
    uint8_t dg[32];
    char hex[65];
    uint64_t size;
    if (s2n_sha256_file(d->path, dg, &size) != 0)
        return say(msg, cap, S2N_PLAN_ERROR, "cannot read %s", d->path);
    s2n_hex(dg, 32, hex);
    int ok = rl->nhashes == 0;
    for (size_t k = 0; k < rl->nhashes; k++)
        if (strncmp(rl->hashes[k], "sha256:", 7) == 0 && strcasecmp(rl->hashes[k] + 7, hex) == 0)
            ok = 1;
    if (!ok)
        return say(msg, cap, S2N_PLAN_ERROR,
                   "%s:%d: hash mismatch for %s==%s: %s has sha256:%s, the requirement expects "
                   "%s%s",
                   rl->file, rl->line, rl->dep.name, version, d->url ? d->url : d->path, hex,
                   rl->hashes[0], rl->nhashes > 1 ? " (or another listed hash)" : "");
    if (d->sha256 && strcasecmp(d->sha256, hex) != 0)
        return say(msg, cap, S2N_PLAN_ERROR,
                   "hash mismatch for %s: expected sha256=%s (index or lock), the file has %s",
                   d->url ? d->url : d->path, d->sha256, hex);
    return S2N_PLAN_OK;
}

/* Remote wheels into the download folder (a cached copy is reused when
 * the index names its sha256 and it still matches). */
static int download(s2n_finder *f, s2n_distfile *sel, size_t n, char *msg, size_t cap)
{
    const char **urls = calloc(n + 1, sizeof *urls);
    const char **dests = calloc(n + 1, sizeof *dests);
    size_t k = 0;
    int rc = S2N_PLAN_OK;
    for (size_t i = 0; i < n; i++) {
        if (!sel[i].url || sel[i].path)
            continue;
        if (!f->download_dir) {
            rc = say(msg, cap, S2N_PLAN_FALLBACK, "no download folder for %s", sel[i].url);
            break;
        }
        char *dest = NULL;
        if (asprintf(&dest, "%s/%s", f->download_dir, sel[i].filename) < 0) {
            rc = say(msg, cap, S2N_PLAN_ERROR, "out of memory");
            break;
        }
        sel[i].path = dest;
        uint8_t dg[32];
        char hex[65];
        uint64_t size;
        if (sel[i].sha256 && s2n_sha256_file(dest, dg, &size) == 0) {
            s2n_hex(dg, 32, hex);
            if (strcasecmp(hex, sel[i].sha256) == 0)
                continue;
        }
        urls[k] = sel[i].url;
        dests[k] = dest;
        k++;
    }
    if (rc == S2N_PLAN_OK && k) {
        char err[1024];
        if (s2n_fetch_files(urls, dests, k, err, sizeof err) != 0)
            rc = say(msg, cap, S2N_PLAN_ERROR, "%s", err);
    }
    free(urls);
    free(dests);
    return rc;
}

/* Every Requires-Dist of every planned wheel (for its extras) must be in
 * the plan at a version the specifier accepts.  Extras of dependencies
 * are added as found, until nothing changes. */
static int check_closure(s2n_native_plan *p, const s2n_pyinfo *py, char *msg, size_t cap)
{
    int changed = 1;
    while (changed) {
        changed = 0;
        for (size_t i = 0; i < p->n; i++) {
            s2n_native_item *it = &p->items[i];
            char **deps;
            size_t nd = s2n_meta_values(it->info.metadata, "Requires-Dist", &deps);
            int rc = S2N_PLAN_OK;
            for (size_t k = 0; k < nd && rc == S2N_PLAN_OK; k++) {
                s2n_dep d;
                char derr[200];
                if (s2n_dep_parse(deps[k], &d, derr, sizeof derr, NULL) != 0) {
                    rc = say(msg, cap, S2N_PLAN_FALLBACK, "%s has an unreadable Requires-Dist '%s'",
                             it->info.name, deps[k]);
                    break;
                }
                int needed = 1;
                if (d.marker) {
                    needed = 0;
                    for (size_t e = 0; e <= it->nextras && !needed; e++) {
                        s2n_marker_env env = {py->markers, e == it->nextras ? "" : it->extras[e]};
                        needed = s2n_marker_eval(d.marker, &env, derr, sizeof derr) == 1;
                    }
                }
                char why[300];
                if (needed && !find_item(p, d.norm) && p->site
                    && s2n_sitedists_satisfy(p->site, py, &d, why, sizeof why))
                    needed = 0; /* the system site-packages have it */
                if (needed) {
                    s2n_native_item *dep = find_item(p, d.norm);
                    if (!dep)
                        rc = say(msg, cap, S2N_PLAN_FALLBACK,
                                 "%s %s requires %s%s, which the requirements do not pin",
                                 it->info.name, it->version, d.name, d.spec);
                    else if (d.url)
                        rc = say(msg, cap, S2N_PLAN_FALLBACK, "%s requires %s from a URL",
                                 it->info.name, d.name);
                    else if (s2n_spec_contains(d.spec, dep->version) != 1)
                        rc = say(msg, cap, S2N_PLAN_FALLBACK,
                                 "%s %s requires %s%s, but %s is pinned", it->info.name,
                                 it->version, d.name, d.spec, dep->version);
                    else
                        for (size_t x = 0; x < d.nextras; x++)
                            changed |= add_extra(dep, d.extras[x]);
                }
                s2n_dep_free(&d);
            }
            s2n_strv_free(deps, nd);
            if (rc != S2N_PLAN_OK)
                return rc;
        }
    }
    return S2N_PLAN_OK;
}

/* PEP 658: when the index serves a remote wheel's METADATA, check the
 * closure from it before downloading any wheel, so a missing dependency
 * costs a few small requests, not every download.  Files without it (and
 * local files) take part by name and pin only; the full check runs again
 * on the wheels themselves after the download. */
static int metadata_first(s2n_native_plan *p, const s2n_pyinfo *py, const s2n_distfile *sel,
                          size_t nsel, char *msg, size_t cap)
{
    int any = 0, rc = S2N_PLAN_OK;
    for (size_t i = 0; i < nsel && rc == S2N_PLAN_OK; i++) {
        if (!sel[i].url || sel[i].path)
            continue;
        char *text, **name;
        size_t len;
        int got = s2n_distfile_metadata(&sel[i], &text, &len, msg, cap);
        if (got < 0)
            rc = S2N_PLAN_ERROR;
        else if (got > 0) {
            s2n_wheel_info *info = &p->items[i].info;
            info->metadata = text;
            size_t nn = s2n_meta_values(text, "Name", &name);
            info->name = strdup(nn ? name[0] : sel[i].norm);
            s2n_strv_free(name, nn);
            any = 1;
        }
    }
    if (rc == S2N_PLAN_OK && any)
        rc = check_closure(p, py, msg, cap);
    for (size_t i = 0; i < nsel; i++)
        s2n_wheel_info_free(&p->items[i].info); /* the wheels' own METADATA comes next */
    return rc;
}

/* Download what is remote, check hashes, read each wheel's metadata into
 * the plan items (items[i] belongs to sel[i]). */
static int fetch_and_read(s2n_finder *f, const s2n_pyinfo *py, s2n_native_plan *p,
                          s2n_distfile *sel, const s2n_reqline **sel_rl, size_t nsel, char *msg,
                          size_t cap)
{
    int rc = metadata_first(p, py, sel, nsel, msg, cap);
    if (rc == S2N_PLAN_OK)
        rc = download(f, sel, nsel, msg, cap);
    for (size_t i = 0; rc == S2N_PLAN_OK && i < nsel; i++) {
        s2n_native_item *it = &p->items[i];
        const s2n_reqline *rl = sel_rl[i];
        rc = check_hashes(rl, &sel[i], it->version, msg, cap);
        if (rc != S2N_PLAN_OK)
            break;
        char werr[512];
        if (s2n_wheel_peek(sel[i].path, &it->info, werr, sizeof werr) != 0) {
            rc = say(msg, cap, S2N_PLAN_ERROR, "%s", werr);
            break;
        }
        char mnorm[256], mver[128];
        s2n_pep503(it->info.name, mnorm, sizeof mnorm);
        if (strcmp(mnorm, it->norm) != 0 || s2n_pver_normalize(it->info.version, mver, sizeof mver)
            || strcmp(mver, it->version) != 0) {
            rc = say(msg, cap, S2N_PLAN_ERROR, "%s: its METADATA says %s %s, not %s==%s",
                     it->info.path, it->info.name, it->info.version, rl->dep.name, it->version);
            break;
        }
        char **rp;
        size_t nrp = s2n_meta_values(it->info.metadata, "Requires-Python", &rp);
        if (nrp && s2n_spec_contains(rp[0], py->markers[S2N_MK_PYTHON_FULL_VERSION]) == 0)
            rc = say(msg, cap, S2N_PLAN_FALLBACK, "%s %s requires Python %s", it->info.name,
                     it->version, rp[0]);
        s2n_strv_free(rp, nrp);
    }
    return rc;
}

int s2n_native_finish(s2n_finder *f, const s2n_pyinfo *py, s2n_native_plan *p,
                      s2n_distfile *sel, const s2n_reqline **sel_rl, size_t nsel, char *msg,
                      size_t cap)
{
    int rc = fetch_and_read(f, py, p, sel, sel_rl, nsel, msg, cap);
    if (rc == S2N_PLAN_OK)
        rc = check_closure(p, py, msg, cap);
    return rc;
}

int s2n_native_add_wheel(s2n_native_plan *p, const s2n_pyinfo *py, const char *wheel,
                         const char *direct_url, char *msg, size_t cap)
{
    s2n_native_item *ni = realloc(p->items, (p->n + 1) * sizeof *ni);
    if (!ni)
        return say(msg, cap, S2N_PLAN_ERROR, "out of memory");
    p->items = ni;
    s2n_native_item *it = &ni[p->n];
    memset(it, 0, sizeof *it);
    char werr[512];
    if (s2n_wheel_peek(wheel, &it->info, werr, sizeof werr) != 0)
        return say(msg, cap, S2N_PLAN_ERROR, "%s", werr);
    p->n++;
    char norm[256], ver[128];
    s2n_pep503(it->info.name, norm, sizeof norm);
    if (s2n_pver_normalize(it->info.version, ver, sizeof ver) != 0)
        snprintf(ver, sizeof ver, "%s", it->info.version);
    it->norm = strdup(norm);
    it->version = strdup(ver);
    it->direct_url = direct_url ? strdup(direct_url) : NULL;
    int rc = S2N_PLAN_OK;
    for (size_t i = 0; i + 1 < p->n; i++)
        if (strcmp(p->items[i].norm, norm) == 0)
            rc = say(msg, cap, S2N_PLAN_FALLBACK, "the requirements also name the project %s",
                     it->info.name);
    if (rc == S2N_PLAN_OK)
        rc = check_closure(p, py, msg, cap);
    if (rc != S2N_PLAN_OK) {
        p->n--;
        s2n_wheel_info_free(&it->info);
        free(it->norm);
        free(it->version);
        free(it->direct_url);
        s2n_strv_free(it->extras, it->nextras);
    }
    return rc;
}

static void plan_note(s2n_native_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void plan_note(s2n_native_plan *p, const char *fmt, ...)
{
    char **nn = realloc(p->notes, (p->nnotes + 1) * sizeof *nn);
    if (!nn)
        return;
    p->notes = nn;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&nn[p->nnotes], fmt, ap) >= 0)
        p->nnotes++;
    va_end(ap);
}

/* pip installs nothing for a requirement the environment already meets
 * (the system site-packages of an environment that includes them):
 * neither do we, provided its constraints accept the installed version.
 * In hash-checking mode everything goes through the hashed path. */
static int already_satisfied(const s2n_reqset *rs, const s2n_reqline *rl, const s2n_pyinfo *py,
                             s2n_native_plan *p, int hashes)
{
    char why[300];
    if (!p->site || hashes || rl->editable || !rl->dep.norm
        || !s2n_sitedists_satisfy(p->site, py, &rl->dep, why, sizeof why))
        return 0;
    s2n_sitedist *sd = s2n_sitedists_find(p->site, rl->dep.norm);
    for (size_t k = 0; k < rs->n; k++) {
        const s2n_reqline *c = &rs->items[k];
        if (c->constraint && c->active && c->dep.norm && strcmp(c->dep.norm, rl->dep.norm) == 0
            && s2n_spec_contains(c->dep.spec, sd->version) != 1)
            return 0;
    }
    char **ns = realloc(p->satisfied, (p->nsatisfied + 1) * sizeof *ns);
    if (ns) {
        p->satisfied = ns;
        char *desc = malloc(strlen(sd->name) + strlen(sd->version) + 2);
        if (desc)
            sprintf(desc, "%s %s", sd->name, sd->version);
        ns[p->nsatisfied] = desc;
        p->nsatisfied += desc != NULL;
    }
    return 1;
}

int s2n_native_plan_make(const s2n_reqset *rs, s2n_finder *f, const s2n_pyinfo *py,
                         s2n_sitedists *site, s2n_native_plan *p, char *msg, size_t cap)
{
    memset(p, 0, sizeof *p);
    p->site = site;
    if (rs->unsupported)
        return say(msg, cap, S2N_PLAN_FALLBACK, "%s", rs->unsupported);
    int hashes = rs->require_hashes;
    for (size_t i = 0; i < rs->n; i++)
        hashes |= rs->items[i].nhashes > 0 && !rs->items[i].constraint;
    int rc = S2N_PLAN_OK;
    s2n_distfile *sel = NULL;          /* chosen file per planned item */
    const s2n_reqline **sel_rl = NULL; /* the line that asked for it   */
    size_t nsel = 0;
    for (size_t i = 0; i < rs->n && rc == S2N_PLAN_OK; i++) {
        const s2n_reqline *rl = &rs->items[i];
        if (rl->constraint || !rl->active || already_satisfied(rs, rl, py, p, hashes))
            continue;
        char pin[128];
        if (!s2n_spec_pin(rl->dep.spec, pin, sizeof pin)) {
            rc = say(msg, cap, S2N_PLAN_FALLBACK, "%s is not pinned with == (%s:%d)", rl->raw,
                     rl->file, rl->line);
            break;
        }
        if (hashes && rl->nhashes == 0) {
            rc = say(msg, cap, S2N_PLAN_FALLBACK, "hashes are required but %s has none (%s:%d)",
                     rl->raw, rl->file, rl->line);
            break;
        }
        s2n_native_item *dup = find_item(p, rl->dep.norm);
        if (dup) {
            if (strcmp(dup->version, pin) != 0) {
                rc = say(msg, cap, S2N_PLAN_FALLBACK, "%s is pinned twice (%s and %s)",
                         rl->dep.name, dup->version, pin);
                break;
            }
            for (size_t x = 0; x < rl->dep.nextras; x++)
                add_extra(dup, rl->dep.extras[x]);
            continue;
        }
        /* A constraint on a pinned project must accept the pin. */
        for (size_t k = 0; k < rs->n && rc == S2N_PLAN_OK; k++) {
            const s2n_reqline *c = &rs->items[k];
            if (c->constraint && c->active && c->dep.norm && strcmp(c->dep.norm, rl->dep.norm) == 0
                && s2n_spec_contains(c->dep.spec, pin) != 1)
                rc = say(msg, cap, S2N_PLAN_FALLBACK, "%s==%s conflicts with constraint %s (%s:%d)",
                         rl->dep.name, pin, c->raw, c->file, c->line);
        }
        if (rc != S2N_PLAN_OK)
            break;
        s2n_distfile d = {0};
        rc = choose_wheel(f, py, rl, pin, &d, msg, cap);
        if (rc != S2N_PLAN_OK)
            break;
        if (d.yanked) /* pip installs a pinned yanked file too, and warns */
            plan_note(p, "%s==%s is yanked on its index (PEP 592); installing it because it is "
                         "pinned", rl->dep.name, pin);
        s2n_distfile *ns = realloc(sel, (nsel + 1) * sizeof *ns);
        const s2n_reqline **nr = realloc(sel_rl, (nsel + 1) * sizeof *nr);
        if (ns)
            sel = ns;
        if (nr)
            sel_rl = nr;
        if (!ns || !nr) {
            s2n_distfiles_free(&d, 1);
            rc = say(msg, cap, S2N_PLAN_ERROR, "out of memory");
            break;
        }
        sel[nsel] = d;
        sel_rl[nsel] = rl;
        nsel++;
        /* a placeholder item: names and extras now, the wheel below */
        s2n_native_item *ni = realloc(p->items, (p->n + 1) * sizeof *ni);
        if (!ni) {
            rc = say(msg, cap, S2N_PLAN_ERROR, "out of memory");
            break;
        }
        p->items = ni;
        s2n_native_item *it = &ni[p->n++];
        memset(it, 0, sizeof *it);
        it->norm = strdup(rl->dep.norm);
        it->version = strdup(pin);
        for (size_t x = 0; x < rl->dep.nextras; x++)
            add_extra(it, rl->dep.extras[x]);
    }
    if (rc == S2N_PLAN_OK)
        rc = fetch_and_read(f, py, p, sel, sel_rl, nsel, msg, cap);
    s2n_distfiles_free(sel, nsel);
    free(sel);
    free(sel_rl);
    if (rc == S2N_PLAN_OK)
        rc = check_closure(p, py, msg, cap);
    if (rc != S2N_PLAN_OK)
        s2n_native_plan_free(p);
    return rc;
}

void s2n_native_plan_free(s2n_native_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        s2n_wheel_info_free(&p->items[i].info);
        free(p->items[i].norm);
        free(p->items[i].version);
        free(p->items[i].direct_url);
        s2n_strv_free(p->items[i].extras, p->items[i].nextras);
    }
    free(p->items);
    for (size_t i = 0; i < p->nsatisfied; i++)
        free(p->satisfied[i]);
    free(p->satisfied);
    for (size_t i = 0; i < p->nnotes; i++)
        free(p->notes[i]);
    free(p->notes);
    memset(p, 0, sizeof *p);
}

uint64_t s2n_native_unpacked_size(const s2n_native_plan *p, uint64_t *nfiles)
{
    uint64_t total = 0, files = 0;
    for (size_t i = 0; i < p->n; i++) {
        const char *rec = p->items[i].info.record;
        for (const char *line = rec; line && *line;) {
            const char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            char *f[3] = {0};
            int nf = s2n_record_split(line, len, f);
            if (nf == 3 && f[2][0])
                total += strtoull(f[2], NULL, 10);
            files += len > 0;
            for (int k = 0; k < nf; k++)
                free(f[k]);
            line = nl ? nl + 1 : NULL;
        }
    }
    if (nfiles)
        *nfiles = files;
    return total;
}

/* Wheels are installed by one thread per CPU: most of an install is the
 * kernel creating files, and that scales with threads. */
typedef struct install_pool {
    const s2n_native_plan *p;
    const s2n_wheel_target *t;
    s2n_installed *ins;
    pthread_mutex_t lock;
    size_t next;   /* the next item to take */
    int failed;    /* stop taking items     */
    char err[1024]; /* the first error       */
} install_pool;

static void *install_worker(void *arg)
{
    install_pool *pool = arg;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        size_t i = pool->failed ? pool->p->n : pool->next++;
        pthread_mutex_unlock(&pool->lock);
        if (i >= pool->p->n)
            return NULL;
        s2n_wheel_target ti = *pool->t;
        ti.direct_url = pool->p->items[i].direct_url;
        char err[1024];
        if (s2n_wheel_install(&pool->p->items[i].info, &ti, &pool->ins[i], err, sizeof err) != 0) {
            pthread_mutex_lock(&pool->lock);
            if (!pool->failed)
                snprintf(pool->err, sizeof pool->err, "%s", err);
            pool->failed = 1;
            pthread_mutex_unlock(&pool->lock);
        }
    }
}

static int install_parallel(install_pool *pool)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nthreads = cpus > 1 ? (size_t)(cpus < 4 ? cpus : 4) : 1;
    if (nthreads > pool->p->n)
        nthreads = pool->p->n;
    s2n_wheel_install_init();
    pthread_t tid[4];
    size_t started = 0;
    for (size_t k = 1; k < nthreads; k++)
        if (pthread_create(&tid[started], NULL, install_worker, pool) == 0)
            started++;
    install_worker(pool); /* this thread works too */
    for (size_t k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
    return pool->failed ? -1 : 0;
}

int s2n_native_install(const s2n_native_plan *p, const s2n_wheel_target *t, const s2n_pyinfo *py,
                       int compile, const char *tmpdir, const s2n_runner *runner, char *err,
                       size_t errcap)
{
    s2n_installed *ins = calloc(p->n ? p->n : 1, sizeof *ins);
    if (!ins)
        return say(err, errcap, -1, "out of memory");
    install_pool pool = {.p = p, .t = t, .ins = ins, .lock = PTHREAD_MUTEX_INITIALIZER};
    int rc = install_parallel(&pool);
    size_t done = p->n; /* every slot is set up or zeroed: all can be freed */
    if (rc != 0)
        snprintf(err, errcap, "%s", pool.err);
    if (rc == 0 && compile)
        rc = s2n_wheel_compile(ins, p->n, py->path, tmpdir, runner, err, errcap);
    for (size_t i = 0; rc == 0 && i < p->n; i++)
        rc = s2n_installed_finish(&ins[i], err, errcap);
    for (size_t i = 0; i < done; i++)
        s2n_installed_free(&ins[i]);
    free(ins);
    return rc;
}

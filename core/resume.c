#include "config.h"
#include "core/resume.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int resume_wanted(const resume_opts *o)
{
    return o && ((o->only && o->only->n) || o->from || o->failed);
}

/* Earlier records, newest first. */
typedef struct record_list {
    json_t **recs;
    char **ids;
    size_t n;
} record_list;

static int by_started_desc(const void *a, const void *b)
{
    json_t *const *x = a, *const *y = b;
    const char *sx = json_string_value(json_object_get(*x, "started"));
    const char *sy = json_string_value(json_object_get(*y, "started"));
    int c = strcmp(sy ? sy : "", sx ? sx : "");
    if (c)
        return c;
    /* within one second: the record written last */
    double mx = json_number_value(json_object_get(*x, "_mtime"));
    double my = json_number_value(json_object_get(*y, "_mtime"));
    if (mx != my)
        return my > mx ? 1 : -1;
    const char *ix = json_string_value(json_object_get(*x, "run_id"));
    const char *iy = json_string_value(json_object_get(*y, "run_id"));
    return strcmp(iy ? iy : "", ix ? ix : "");
}

static void load_records(const char *state_dir, const char *skip_id, record_list *l)
{
    memset(l, 0, sizeof *l);
    char *runs = path_join(state_dir, "runs");
    DIR *d = opendir(runs);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "latest") == 0 ||
            (skip_id && strcmp(e->d_name, skip_id) == 0))
            continue;
        char *p = xasprintf("%s/%s/record.json", runs, e->d_name);
        json_t *j = json_load_file(p, 0, NULL);
        if (!j) {
            free(p);
            continue;
        }
        if (!json_object_get(j, "run_id"))
            json_object_set_new(j, "run_id", json_string(e->d_name));
        struct stat sb;
        if (stat(p, &sb) == 0)
            json_object_set_new(j, "_mtime", json_real((double)sb.st_mtim.tv_sec +
                                                       sb.st_mtim.tv_nsec / 1e9));
        free(p);
        l->recs = xrealloc(l->recs, (l->n + 1) * sizeof *l->recs);
        l->recs[l->n++] = j;
    }
    if (d)
        closedir(d);
    free(runs);
    if (l->n)
        qsort(l->recs, l->n, sizeof *l->recs, by_started_desc);
}

static void free_records(record_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        json_decref(l->recs[i]);
    free(l->recs);
    memset(l, 0, sizeof *l);
}

static json_t *stage_in(json_t *rec, const char *name)
{
    size_t i;
    json_t *st;
    json_array_foreach(json_object_get(rec, "stages"), i, st)
    {
        const char *n = json_string_value(json_object_get(st, "name"));
        if (n && strcmp(n, name) == 0)
            return st;
    }
    return NULL;
}

static int good_result(const char *res)
{
    return res && (strcmp(res, "ok") == 0 || strcmp(res, "cached") == 0 || strcmp(res, "skipped") == 0);
}

/* Every artifact still in place with its recorded hash. */
static int artifacts_intact(json_t *st, char **why)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(st, "artifacts"), i, a)
    {
        const char *path = json_string_value(json_object_get(a, "path"));
        const char *sha = json_string_value(json_object_get(a, "sha256"));
        char have[65];
        uint64_t size;
        if (!path || !sha || sha256_file_hex(path, have, &size) != 0) {
            *why = xasprintf("its artifact %s is gone", path ? path : "?");
            return 0;
        }
        if (strcmp(have, sha) != 0) {
            *why = xasprintf("its artifact %s changed since (sha256 %.12s, recorded %.12s)", path,
                             have, sha);
            return 0;
        }
    }
    return 1;
}

static void fill(stage_run *sr, json_t *st, const char *run_id)
{
    json_t *arts = json_object_get(st, "artifacts"), *a;
    size_t i;
    sr->arts = xcalloc(json_array_size(arts) + 1, sizeof *sr->arts);
    json_array_foreach(arts, i, a)
        artifact_from_json(&sr->arts[sr->narts++], a, NULL);
    stage_outputs_tests_from_json(sr, st);
    free(sr->message);
    sr->message = xasprintf("reused from run %s", run_id);
    sr->outcome = OUT_CACHED;
    sr->phase = PH_DONE;
    sr->selected = 1;
}

/* Reuse stage `sr` from the newest earlier run where it was good. */
static int reuse(record_list *l, stage_run *sr, char **err)
{
    char *last_why = NULL;
    for (size_t i = 0; i < l->n; i++) {
        json_t *st = stage_in(l->recs[i], sr->def->name);
        if (!st || !good_result(json_string_value(json_object_get(st, "result"))))
            continue;
        char *why = NULL;
        if (!artifacts_intact(st, &why)) {
            free(last_why);
            last_why = why;
            continue;
        }
        fill(sr, st, json_string_value(json_object_get(l->recs[i], "run_id")));
        free(last_why);
        return 0;
    }
    *err = last_why ? xasprintf("stage '%s' is needed but cannot be reused: %s; run it too",
                                sr->def->name, last_why)
                    : xasprintf("stage '%s' is needed but no earlier run has a good result of it; "
                                "run it too (or run the whole pipeline once)", sr->def->name);
    free(last_why);
    return -1;
}

static long index_of(run *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->st[i].def->name, name) == 0)
            return (long)i;
    return -1;
}

static char *unknown(run *r, const char *opt, const char *name)
{
    const char **cands = xcalloc(r->n + 1, sizeof *cands);
    for (size_t i = 0; i < r->n; i++)
        cands[i] = r->st[i].def->name;
    const char *s = diag_suggest(name, cands, r->n);
    char *e = s ? xasprintf("%s %s: no such stage (did you mean '%s'?)", opt, name, s)
                : xasprintf("%s %s: no such stage in %s", opt, name, r->p->file);
    free(cands);
    return e;
}

/* Marks everything downstream of marked stages (order is topological). */
static void downstream(run *r, int *mark)
{
    for (size_t k = 0; k < r->n; k++) {
        size_t i = r->p->order[k];
        for (size_t n = 0; n < r->st[i].def->needs.n && !mark[i]; n++) {
            long u = index_of(r, r->st[i].def->needs.v[n]);
            if (u >= 0 && mark[u])
                mark[i] = 1;
        }
    }
}

int resume_select(run *r, const resume_opts *o, char **err)
{
    *err = NULL;
    int *run_it = xcalloc(r->n + 1, sizeof *run_it);
    record_list l;
    load_records(r->state_dir, r->id, &l);
    int rc = -1;
    if (o->only && o->only->n) {
        for (size_t i = 0; i < o->only->n; i++) {
            long k = index_of(r, o->only->v[i]);
            if (k < 0) {
                *err = unknown(r, "--only", o->only->v[i]);
                goto out;
            }
            run_it[k] = 1;
        }
    } else if (o->from) {
        long k = index_of(r, o->from);
        if (k < 0) {
            *err = unknown(r, "--from", o->from);
            goto out;
        }
        run_it[k] = 1;
        downstream(r, run_it);
    } else if (o->failed) {
        if (!l.n) {
            *err = xstrdup("--failed: no earlier run is recorded");
            goto out;
        }
        json_t *last = l.recs[0];
        size_t bad = 0;
        for (size_t i = 0; i < r->n; i++) {
            json_t *st = stage_in(last, r->st[i].def->name);
            if (st && !good_result(json_string_value(json_object_get(st, "result")))) {
                run_it[i] = 1;
                bad++;
            }
        }
        if (!bad) {
            *err = xasprintf("--failed: nothing failed in the last run (%s)",
                             json_string_value(json_object_get(last, "run_id")));
            goto out;
        }
        downstream(r, run_it);
    }
    /* what the stages to run need, transitively, is reused */
    int *need = xcalloc(r->n + 1, sizeof *need);
    for (size_t k = r->n; k-- > 0;) {
        size_t i = r->p->order[k];
        if (!run_it[i] && !need[i])
            continue;
        for (size_t n = 0; n < r->st[i].def->needs.n; n++) {
            long u = index_of(r, r->st[i].def->needs.v[n]);
            if (u >= 0 && !run_it[u])
                need[u] = 1;
        }
    }
    rc = 0;
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        r->st[i].selected = run_it[i];
        if (need[i])
            rc = reuse(&l, &r->st[i], err);
    }
    free(need);
out:
    free(run_it);
    free_records(&l);
    return rc;
}

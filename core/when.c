#include "config.h"
#include "core/ctxvars.h"
#include "core/pathglob.h"
#include "core/when.h"

#include <stdlib.h>
#include <string.h>

static const char *const when_keys[] = {"branch", "event", "tag", "changes", "env"};

/* ----------------------------------------------------------- checking */

/* A string or a non-empty list of strings. */
static int check_strings(s2n_value *v, const char *key, diag *d)
{
    if (v->kind == S2N_KIND_STRING)
        return 0;
    if (v->kind == S2N_KIND_LIST && v->n > 0) {
        int bad = 0;
        for (size_t i = 0; i < v->n; i++)
            if (v->items[i]->kind != S2N_KIND_STRING) {
                diag_error(d, v->items[i], "when.%s: expected a string", key);
                bad = 1;
            }
        return bad ? -1 : 0;
    }
    diag_error(d, v, "when.%s: expected a string or a non-empty list of strings", key);
    return -1;
}

static void check_globs(s2n_value *v, const char *key, diag *d)
{
    if (check_strings(v, key, d) != 0)
        return;
    size_t n = v->kind == S2N_KIND_LIST ? v->n : 1;
    for (size_t i = 0; i < n; i++) {
        s2n_value *g = v->kind == S2N_KIND_LIST ? v->items[i] : v;
        const char *why = pathglob_check(g->str);
        if (why)
            diag_error(d, g, "when.%s: bad pattern '%s': %s", key, g->str, why);
    }
}

static void check_events(s2n_value *v, diag *d)
{
    if (check_strings(v, "event", d) != 0)
        return;
    size_t n = v->kind == S2N_KIND_LIST ? v->n : 1;
    for (size_t i = 0; i < n; i++) {
        s2n_value *e = v->kind == S2N_KIND_LIST ? v->items[i] : v;
        if (ctxvars_event_valid(e->str))
            continue;
        const char *s = ctxvars_event_suggest(e->str);
        if (s)
            diag_error(d, e, "when.event: unknown event '%s' (did you mean '%s'?)", e->str, s);
        else
            diag_error(d, e, "when.event: unknown event '%s'; one of push, pull_request, tag, manual",
                       e->str);
    }
}

static void check_env(s2n_value *v, diag *d)
{
    if (v->kind != S2N_KIND_MAP || v->n == 0) {
        diag_error(d, v, "when.env: expected a mapping of NAME: value");
        return;
    }
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i]->kind != S2N_KIND_STRING)
            diag_error(d, v->items[i] ? v->items[i] : v->keynodes[i],
                       "when.env.%s: expected a string value (quote numbers and booleans)",
                       v->keys[i]);
}

void when_check(s2n_value *when, diag *d)
{
    if (!when || when->kind == S2N_KIND_NULL)
        return;
    /* not a mapping: config.c already said so at its place */
    if (when->kind != S2N_KIND_MAP)
        return;
    for (size_t i = 0; i < when->n; i++) {
        const char *k = when->keys[i];
        s2n_value *v = when->items[i];
        if (!v || v->kind == S2N_KIND_NULL) {
            size_t known = 0;
            while (known < S2N_ARRAY_LEN(when_keys) && strcmp(k, when_keys[known]) != 0)
                known++;
            if (known < S2N_ARRAY_LEN(when_keys)) {
                diag_error(d, when->keynodes[i], "when.%s: a value is required", k);
                continue;
            }
        }
        if (strcmp(k, "branch") == 0 || strcmp(k, "tag") == 0 || strcmp(k, "changes") == 0)
            check_globs(v, k, d);
        else if (strcmp(k, "event") == 0)
            check_events(v, d);
        else if (strcmp(k, "env") == 0)
            check_env(v, d);
        else {
            const char *s = diag_suggest(k, when_keys, S2N_ARRAY_LEN(when_keys));
            if (s)
                diag_error(d, when->keynodes[i], "unknown condition '%s' in when (did you mean '%s'?)",
                           k, s);
            else
                diag_error(d, when->keynodes[i],
                           "unknown condition '%s' in when; allowed: branch, event, tag, changes, env",
                           k);
        }
    }
}

/* ----------------------------------------------------------- deciding */


static void join(strbuf *b, const char *const *s, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++)
        sb_printf(b, "%s%s", i ? sep : "", s[i]);
}

#define MAX_ITEMS 256

typedef struct verdict {
    strbuf yes; /* reasons the conditions hold */
    char *no;   /* the first that does not     */
} verdict;

static void holds(verdict *vd, char *why)
{
    sb_printf(&vd->yes, "%s%s", vd->yes.len ? "; " : "", why);
    free(why);
}

static const char *ctx(const when_source *src, const char *name)
{
    const char *v = src->context ? src->context(src->ctx, name) : NULL;
    return v ? v : "";
}

static int decide_globs(verdict *vd, const when_source *src, const s2n_value *v, const char *what)
{
    const char *g[MAX_ITEMS];
    size_t n = value_strings(v, g, MAX_ITEMS);
    const char *have = ctx(src, what);
    strbuf list = {0};
    join(&list, g, n, ", ");
    if (!*have) {
        vd->no = strcmp(what, "tag") == 0
                     ? xasprintf("not building a tag (wanted %s)", list.s)
                     : xasprintf("the %s is not known (wanted %s; set it with --%s)", what, list.s,
                                 what);
        sb_free(&list);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (pathglob_match(g[i], have)) {
            holds(vd, strcmp(g[i], have) == 0 ? xasprintf("%s is '%s'", what, have)
                                               : xasprintf("%s '%s' matches '%s'", what, have, g[i]));
            sb_free(&list);
            return 1;
        }
    vd->no = xasprintf("%s '%s' does not match %s", what, have, list.s);
    sb_free(&list);
    return 0;
}

static int decide_event(verdict *vd, const when_source *src, const s2n_value *v)
{
    const char *e[MAX_ITEMS];
    size_t n = value_strings(v, e, MAX_ITEMS);
    const char *have = ctx(src, "event");
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i], have) == 0) {
            holds(vd, xasprintf("event is %s", have));
            return 1;
        }
    strbuf list = {0};
    join(&list, e, n, " or ");
    vd->no = xasprintf("event is %s, not %s", *have ? have : "unknown", list.s);
    sb_free(&list);
    return 0;
}

static int decide_env(verdict *vd, const when_source *src, const s2n_value *v)
{
    for (size_t i = 0; v && v->kind == S2N_KIND_MAP && i < v->n; i++) {
        const char *want = v->items[i] && v->items[i]->kind == S2N_KIND_STRING ? v->items[i]->str : "";
        const char *have = src->getenv ? src->getenv(src->ctx, v->keys[i]) : NULL;
        if (!have) {
            vd->no = xasprintf("%s is not set (wanted '%s')", v->keys[i], want);
            return 0;
        }
        if (strcmp(have, want) != 0) {
            /* never echo the value: it may be a secret */
            vd->no = xasprintf("%s is not '%s'", v->keys[i], want);
            return 0;
        }
        holds(vd, xasprintf("%s is '%s'", v->keys[i], want));
    }
    return 1;
}

static int decide_changes(verdict *vd, const when_source *src, const s2n_value *v)
{
    const char *g[MAX_ITEMS];
    size_t n = value_strings(v, g, MAX_ITEMS);
    const changeset *cs = src->changes ? src->changes(src->ctx) : NULL;
    if (!cs || cs->all) {
        holds(vd, xasprintf("everything counts as changed: %s",
                            cs && cs->how ? cs->how : "no change information"));
        return 1;
    }
    const char *first = NULL;
    strbuf list = {0};
    join(&list, g, n, ", ");
    if (changes_match(cs, g, n, &first)) {
        size_t count = 0;
        for (size_t f = 0; f < cs->files.n; f++)
            for (size_t k = 0; k < n; k++)
                if (pathglob_match_path(g[k], cs->files.v[f])) {
                    count++;
                    break;
                }
        holds(vd, count == 1 ? xasprintf("%s changed since %s", first, cs->how)
                             : xasprintf("%zu files under %s changed (e.g. %s) since %s", count,
                                         list.s, first, cs->how));
        sb_free(&list);
        return 1;
    }
    vd->no = xasprintf("nothing under %s changed since %s (%zu other file%s changed)", list.s,
                       cs->how, cs->files.n, cs->files.n == 1 ? "" : "s");
    sb_free(&list);
    return 0;
}

int when_decide(const s2n_value *when, const when_source *src, char **reason)
{
    if (!when || when->kind != S2N_KIND_MAP || when->n == 0) {
        *reason = xstrdup("no conditions");
        return WHEN_RUN;
    }
    verdict vd = {0};
    /* Cheap facts first; change detection (git) only when all else holds. */
    static const char *const order[] = {"event", "branch", "tag", "env", "changes"};
    int ok = 1;
    for (size_t k = 0; ok && k < S2N_ARRAY_LEN(order); k++) {
        const s2n_value *v = value_get(when, order[k]);
        if (!v)
            continue;
        if (strcmp(order[k], "event") == 0)
            ok = decide_event(&vd, src, v);
        else if (strcmp(order[k], "branch") == 0 || strcmp(order[k], "tag") == 0)
            ok = decide_globs(&vd, src, v, order[k]);
        else if (strcmp(order[k], "env") == 0)
            ok = decide_env(&vd, src, v);
        else
            ok = decide_changes(&vd, src, v);
    }
    if (!ok) {
        *reason = vd.no;
        sb_free(&vd.yes);
        return WHEN_SKIP;
    }
    *reason = sb_steal(&vd.yes);
    return WHEN_RUN;
}

/* ------------------------------------------------------- real facts */

typedef struct real_facts {
    when_source src;
    char *workspace, *state_dir;
    changeset cs;
    int detected;
} real_facts;

static const char *real_context(void *c, const char *name)
{
    (void)c;
    return ctxvars_get(name);
}

static const char *real_getenv(void *c, const char *name)
{
    (void)c;
    return getenv(name);
}

static const changeset *real_changes(void *c)
{
    real_facts *f = c;
    if (!f->detected) {
        changes_detect_context(f->workspace, f->state_dir, &f->cs);
        f->detected = 1;
    }
    return &f->cs;
}

when_source *when_source_new(const char *workspace, const char *state_dir)
{
    real_facts *f = xcalloc(1, sizeof *f);
    f->workspace = xstrdup(workspace ? workspace : ".");
    f->state_dir = state_dir ? xstrdup(state_dir) : NULL;
    f->src = (when_source){real_context, real_getenv, real_changes, f};
    return &f->src;
}

const changeset *when_source_changes(const when_source *src)
{
    const real_facts *f = (const real_facts *)src;
    return f && f->detected ? &f->cs : NULL;
}

void when_source_free(when_source *src)
{
    real_facts *f = (real_facts *)src;
    if (!f)
        return;
    changeset_free(&f->cs);
    free(f->workspace);
    free(f->state_dir);
    free(f);
}

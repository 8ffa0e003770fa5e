/* Everything checked before anything runs: plugins found and opened, each
 * stage's options against its plugin's table, every ${NAME} resolvable,
 * the plugins' own validate().  All problems are collected in one diag. */
#include "config.h"
#include "core/interp.h"
#include "core/policy.h"
#include "core/run.h"
#include "core/schema.h"
#include "core/validate.h"

#include <stdlib.h>
#include <string.h>

static const char *const context_names[] = {"branch",        "commit",          "tag",
                                            "event",         "build_number",    "change_id",
                                            "change_target", "previous_commit", "build_url",
                                            "job_name",      "ci"};

typedef struct refcheck {
    run *r;
    stage_def *def;
    s2n_value *at;
    diag *d;
    int has_upstream;
} refcheck;

static int known_now(refcheck *c, const char *name)
{
    for (size_t i = 0; i < S2N_ARRAY_LEN(context_names); i++)
        if (strcmp(context_names[i], name) == 0)
            return 1;
    if (c->def && value_get(c->def->env, name))
        return 1;
    if (value_get(c->r->p->env, name))
        return 1;
    return getenv(name) != NULL;
}

static void on_ref(void *ctx, const char *name)
{
    refcheck *c = ctx;
    if (known_now(c, name))
        return;
    /* Values published by upstream stages (${version}) exist only once
     * those stages ran; they are checked again when the stage starts. */
    if (c->has_upstream)
        return;
    diag_error(c->d, c->at,
               "undefined variable ${%s}: not a run context value (branch, commit, event, tag, "
               "build_number, change_id, change_target, ...), not in env: and not in the "
               "environment; write ${%s:-default} "
               "for an optional one", name, name);
}

/* For a syntax-only pass: every name resolves. */
static const char *any_name(void *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    return "";
}

static const char *stage_cb(void *ctx, const char *name)
{
    refcheck *c = ctx;
    return stage_lookup(c->r, c->def, name);
}

static void check_refs(refcheck *c, s2n_value *v)
{
    if (!v)
        return;
    if (v->kind == S2N_KIND_STRING && strchr(v->str, '$')) {
        c->at = v;
        interp_refs(v->str, on_ref, c);
        char *bad = NULL;
        char *e = interp_expand(v->str, any_name, NULL, NULL, &bad);
        if (bad)
            diag_error(c->d, v, "%s", bad);
        free(e);
        free(bad);
    }
    for (size_t i = 0; i < v->n; i++)
        check_refs(c, v->items[i]);
}

/* `${SECRET}` in a command stage's `run` would be filled in before the
 * process starts and sit in its argv, readable in /proc by every user of
 * the machine.  The shell reads `$SECRET` from the environment instead. */
typedef struct argv_secret {
    const pipeline *p;
    diag *d;
    s2n_value *at;
} argv_secret;

static void on_argv_ref(void *ctx, const char *name)
{
    argv_secret *a = ctx;
    if (sv_contains(&a->p->secrets, name))
        diag_error(a->d, a->at,
                   "run: ${%s} would put the secret on the command line (visible in /proc); "
                   "write $%s in a run string: the shell reads it from the environment",
                   name, name);
}

static void check_argv_secrets(const pipeline *p, stage_def *s, diag *d)
{
    s2n_value *cmd = s->type && strcmp(s->type, "command") == 0 ? value_get(s->with, "run") : NULL;
    if (!cmd)
        return;
    argv_secret a = {p, d, cmd};
    if (cmd->kind == S2N_KIND_STRING)
        interp_refs(cmd->str, on_argv_ref, &a);
    for (size_t i = 0; i < cmd->n; i++)
        if (cmd->items[i]->kind == S2N_KIND_STRING) {
            a.at = cmd->items[i];
            interp_refs(cmd->items[i]->str, on_argv_ref, &a);
        }
}

static void register_secret_options(run *r, stage_def *s)
{
    const s2n_plugin *desc = s->plugin->desc;
    S2N_FOR_OPTIONS(desc, o)
    {
        if (o->kind != S2N_KIND_SECRET)
            continue;
        s2n_value *v = value_get(s->opts, o->name);
        if (!v || v->kind != S2N_KIND_STRING)
            continue;
        /* ${TOKEN}: mask the value it will have */
        refcheck c = {.r = r, .def = s};
        char *e = interp_expand(v->str, stage_cb, &c, NULL, NULL);
        if (e)
            mask_add(r->mask, e);
        free(e);
    }
}

int pipeline_prepare(run *r, diag *d)
{
    pipeline *p = r->p;
    /* secrets first: a file secret becomes ${NAME} for the checks below */
    policy_load_secrets(r, d);
    for (size_t i = 0; i < p->nstages; i++) {
        stage_def *s = &p->stages[i];
        if (!s->type)
            continue;
        char *err = NULL;
        s->plugin = registry_get(r->reg, s->type, &err);
        if (!s->plugin) {
            s2n_value *at = value_get(s->node, "type");
            diag_error(d, at ? at : s->node, "stage '%s': %s", s->name ? s->name : "?", err);
            free(err);
            continue;
        }
        char *terr = schema_check_table(s->plugin->desc);
        if (terr) {
            diag_error(d, value_get(s->node, "type"), "plugin %s has a broken option table: %s",
                       s->plugin->file, terr);
            free(terr);
            continue;
        }
        size_t before = d->nerrors;
        schema_check_stage(s, s->plugin->desc, d);
        s->opts_ok = d->nerrors == before;
    }
    for (size_t i = 0; i < p->nstages; i++) {
        stage_def *s = &p->stages[i];
        refcheck c = {.r = r, .def = s, .d = d, .has_upstream = s->needs.n > 0};
        check_refs(&c, s->with);
        check_refs(&c, s->env);
        check_refs(&c, value_get(s->node, "workdir"));
        check_argv_secrets(p, s, d);
    }
    refcheck top = {.r = r, .d = d};
    check_refs(&top, p->env);
    /* A plugin's own validate() sees only options its table accepted. */
    for (size_t i = 0; i < p->nstages; i++)
        if (p->stages[i].plugin && p->stages[i].opts_ok)
            host_validate_stage(r, &p->stages[i], d);
    for (size_t i = 0; i < p->nstages; i++)
        if (p->stages[i].plugin)
            register_secret_options(r, &p->stages[i]);
    return d->nerrors ? -1 : 0;
}

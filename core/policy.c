#include "config.h"
#include "core/cache.h"
#include "core/ctxvars.h"
#include "core/export.h"
#include "core/policy.h"
#include "core/profile.h"
#include "core/report_html.h"
#include "core/resume.h"
#include "core/secrets.h"
#include "core/when.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static policy_opts opts;
static when_source *facts;      /* per run: the change set is found once */
static const pipeline *facts_of;

static void split_push(strvec *v, const char *arg)
{
    char *copy = xstrdup(arg), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (*t)
            sv_push(v, xstrdup(t));
    free(copy);
}

int policy_take_option(policy_opts *o, const char *name, const char *arg, char **err)
{
    *err = NULL;
    if (strcmp(name, "profile") == 0)
        o->profile = arg;
    else if (strcmp(name, "set") == 0)
        sv_push(&o->sets, xstrdup(arg));
    else if (strcmp(name, "branch") == 0)
        o->branch = arg;
    else if (strcmp(name, "event") == 0) {
        if (!ctxvars_event_valid(arg)) {
            const char *s = ctxvars_event_suggest(arg);
            *err = s ? xasprintf("--event %s: unknown event (did you mean '%s'?)", arg, s)
                     : xasprintf("--event %s: one of push, pull_request, tag, manual", arg);
            return -1;
        }
        o->event = arg;
    } else if (strcmp(name, "force") == 0)
        o->force = 1;
    else if (strcmp(name, "no-cache") == 0)
        o->no_cache = 1;
    else if (strcmp(name, "no-report") == 0)
        o->no_report = 1;
    else if (strcmp(name, "only") == 0)
        split_push(&o->only, arg);
    else if (strcmp(name, "from") == 0)
        o->from = arg;
    else if (strcmp(name, "failed") == 0)
        o->failed = 1;
    else
        return 0;
    return 1;
}

int policy_configure(const policy_opts *o, char **err)
{
    *err = NULL;
    opts = *o;
    int given = (o->only.n > 0) + (o->from != NULL) + (o->failed != 0);
    if (given > 1) {
        *err = xstrdup("--only, --from and --failed exclude each other");
        return -1;
    }
    if (o->branch && ctxvars_override("branch", o->branch, err) != 0)
        return -1;
    if (o->event && ctxvars_override("event", o->event, err) != 0)
        return -1;
    cache_configure(o->no_cache, o->force);
    return 0;
}

int policy_prepare_root(s2n_value *root, const char *file, diag *d)
{
    return profile_prepare(root, file, opts.profile, &opts.sets, d);
}

void policy_check_secrets(pipeline *p, diag *d)
{
    secret_set s;
    secrets_parse(value_get(p->root, "secrets"), p->workspace, &s, d);
    for (size_t i = 0; i < s.n; i++)
        if (!sv_contains(&p->secrets, s.v[i].name))
            sv_push(&p->secrets, xstrdup(s.v[i].name));
    secret_set_free(&s);
}

void policy_check_stage(stage_def *s, diag *d)
{
    when_check(s->when, d);
    cache_check_stage(s, d);
}

void policy_load_secrets(run *r, diag *d)
{
    secret_set s;
    diag quiet = {0}; /* parse errors were reported when the file was read */
    secrets_parse(value_get(r->p->root, "secrets"), r->p->workspace, &s, &quiet);
    diag_free(&quiet);
    secrets_load(&s, r->mask, d);
    secret_set_free(&s);
}

int policy_select(run *r, char **err)
{
    resume_opts ro = {.only = &opts.only, .from = opts.from, .failed = opts.failed};
    *err = NULL;
    if (!resume_wanted(&ro))
        return 0;
    return resume_select(r, &ro, err) == 0 ? 1 : -1;
}

static when_source *facts_for(run *r)
{
    if (!facts || facts_of != r->p) {
        when_source_free(facts);
        facts = when_source_new(r->p->workspace, r->state_dir);
        facts_of = r->p;
    }
    return facts;
}

/* A stage's view of the facts: `env:` conditions see the stage's and the
 * pipeline's env: (a profile may set them) before the process
 * environment, the way ${NAME} does. */
typedef struct stage_facts {
    when_source src;
    when_source *base;
    run *r;
    stage_def *def;
} stage_facts;

static const char *sf_context(void *c, const char *name)
{
    stage_facts *f = c;
    return f->base->context(f->base->ctx, name);
}

static const char *sf_getenv(void *c, const char *name)
{
    stage_facts *f = c;
    s2n_value *e = value_get(f->def->env, name);
    if (e && e->kind == S2N_KIND_STRING)
        return e->str;
    e = value_get(f->r->p->env, name);
    if (e && e->kind == S2N_KIND_STRING)
        return e->str;
    return getenv(name);
}

static const changeset *sf_changes(void *c)
{
    stage_facts *f = c;
    return f->base->changes(f->base->ctx);
}

static int decide(run *r, stage_def *s, char **why)
{
    stage_facts f = {.base = facts_for(r), .r = r, .def = s};
    f.src = (when_source){sf_context, sf_getenv, sf_changes, &f};
    return when_decide(s->when, &f.src, why);
}

int policy_before_start(run *r, stage_run *sr)
{
    if (sr->def->when) {
        char *why = NULL;
        if (decide(r, sr->def, &why) == WHEN_SKIP) {
            free(sr->message);
            sr->message = xasprintf("skipped: %s", why);
            free(why);
            sr->outcome = OUT_SKIPPED;
            sr->phase = PH_DONE;
            sr->start = sr->end = now_monotonic();
            return 1;
        }
        free(why);
    }
    return cache_begin(r, sr);
}

void policy_after_finish(run *r, stage_run *sr)
{
    if (sr->phase == PH_DONE)
        cache_end(r, sr);
}

void policy_after_run(run *r, int recorded)
{
    /* the report is drawn from the record: none without one */
    if (!opts.no_report && r->dir && recorded) {
        char *err = NULL;
        if (report_html_write_dir(r->dir, NULL, r->mask, &err) != 0) {
            fprintf(stderr, "s2nbuild: warning: HTML report: %s\n", err);
            free(err);
        }
    }
    cache_forget(r);
    when_source_free(facts);
    facts = NULL;
    facts_of = NULL;
}

char *policy_plan_reason(run *r, stage_def *s)
{
    char *why = NULL;
    int d = decide(r, s, &why);
    char *line = xasprintf("%s: %s", d == WHEN_RUN ? "run" : "skip", why);
    free(why);
    return line;
}

void policy_record_fields(void *json_record)
{
    json_t *rec = json_record;
    static const char *const names[] = {"branch", "commit", "event", "tag"};
    for (size_t i = 0; i < S2N_ARRAY_LEN(names); i++) {
        const char *v = ctxvars_get(names[i]);
        if (v && *v)
            json_object_set_new(rec, names[i], json_string(v));
    }
}

int policy_export(pipeline *p, const char *format, FILE *out, char **err)
{
    secret_set s;
    diag d = {0};
    secrets_parse(value_get(p->root, "secrets"), p->workspace, &s, &d);
    diag_free(&d);
    int rc = export_pipeline(p, &s, format, out, err);
    secret_set_free(&s);
    return rc;
}

int policy_report(const char *state_dir, const char *run_id, char **path_out, char **err)
{
    char *dir = xasprintf("%s/runs/%s", state_dir, run_id && *run_id ? run_id : "latest");
    if (access(dir, F_OK) != 0) {
        *err = xasprintf("no run %s under %s/runs", run_id && *run_id ? run_id : "recorded yet",
                         state_dir);
        free(dir);
        return -1;
    }
    int rc = report_html_write_dir(dir, NULL, NULL, err);
    if (rc == 0 && path_out)
        *path_out = path_join(dir, "report.html");
    free(dir);
    return rc;
}

/* ------------------------------------------------------------- schema */

void policy_schema(void *pipeline_schema)
{
    json_t *j = pipeline_schema;
    json_t *props = json_object_get(j, "properties");
    json_t *stage_props = json_object_get(json_object_get(json_object_get(props, "stages"), "items"),
                                          "properties");
    if (!props || !stage_props)
        return;
    json_t *globs = json_pack("{s:[{s:s},{s:s,s:{s:s},s:i}]}", "anyOf", "type", "string", "type",
                              "array", "items", "type", "string", "minItems", 1);
    json_t *events = json_pack("{s:[s,s,s,s]}", "enum", "push", "pull_request", "tag", "manual");
    json_t *when = json_pack(
        "{s:s, s:s, s:b, s:{s:O, s:{s:[O,{s:s,s:O,s:i}]}, s:O, s:O, s:{s:s,s:{s:s}}}}", "type",
        "object", "description", "conditions; a list is any of, several keys all of",
        "additionalProperties", 0, "properties", "branch", globs, "event", "anyOf", events, "type",
        "array", "items", events, "minItems", 1, "tag", globs, "changes", globs, "env", "type",
        "object", "additionalProperties", "type", "string");
    json_object_set_new(stage_props, "when", when);
    json_object_set_new(stage_props, "inputs",
                        json_pack("{s:s, s:[O,{s:s,s:b,s:{s:O,s:O}}]}", "description",
                                  "what the stage cache key hashes besides options and upstream "
                                  "artifacts", "anyOf", globs, "type", "object",
                                  "additionalProperties", 0, "properties", "files", globs, "env",
                                  globs));
    json_object_set_new(stage_props, "cache", json_pack("{s:s}", "type", "boolean"));
    json_t *secret = json_pack(
        "{s:[{s:s,s:s},{s:s,s:[s],s:b,s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s}}}]}", "anyOf",
        "type", "string", "pattern", "^[A-Za-z_][A-Za-z0-9_]*$", "type", "object", "required",
        "name", "additionalProperties", 0, "properties", "name", "type", "string", "file", "type",
        "string", "env", "type", "string", "credential", "type", "string", "required", "type",
        "boolean");
    json_object_set_new(props, "secrets", json_pack("{s:s,s:o}", "type", "array", "items", secret));
    json_object_set_new(props, "profiles",
                        json_pack("{s:s,s:{s:s,s:b,s:{s:{s:s},s:{s:[s,s]},s:{s:s},s:{s:s},s:{}}}}",
                                  "type", "object", "additionalProperties", "type", "object",
                                  "additionalProperties", 0, "properties", "env", "type", "object",
                                  "stages", "type", "array", "object", "secrets", "type", "array",
                                  "workdir", "type", "string", "plugin_path"));
    json_decref(globs);
    json_decref(events);
}

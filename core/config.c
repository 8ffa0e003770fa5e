/* Pipeline file -> pipeline model.  Every problem is reported with the
 * position of the node it is about; all problems are collected. */
#include "config.h"
#include "core/pipeline.h"
#include "core/policy.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const top_keys[] = {"version", "workdir", "env", "plugin_path",
                                       "stages", "secrets", "profiles", "name", "limits"};
static const char *const stage_keys[] = {"name", "type", "with", "needs", "env",
                                         "timeout", "retries", "workdir", "when",
                                         "inputs", "cache", "limits"};

static void unknown_key(diag *d, s2n_value *keynode, const char *what,
                        const char *const *known, size_t n)
{
    const char *s = diag_suggest(keynode->str, known, n);
    strbuf allowed = {0};
    for (size_t i = 0; i < n; i++)
        sb_printf(&allowed, "%s%s", i ? ", " : "", known[i]);
    if (s)
        diag_error(d, keynode, "unknown key '%s' in %s (did you mean '%s'?)", keynode->str, what, s);
    else
        diag_error(d, keynode, "unknown key '%s' in %s; allowed: %s", keynode->str, what, allowed.s);
    sb_free(&allowed);
}

static void check_keys(diag *d, s2n_value *map, const char *what, const char *const *known, size_t n)
{
    for (size_t i = 0; i < map->n; i++) {
        size_t k = 0;
        while (k < n && strcmp(map->keys[i], known[k]) != 0)
            k++;
        if (k == n)
            unknown_key(d, map->keynodes[i], what, known, n);
    }
}

static int stage_name_valid(const char *s)
{
    if (!*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

/* A scalar or a list of scalars, as a list of strings. */
static void string_list(diag *d, s2n_value *v, const char *what, strvec *out)
{
    if (!v || v->kind == S2N_KIND_NULL)
        return;
    if (v->kind == S2N_KIND_STRING) {
        sv_push(out, xstrdup(v->str));
        return;
    }
    if (v->kind != S2N_KIND_LIST) {
        diag_error(d, v, "%s: expected a list of strings", what);
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        if (v->items[i]->kind != S2N_KIND_STRING)
            diag_error(d, v->items[i], "%s: expected a string", what);
        else
            sv_push(out, xstrdup(v->items[i]->str));
    }
}

static void check_env_map(diag *d, s2n_value *env, const char *what)
{
    if (!env || env->kind == S2N_KIND_NULL)
        return;
    if (env->kind != S2N_KIND_MAP) {
        diag_error(d, env, "%s: expected a mapping of NAME: value", what);
        return;
    }
    for (size_t i = 0; i < env->n; i++)
        if (env->items[i]->kind != S2N_KIND_STRING)
            diag_error(d, env->items[i], "%s.%s: expected a string value", what, env->keys[i]);
}

static void load_stage(pipeline *p, stage_def *s, s2n_value *node, diag *d)
{
    s->node = node;
    if (node->kind != S2N_KIND_MAP) {
        diag_error(d, node, "a stage must be a mapping with at least 'name' and 'type'");
        return;
    }
    check_keys(d, node, "a stage", stage_keys, S2N_ARRAY_LEN(stage_keys));
    s2n_value *name = value_get(node, "name"), *type = value_get(node, "type");
    if (!name || name->kind != S2N_KIND_STRING)
        diag_error(d, name ? name : node, "stage: 'name' is required and must be a string");
    else if (!stage_name_valid(name->str))
        diag_error(d, name, "stage name '%s': use letters, digits, '-', '_' or '.' (at most 64)",
                   name->str);
    else
        s->name = xstrdup(name->str);
    if (!type || type->kind != S2N_KIND_STRING)
        diag_error(d, type ? type : node, "stage '%s': 'type' is required and must be a string",
                   s->name ? s->name : "?");
    else
        s->type = xstrdup(type->str);
    s2n_value *with = value_get(node, "with");
    if (with && with->kind != S2N_KIND_MAP && with->kind != S2N_KIND_NULL)
        diag_error(d, with, "with: expected a mapping of options");
    else
        s->with = with;
    string_list(d, value_get(node, "needs"), "needs", &s->needs);
    s->env = value_get(node, "env");
    check_env_map(d, s->env, "env");
    s->when = value_get(node, "when");
    if (s->when && s->when->kind != S2N_KIND_MAP && s->when->kind != S2N_KIND_NULL)
        diag_error(d, s->when, "when: expected a mapping of conditions");
    s2n_value *t = value_get(node, "timeout");
    if (t && value_to_seconds(t, &s->timeout) != 0)
        diag_error(d, t, "timeout: expected seconds (e.g. 90, 1.5, 10s, 5m, 2h), got '%s'",
                   t->str ? t->str : "a non-scalar");
    s2n_value *r = value_get(node, "retries");
    long long n = 0;
    if (r && (value_to_int(r, &n) != 0 || n < 0 || n > 20))
        diag_error(d, r, "retries: expected an integer from 0 to 20");
    s->retries = (int)n;
    s2n_value *w = value_get(node, "workdir");
    if (w && w->kind != S2N_KIND_STRING)
        diag_error(d, w, "workdir: expected a path");
    s->workdir = w && w->kind == S2N_KIND_STRING ? path_join(p->workdir, w->str)
                                                 : xstrdup(p->workdir);
    limits_parse(d, value_get(node, "limits"), &p->limits, &s->limits);
}

static char *abs_dir_of(const char *file)
{
    char buf[PATH_MAX];
    char *copy = xstrdup(file);
    char *slash = strrchr(copy, '/');
    const char *dir = ".";
    if (slash) {
        *slash = '\0';
        dir = *copy ? copy : "/";
    }
    char *res = realpath(dir, buf) ? xstrdup(buf) : xstrdup(dir);
    free(copy);
    return res;
}

int pipeline_load(pipeline *p, const char *file, diag *d)
{
    size_t len;
    char *buf = read_file(file, &len);
    if (!buf) {
        memset(p, 0, sizeof *p);
        p->file = xstrdup(file);
        diag_take(d, xasprintf("%s: cannot read: %s", file, strerror(errno)));
        return -1;
    }
    int rc = pipeline_parse(p, file, buf, len, d);
    free(buf);
    return rc;
}

int pipeline_parse(pipeline *p, const char *file, const char *buf, size_t len, diag *d)
{
    memset(p, 0, sizeof *p);
    p->file = xstrdup(file);
    char *err = NULL;
    p->root = yaml_load_buffer(p->file, buf, len, &err);
    if (!p->root) {
        diag_take(d, err);
        return -1;
    }
    p->workspace = abs_dir_of(p->file);
    s2n_value *root = p->root;
    if (root->kind != S2N_KIND_MAP) {
        diag_error(d, root, "a pipeline file is a mapping with 'version' and 'stages'");
        return -1;
    }
    /* profile < environment < --set, before anything reads the tree */
    policy_prepare_root(root, p->file, d);
    check_keys(d, root, "the pipeline", top_keys, S2N_ARRAY_LEN(top_keys));
    s2n_value *ver = value_get(root, "version");
    long long v = 0;
    if (!ver)
        diag_error(d, root, "'version: 1' is required at the top of the pipeline file");
    else if (value_to_int(ver, &v) != 0 || v != 1)
        diag_error(d, ver, "version: this s2nbuild reads pipeline files of version 1");
    s2n_value *wd = value_get(root, "workdir");
    if (wd && wd->kind != S2N_KIND_STRING)
        diag_error(d, wd, "workdir: expected a path");
    p->workdir = wd && wd->kind == S2N_KIND_STRING ? path_join(p->workspace, wd->str)
                                                   : xstrdup(p->workspace);
    if (access(p->workdir, F_OK) != 0)
        diag_error(d, wd, "workdir: %s does not exist", p->workdir);
    p->env = value_get(root, "env");
    check_env_map(d, p->env, "env");
    limits_parse(d, value_get(root, "limits"), NULL, &p->limits);
    strvec pp = {0};
    string_list(d, value_get(root, "plugin_path"), "plugin_path", &pp);
    for (size_t i = 0; i < pp.n; i++)
        sv_push(&p->plugin_path, path_join(p->workspace, pp.v[i]));
    sv_free(&pp);
    policy_check_secrets(p, d);
    s2n_value *stages = value_get(root, "stages");
    if (!stages || stages->kind != S2N_KIND_LIST || stages->n == 0) {
        diag_error(d, stages ? stages : root, "'stages' must be a non-empty list of stages");
        return 0;
    }
    p->nstages = stages->n;
    p->stages = xcalloc(stages->n, sizeof *p->stages);
    for (size_t i = 0; i < stages->n; i++) {
        p->stages[i].index = i;
        load_stage(p, &p->stages[i], stages->items[i], d);
        policy_check_stage(&p->stages[i], d);
    }
    pipeline_check_graph(p, d);
    return 0;
}

stage_def *pipeline_find(const pipeline *p, const char *name)
{
    for (size_t i = 0; i < p->nstages; i++)
        if (p->stages[i].name && strcmp(p->stages[i].name, name) == 0)
            return &p->stages[i];
    return NULL;
}

void pipeline_free(pipeline *p)
{
    for (size_t i = 0; i < p->nstages; i++) {
        stage_def *s = &p->stages[i];
        free(s->name);
        free(s->type);
        sv_free(&s->needs);
        free(s->workdir);
        value_free(s->opts);
    }
    free(p->stages);
    free(p->order);
    sv_free(&p->plugin_path);
    sv_free(&p->secrets);
    value_free(p->root);
    free(p->workspace);
    free(p->workdir);
    free(p->file);
    memset(p, 0, sizeof *p);
}

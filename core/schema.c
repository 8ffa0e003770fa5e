#include "config.h"
#include "core/schema.h"
#include "core/limits.h"

#include <stdlib.h>
#include <string.h>

static const char ARGS_FILE[] = "command line";

const char *schema_kind_name(int kind)
{
    switch (kind) {
    case S2N_KIND_STRING: return "string";
    case S2N_KIND_INT: return "int";
    case S2N_KIND_BOOL: return "bool";
    case S2N_KIND_LIST: return "list";
    case S2N_KIND_MAP: return "map";
    case S2N_KIND_PATH: return "path";
    case S2N_KIND_SECRET: return "secret";
    case S2N_KIND_ANY: return "any";
    default: return "unknown";
    }
}

static int has_ref(const s2n_value *v)
{
    return v && v->str && strstr(v->str, "${");
}

static int in_choices(const s2n_option *o, const char *s)
{
    for (const char *const *c = o->choices; c && *c; c++)
        if (strcmp(*c, s) == 0)
            return 1;
    return 0;
}

/* Check one value against its option; may replace *slot (list coercion).
 * `why` receives a message on failure. */
static char *check_kind(const s2n_option *o, s2n_value **slot)
{
    s2n_value *v = *slot;
    long long n;
    int b;
    switch (o->kind) {
    case S2N_KIND_STRING:
    case S2N_KIND_PATH:
    case S2N_KIND_SECRET:
        if (v->kind != S2N_KIND_STRING)
            return xasprintf("expected a %s, got a %s", schema_kind_name(o->kind),
                             v->kind == S2N_KIND_LIST ? "list" : "mapping");
        if ((o->flags & S2N_OPT_ENUM) && !has_ref(v) && !in_choices(o, v->str)) {
            strbuf b2 = {0};
            for (const char *const *c = o->choices; c && *c; c++)
                sb_printf(&b2, "%s%s", c == o->choices ? "" : ", ", *c);
            size_t nc = 0;
            while (o->choices[nc])
                nc++;
            const char *sug = diag_suggest(v->str, o->choices, nc);
            char *m = sug ? xasprintf("'%s' is not one of: %s (did you mean '%s'?)", v->str, b2.s ? b2.s : "", sug)
                          : xasprintf("'%s' is not one of: %s", v->str, b2.s ? b2.s : "");
            sb_free(&b2);
            return m;
        }
        return NULL;
    case S2N_KIND_INT:
        if (has_ref(v))
            return NULL;
        return value_to_int(v, &n) == 0 ? NULL : xstrdup("expected an integer");
    case S2N_KIND_BOOL:
        if (has_ref(v))
            return NULL;
        return value_to_bool(v, &b) == 0 ? NULL : xstrdup("expected true or false");
    case S2N_KIND_LIST:
        if (v->kind == S2N_KIND_LIST)
            return NULL;
        if (v->kind == S2N_KIND_STRING) {
            /* A scalar is a one-item list; on the command line commas
             * separate items. */
            s2n_value *list = value_new(S2N_KIND_LIST, v->file, v->line, v->col);
            if (v->file && strcmp(v->file, ARGS_FILE) == 0 && strchr(v->str, ',')) {
                char *copy = xstrdup(v->str), *save = NULL;
                for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
                    value_push(list, value_str(t, v->file, v->line, v->col));
                free(copy);
            } else {
                value_push(list, value_copy(v));
            }
            value_free(v);
            *slot = list;
            return NULL;
        }
        return xstrdup("expected a list");
    case S2N_KIND_MAP:
        return v->kind == S2N_KIND_MAP ? NULL : xstrdup("expected a mapping");
    default:
        return NULL;
    }
}

char *schema_check_table(const s2n_plugin *desc)
{
    S2N_FOR_OPTIONS(desc, o)
    {
        if (o->kind < S2N_KIND_STRING || o->kind > S2N_KIND_ANY)
            return xasprintf("option '%s' has unknown kind %d", o->name, o->kind);
        if ((o->flags & S2N_OPT_ENUM) && !o->choices)
            return xasprintf("option '%s' is an enum without choices", o->name);
        if (o->default_value) {
            char *err = NULL;
            s2n_value *v = yaml_load_buffer("default", o->default_value, strlen(o->default_value), &err);
            if (!v) {
                char *m = xasprintf("option '%s': default is not valid YAML: %s", o->name, err);
                free(err);
                return m;
            }
            char *why = v->kind == S2N_KIND_NULL ? NULL : check_kind(o, &v);
            value_free(v);
            if (why) {
                char *m = xasprintf("option '%s': default '%s': %s", o->name, o->default_value, why);
                free(why);
                return m;
            }
        }
        for (const s2n_option *p = desc->options; p != o;
             p = (const s2n_option *)((const char *)p + desc->option_size))
            if (strcmp(p->name, o->name) == 0)
                return xasprintf("option '%s' is declared twice", o->name);
    }
    return NULL;
}

void schema_check_stage(stage_def *s, const s2n_plugin *desc, diag *d)
{
    value_free(s->opts);
    s->opts = value_new(S2N_KIND_MAP, s->node ? s->node->file : NULL, s->node ? s->node->line : 0,
                        s->node ? s->node->col : 0);
    const char **names = NULL;
    size_t nnames = 0;
    S2N_FOR_OPTIONS(desc, o)
    {
        names = xrealloc(names, (nnames + 1) * sizeof *names);
        names[nnames++] = o->name;
    }
    /* unknown keys */
    for (size_t i = 0; s->with && s->with->kind == S2N_KIND_MAP && i < s->with->n; i++) {
        const char *key = s->with->keys[i];
        size_t k = 0;
        while (k < nnames && strcmp(names[k], key) != 0)
            k++;
        if (k < nnames)
            continue;
        const char *sug = diag_suggest(key, names, nnames);
        strbuf allowed = {0};
        for (size_t m = 0; m < nnames; m++)
            sb_printf(&allowed, "%s%s", m ? ", " : "", names[m]);
        if (sug)
            diag_error(d, s->with->keynodes[i], "stage '%s': unknown option '%s' for type '%s' (did you mean '%s'?)",
                       s->name, key, desc->type, sug);
        else
            diag_error(d, s->with->keynodes[i], "stage '%s': unknown option '%s' for type '%s'; allowed: %s",
                       s->name, key, desc->type, nnames ? allowed.s : "(none)");
        sb_free(&allowed);
    }
    free(names);
    S2N_FOR_OPTIONS(desc, o)
    {
        s2n_value *given = value_get(s->with, o->name);
        if (given && given->kind == S2N_KIND_NULL)
            given = NULL;
        s2n_value *v = NULL;
        if (given) {
            v = value_copy(given);
            if (o->flags & S2N_OPT_DEPRECATED)
                diag_warn(d, given, "stage '%s': option '%s' is deprecated: %s", s->name, o->name,
                          o->help ? o->help : "");
        } else if (o->default_value) {
            char *err = NULL;
            v = yaml_load_buffer("default", o->default_value, strlen(o->default_value), &err);
            free(err);
            if (v && v->kind == S2N_KIND_NULL) {
                value_free(v);
                v = NULL;
            }
        } else if (o->flags & S2N_OPT_REQUIRED) {
            diag_error(d, s->with ? s->with : s->node, "stage '%s': option '%s' is required for type '%s' (%s)",
                       s->name, o->name, desc->type, o->help ? o->help : schema_kind_name(o->kind));
            continue;
        }
        if (!v)
            continue;
        char *why = check_kind(o, &v);
        if (why) {
            diag_error(d, given ? given : s->node, "stage '%s': option '%s': %s", s->name, o->name, why);
            free(why);
        }
        value_set(s->opts, o->name, v);
    }
}

static json_t *option_json(const s2n_option *o)
{
    json_t *j = json_object();
    switch (o->kind) {
    case S2N_KIND_INT:
        json_object_set_new(j, "type", json_pack("[s,s]", "integer", "string"));
        break;
    case S2N_KIND_BOOL:
        json_object_set_new(j, "type", json_pack("[s,s]", "boolean", "string"));
        break;
    case S2N_KIND_LIST:
        json_object_set_new(j, "type", json_pack("[s,s]", "array", "string"));
        break;
    case S2N_KIND_MAP:
        json_object_set_new(j, "type", json_string("object"));
        break;
    case S2N_KIND_ANY:
        break;
    default:
        json_object_set_new(j, "type", json_string("string"));
    }
    if (o->help)
        json_object_set_new(j, "description", json_string(o->help));
    if (o->default_value)
        json_object_set_new(j, "default", json_string(o->default_value));
    if (o->flags & S2N_OPT_ENUM) {
        json_t *e = json_array();
        for (const char *const *c = o->choices; c && *c; c++)
            json_array_append_new(e, json_string(*c));
        json_object_set_new(j, "enum", e);
    }
    if (o->flags & S2N_OPT_DEPRECATED)
        json_object_set_new(j, "deprecated", json_true());
    json_object_set_new(j, "x-s2n-kind", json_string(schema_kind_name(o->kind)));
    return j;
}

json_t *schema_stage_json(const s2n_plugin *desc)
{
    json_t *props = json_object(), *req = json_array();
    S2N_FOR_OPTIONS(desc, o)
    {
        json_object_set_new(props, o->name, option_json(o));
        if (o->flags & S2N_OPT_REQUIRED)
            json_array_append_new(req, json_string(o->name));
    }
    json_t *j = json_pack("{s:s, s:s, s:s, s:o, s:b}", "$schema",
                          "https://json-schema.org/draft/2020-12/schema", "title", desc->type,
                          "description", desc->summary ? desc->summary : "", "properties", props,
                          "additionalProperties", 0);
    if (json_array_size(req))
        json_object_set_new(j, "required", req);
    else
        json_decref(req);
    return j;
}

/* `limits:` — sizes as strings ("512M") or bytes, cpu as seconds. */
static json_t *limits_schema(void)
{
    json_t *props = json_object();
    for (int k = 0; k < LIMIT_COUNT; k++)
        json_object_set_new(props, limit_names[k],
                            k == LIMIT_OPEN_FILES || k == LIMIT_PROCESSES
                                ? json_pack("{s:s, s:i}", "type", "integer", "minimum", 1)
                                : json_pack("{s:[s,s]}", "type", "string", "number"));
    return json_pack("{s:s, s:b, s:o}", "type", "object", "additionalProperties", 0,
                     "properties", props);
}

json_t *schema_pipeline_json(const s2n_plugin *const *descs, size_t n)
{
    json_t *variants = json_array();
    json_t *types = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *with = schema_stage_json(descs[i]);
        json_object_del(with, "$schema");
        json_array_append_new(types, json_string(descs[i]->type));
        json_array_append_new(
            variants,
            json_pack("{s:{s:{s:{s:s}}}, s:{s:{s:o}}}", "if", "properties", "type", "const",
                      descs[i]->type, "then", "properties", "with", with));
    }
    json_t *str_list = json_pack("{s:[{s:s},{s:s,s:{s:s}}]}", "anyOf", "type", "string", "type",
                                 "array", "items", "type", "string");
    json_t *env = json_pack("{s:s, s:{s:s}}", "type", "object", "additionalProperties", "type", "string");
    json_t *stage = json_pack(
        "{s:s, s:[s,s], s:b, s:{s:{s:s}, s:{s:o}, s:{s:s}, s:O, s:O, s:{s:[s,s]}, s:{s:[s,s]}, "
        "s:{s:s}, s:{s:s}}, s:o}",
        "type", "object", "required", "name", "type", "additionalProperties", 0, "properties",
        "name", "type", "string", "type", "enum", types, "with", "type", "object", "needs",
        str_list, "env", env, "timeout", "type", "string", "number", "retries", "type", "integer",
        "string", "workdir", "type", "string", "when", "type", "object", "allOf", variants);
    /* keys added after the first schema: set one by one */
    json_t *sprops = json_object_get(stage, "properties");
    json_object_set(sprops, "inputs", str_list);
    json_object_set_new(sprops, "cache", json_pack("{s:s}", "type", "boolean"));
    json_t *limits = limits_schema();
    json_object_set(sprops, "limits", limits);
    json_t *j = json_pack(
        "{s:s, s:s, s:i, s:s, s:[s,s], s:b, s:{s:{s:[i]}, s:{s:s}, s:O, s:o, s:O, s:{s:s, s:o}, "
        "s:{s:s}, s:{s:s}}}",
        "$schema", "https://json-schema.org/draft/2020-12/schema", "title", "s2nbuild pipeline",
        "x-schema-version", 1, "type", "object", "required", "version", "stages",
        "additionalProperties", 0, "properties", "version", "enum", 1, "workdir", "type", "string",
        "env", env, "plugin_path", str_list, "secrets", str_list, "stages", "type", "array",
        "items", stage, "profiles", "type", "object", "name", "type", "string");
    json_object_set_new(json_object_get(j, "properties"), "limits", limits);
    json_decref(env);
    json_decref(str_list);
    return j;
}

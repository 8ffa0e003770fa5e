#include "config.h"
#include "core/interp.h"
#include "core/secrets.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const entry_keys[] = {"name", "file", "env", "credential", "required"};

static int env_name_valid(const char *s)
{
    if (!s || !(*s == '_' || isalpha((unsigned char)*s)))
        return 0;
    for (; *s; s++)
        if (!(*s == '_' || isalnum((unsigned char)*s)))
            return 0;
    return 1;
}

static const char *env_lookup(void *ctx, const char *name)
{
    (void)ctx;
    return getenv(name);
}

static const char *any_name(void *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    return "";
}

static const char *str_of(s2n_value *v)
{
    return v && v->kind == S2N_KIND_STRING ? v->str : NULL;
}

static int parse_entry(s2n_value *item, secret_def *sd, diag *d)
{
    sd->at = item;
    if (item->kind == S2N_KIND_STRING) {
        sd->name = xstrdup(item->str);
    } else if (item->kind == S2N_KIND_MAP) {
        for (size_t i = 0; i < item->n; i++) {
            size_t k = 0;
            while (k < S2N_ARRAY_LEN(entry_keys) && strcmp(item->keys[i], entry_keys[k]) != 0)
                k++;
            if (k < S2N_ARRAY_LEN(entry_keys))
                continue;
            const char *s = diag_suggest(item->keys[i], entry_keys, S2N_ARRAY_LEN(entry_keys));
            if (s)
                diag_error(d, item->keynodes[i], "unknown key '%s' in a secret (did you mean '%s'?)",
                           item->keys[i], s);
            else
                diag_error(d, item->keynodes[i],
                           "unknown key '%s' in a secret; allowed: name, file, env, credential, required",
                           item->keys[i]);
        }
        s2n_value *name = value_get(item, "name");
        if (!str_of(name)) {
            diag_error(d, name ? name : item, "secret: 'name' is required (the variable stages see)");
            return -1;
        }
        sd->name = xstrdup(name->str);
        s2n_value *f = value_get(item, "file"), *e = value_get(item, "env"),
                  *c = value_get(item, "credential"), *r = value_get(item, "required");
        if (f && !str_of(f))
            diag_error(d, f, "secret %s: file: expected a path", sd->name);
        if (e && !env_name_valid(str_of(e)))
            diag_error(d, e, "secret %s: env: expected a variable name", sd->name);
        if (c && !str_of(c))
            diag_error(d, c, "secret %s: credential: expected a Jenkins credentials id", sd->name);
        if (f && e)
            diag_error(d, e, "secret %s: give either file: or env:, not both", sd->name);
        if (r && value_to_bool(r, &sd->required) != 0)
            diag_error(d, r, "secret %s: required: expected true or false", sd->name);
        if (str_of(f)) {
            /* `file: ${GH_TOKEN_FILE}` (where withCredentials(file(...)) put
             * it) is expanded when the value is read; check the syntax now */
            char *bad = NULL;
            char *p = interp_expand(f->str, any_name, NULL, NULL, &bad);
            if (!p)
                diag_error(d, f, "secret %s: file: %s", sd->name, bad);
            free(p);
            free(bad);
            sd->file = xstrdup(f->str);
        }
        if (str_of(e))
            sd->env = xstrdup(e->str);
        if (str_of(c))
            sd->credential = xstrdup(c->str);
    } else {
        diag_error(d, item, "secrets: expected a variable name or {name:, file:|env:}");
        return -1;
    }
    if (!env_name_valid(sd->name)) {
        diag_error(d, item, "secret '%s': the name must be a variable name (letters, digits, _)",
                   sd->name);
        return -1;
    }
    return 0;
}

void secrets_parse(s2n_value *node, const char *base_dir, secret_set *out, diag *d)
{
    memset(out, 0, sizeof *out);
    out->base_dir = xstrdup(base_dir ? base_dir : ".");
    if (!node || node->kind == S2N_KIND_NULL)
        return;
    s2n_value one = {0};
    s2n_value *items_one[1] = {node};
    if (node->kind != S2N_KIND_LIST) {
        /* `secrets: TOKEN` alone */
        one.kind = S2N_KIND_LIST;
        one.n = 1;
        one.items = items_one;
        node = &one;
    }
    out->v = xcalloc(node->n + 1, sizeof *out->v);
    for (size_t i = 0; i < node->n; i++) {
        secret_def sd = {0};
        if (parse_entry(node->items[i], &sd, d) != 0) {
            free(sd.name), free(sd.file), free(sd.env), free(sd.credential);
            continue;
        }
        if (secrets_find(out, sd.name)) {
            diag_error(d, node->items[i], "secret %s is declared twice (first at %s)", sd.name,
                       value_where(secrets_find(out, sd.name)->at));
            free(sd.name), free(sd.file), free(sd.env), free(sd.credential);
            continue;
        }
        out->v[out->n++] = sd;
    }
}

/* The value of one secret (malloc'd), or NULL with *why. */
static char *read_secret(const secret_set *s, const secret_def *sd, char **why)
{
    if (sd->file) {
        char *missing = NULL;
        char *spec = interp_expand(sd->file, env_lookup, NULL, &missing, NULL);
        if (!spec) {
            /* no credential file bound (a local run): the variable itself */
            const char *v = getenv(sd->name);
            if (v) {
                free(missing);
                return xstrdup(v);
            }
            *why = xasprintf("its file variable $%s is not set, nor $%s", missing ? missing : "?",
                             sd->name);
            free(missing);
            return NULL;
        }
        char *path = path_join(s->base_dir, spec);
        free(spec);
        size_t len;
        char *v = read_file(path, &len);
        if (!v) {
            *why = xasprintf("cannot read %s: %s", path, strerror(errno));
            free(path);
            return NULL;
        }
        free(path);
        /* a file written by `echo` ends with a newline that is not part of it */
        while (len && (v[len - 1] == '\n' || v[len - 1] == '\r'))
            v[--len] = '\0';
        if (strlen(v) != len) {
            free(v);
            *why = xstrdup("its file contains a NUL byte");
            return NULL;
        }
        return v;
    }
    const char *var = sd->env ? sd->env : sd->name;
    const char *v = getenv(var);
    if (!v) {
        *why = xasprintf("$%s is not set", var);
        return NULL;
    }
    return xstrdup(v);
}

size_t secrets_load(const secret_set *s, mask *m, diag *d)
{
    size_t loaded = 0;
    for (size_t i = 0; i < s->n; i++) {
        const secret_def *sd = &s->v[i];
        char *why = NULL;
        char *v = read_secret(s, sd, &why);
        if (!v) {
            if (sd->required)
                diag_error(d, sd->at, "secret %s is required: %s", sd->name, why);
            else
                diag_warn(d, sd->at, "secret %s is not available (%s); stages that use it may fail",
                          sd->name, why);
            free(why);
            continue;
        }
        if (!*v) {
            diag_warn(d, sd->at, "secret %s is empty", sd->name);
        } else if (strlen(v) < 3) {
            diag_warn(d, sd->at, "secret %s is shorter than 3 characters and cannot be masked",
                      sd->name);
        }
        mask_add(m, v);
        setenv(sd->name, v, 1);
        /* not left in our own memory longer than needed */
        memset(v, 0, strlen(v));
        free(v);
        loaded++;
    }
    return loaded;
}

const secret_def *secrets_find(const secret_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].name, name) == 0)
            return &s->v[i];
    return NULL;
}

void secret_set_free(secret_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].name);
        free(s->v[i].file);
        free(s->v[i].env);
        free(s->v[i].credential);
    }
    free(s->v);
    free(s->base_dir);
    memset(s, 0, sizeof *s);
}

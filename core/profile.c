#include "config.h"
#include "core/profile.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const overlay_keys[] = {"env", "stages", "secrets", "workdir", "plugin_path"};
static const char SET_FILE[] = "command line (--set)";

/* Overlay files are merged into the pipeline's tree, whose nodes point at
 * their file's name: the names live as long as the process. */
static strvec overlay_files;

static const char *keep_name(const char *path)
{
    for (size_t i = 0; i < overlay_files.n; i++)
        if (strcmp(overlay_files.v[i], path) == 0)
            return overlay_files.v[i];
    sv_push(&overlay_files, xstrdup(path));
    return overlay_files.v[overlay_files.n - 1];
}

static char *dir_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    return slash ? xstrndup(file, (size_t)(slash - file) + (slash == file)) : xstrdup(".");
}

static int profile_name_valid(const char *s)
{
    if (!*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

/* NAME.yml or NAME.yaml beside the pipeline file, or NULL. */
static char *overlay_path(const char *pipeline_file, const char *name)
{
    char *dir = dir_of(pipeline_file);
    static const char *const exts[] = {"yml", "yaml"};
    for (size_t i = 0; i < 2; i++) {
        char *p = xasprintf("%s/%s.%s", dir, name, exts[i]);
        if (access(p, R_OK) == 0) {
            free(dir);
            return p;
        }
        free(p);
    }
    free(dir);
    return NULL;
}

void profile_names(const s2n_value *root, const char *pipeline_file, strvec *out)
{
    const s2n_value *inl = value_get(root, "profiles");
    for (size_t i = 0; inl && inl->kind == S2N_KIND_MAP && i < inl->n; i++)
        if (!sv_contains(out, inl->keys[i]))
            sv_push(out, xstrdup(inl->keys[i]));
    char *dir = dir_of(pipeline_file);
    const char *base = strrchr(pipeline_file, '/');
    base = base ? base + 1 : pipeline_file;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        size_t stem = n > 4 && strcmp(e->d_name + n - 4, ".yml") == 0    ? n - 4
                      : n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0 ? n - 5
                                                                          : 0;
        if (!stem || strcmp(e->d_name, base) == 0)
            continue;
        char *name = xstrndup(e->d_name, stem);
        /* only the usual overlay names count as candidates: other YAML
         * files beside the pipeline are not profiles */
        if (profile_name_valid(name) && strncmp(name, "s2nbuild", 8) != 0 &&
            (strcmp(name, "dev") == 0 || strcmp(name, "prod") == 0 ||
             strcmp(name, "staging") == 0 || strcmp(name, "test") == 0 ||
             strcmp(name, "ci") == 0 || strcmp(name, "local") == 0 ||
             strcmp(name, "release") == 0) &&
            !sv_contains(out, name))
            sv_push(out, name);
        else
            free(name);
    }
    if (d)
        closedir(d);
    free(dir);
}

static void check_overlay_keys(s2n_value *ov, const char *what, diag *d)
{
    for (size_t i = 0; i < ov->n; i++) {
        size_t k = 0;
        while (k < S2N_ARRAY_LEN(overlay_keys) && strcmp(ov->keys[i], overlay_keys[k]) != 0)
            k++;
        if (k < S2N_ARRAY_LEN(overlay_keys))
            continue;
        const char *s = diag_suggest(ov->keys[i], overlay_keys, S2N_ARRAY_LEN(overlay_keys));
        if (s)
            diag_error(d, ov->keynodes[i], "unknown key '%s' in %s (did you mean '%s'?)",
                       ov->keys[i], what, s);
        else
            diag_error(d, ov->keynodes[i],
                       "unknown key '%s' in %s; a profile may set env, stages, secrets, workdir, "
                       "plugin_path", ov->keys[i], what);
    }
}

static void merge_map(s2n_value *dst, const s2n_value *src);

static void merge_into(s2n_value *dst, const char *key, const s2n_value *src)
{
    s2n_value *old = value_get(dst, key);
    if (old && old->kind == S2N_KIND_MAP && src && src->kind == S2N_KIND_MAP) {
        merge_map(old, src);
        return;
    }
    value_set(dst, key, value_copy(src));
    /* the key's position is the overlay's */
    for (size_t i = 0; i < dst->n; i++)
        if (strcmp(dst->keys[i], key) == 0 && src) {
            dst->keynodes[i]->file = src->file;
            dst->keynodes[i]->line = src->line;
            dst->keynodes[i]->col = src->col;
        }
}

static void merge_map(s2n_value *dst, const s2n_value *src)
{
    for (size_t i = 0; i < src->n; i++)
        merge_into(dst, src->keys[i], src->items[i]);
}

static s2n_value *stage_named(s2n_value *stages, const char *name)
{
    for (size_t i = 0; stages && stages->kind == S2N_KIND_LIST && i < stages->n; i++) {
        s2n_value *n = value_get(stages->items[i], "name");
        if (n && n->kind == S2N_KIND_STRING && strcmp(n->str, name) == 0)
            return stages->items[i];
    }
    return NULL;
}

static void unknown_stage(s2n_value *stages, s2n_value *at, const char *prefix, const char *name,
                          diag *d)
{
    const char *cands[256];
    size_t n = 0;
    for (size_t i = 0; stages && stages->kind == S2N_KIND_LIST && i < stages->n && n < 256; i++) {
        s2n_value *nm = value_get(stages->items[i], "name");
        if (nm && nm->kind == S2N_KIND_STRING)
            cands[n++] = nm->str;
    }
    const char *s = diag_suggest(name, cands, n);
    if (s)
        diag_error(d, at, "%s: no stage named '%s' in the pipeline (did you mean '%s'?)", prefix,
                   name, s);
    else
        diag_error(d, at, "%s: no stage named '%s' in the pipeline", prefix, name);
}

static void merge_stage(s2n_value *root, const char *name, s2n_value *partial, s2n_value *at,
                        diag *d)
{
    s2n_value *stages = value_get(root, "stages");
    if (!partial || partial->kind != S2N_KIND_MAP) {
        diag_error(d, partial ? partial : at, "profile: stage '%s': expected a mapping", name);
        return;
    }
    s2n_value *target = stage_named(stages, name);
    if (target) {
        merge_map(target, partial);
        return;
    }
    if (!value_get(partial, "type")) {
        unknown_stage(stages, at, "profile (give a type: to add a new stage)", name, d);
        return;
    }
    if (!stages || stages->kind != S2N_KIND_LIST) {
        stages = value_new(S2N_KIND_LIST, partial->file, partial->line, partial->col);
        value_set(root, "stages", stages);
    }
    s2n_value *c = value_copy(partial);
    if (!value_get(c, "name"))
        value_set(c, "name", value_str(name, at->file, at->line, at->col));
    value_push(stages, c);
}

static void merge_overlay(s2n_value *root, s2n_value *ov, const char *what, diag *d)
{
    check_overlay_keys(ov, what, d);
    for (size_t i = 0; i < ov->n; i++) {
        const char *k = ov->keys[i];
        s2n_value *v = ov->items[i];
        if (strcmp(k, "stages") != 0) {
            merge_into(root, k, v);
            continue;
        }
        if (v && v->kind == S2N_KIND_MAP) {
            for (size_t s = 0; s < v->n; s++)
                merge_stage(root, v->keys[s], v->items[s], v->keynodes[s], d);
        } else if (v && v->kind == S2N_KIND_LIST) {
            for (size_t s = 0; s < v->n; s++) {
                s2n_value *nm = value_get(v->items[s], "name");
                if (!nm || nm->kind != S2N_KIND_STRING)
                    diag_error(d, v->items[s], "profile: each stage needs a name: to say which "
                                               "stage it changes");
                else
                    merge_stage(root, nm->str, v->items[s], nm, d);
            }
        } else if (v && v->kind != S2N_KIND_NULL) {
            diag_error(d, v, "profile: stages: expected a list of {name: ...} or a mapping "
                             "NAME: {...}");
        }
    }
}

int profile_apply(s2n_value *root, const char *pipeline_file, const char *name, diag *d)
{
    size_t before = d->nerrors;
    if (!root || root->kind != S2N_KIND_MAP)
        return -1;
    s2n_value *inl = value_get(root, "profiles");
    if (inl && inl->kind != S2N_KIND_MAP && inl->kind != S2N_KIND_NULL) {
        diag_error(d, inl, "profiles: expected a mapping NAME: {env:, stages:, ...}");
        return -1;
    }
    if (!profile_name_valid(name)) {
        diag_take(d, xasprintf("--profile %s: a profile name uses letters, digits, '-' and '_'",
                               name));
        return -1;
    }
    s2n_value *def = value_get(inl, name);
    char *file = overlay_path(pipeline_file, name);
    if (def && file) {
        diag_error(d, (s2n_value *)value_keynode(inl, name),
                   "profile '%s' is defined here and in %s: keep one of them", name, file);
        free(file);
        return -1;
    }
    if (def) {
        if (def->kind != S2N_KIND_MAP) {
            diag_error(d, def, "profile '%s': expected a mapping of env, stages, ...", name);
            return -1;
        }
        char *what = xasprintf("profile '%s'", name);
        s2n_value *copy = value_copy(def); /* root changes while we walk it */
        merge_overlay(root, copy, what, d);
        value_free(copy);
        free(what);
    } else if (file) {
        char *err = NULL;
        s2n_value *ov = yaml_load_file(keep_name(file), &err);
        if (!ov) {
            diag_take(d, err);
        } else if (ov->kind == S2N_KIND_NULL) {
            /* an empty overlay changes nothing */
        } else if (ov->kind != S2N_KIND_MAP) {
            diag_error(d, ov, "profile file: expected a mapping of env, stages, ...");
        } else {
            char *what = xasprintf("profile file %s", file);
            merge_overlay(root, ov, what, d);
            free(what);
        }
        value_free(ov);
        free(file);
    } else {
        strvec names = {0};
        profile_names(root, pipeline_file, &names);
        const char *s = diag_suggest(name, (const char *const *)names.v, names.n);
        strbuf known = {0};
        for (size_t i = 0; i < names.n; i++)
            sb_printf(&known, "%s%s", i ? ", " : "", names.v[i]);
        char *dir = dir_of(pipeline_file);
        if (s)
            diag_take(d, xasprintf("%s: no profile '%s' (did you mean '%s'?)", pipeline_file, name, s));
        else
            diag_take(d, xasprintf("%s: no profile '%s': not under profiles: and no %s/%s.yml; %s%s",
                                   pipeline_file, name, dir, name,
                                   names.n ? "profiles: " : "no profiles are defined",
                                   names.n ? known.s : ""));
        free(dir);
        sb_free(&known);
        sv_free(&names);
    }
    return d->nerrors > before ? -1 : 0;
}

/* "${NAME}" inside NAME's own value: it extends the environment's value. */
static int extends_itself(const char *name, const char *value)
{
    char *ref = xasprintf("${%s", name);
    const char *p = strstr(value, ref);
    size_t n = strlen(ref);
    int yes = p && (p[n] == '}' || p[n] == ':');
    free(ref);
    return yes;
}

void profile_apply_environment(s2n_value *root)
{
    s2n_value *env = value_get(root, "env");
    for (size_t i = 0; env && env->kind == S2N_KIND_MAP && i < env->n; i++) {
        const char *have = getenv(env->keys[i]);
        s2n_value *v = env->items[i];
        if (!have || !v || v->kind != S2N_KIND_STRING || extends_itself(env->keys[i], v->str))
            continue;
        /* the value is taken literally: `$` in the environment is not ours */
        free(v->str);
        strbuf b = {0};
        for (const char *s = have; *s; s++) {
            if (*s == '$')
                sb_putc(&b, '$');
            sb_putc(&b, *s);
        }
        v->str = sb_steal(&b);
        v->quoted = 1;
    }
}

int profile_set(s2n_value *root, const char *assignment, diag *d)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        diag_take(d, xasprintf("--set %s: expected KEY=VALUE, e.g. env.INDEX=pypi or "
                               "stages.publish.with.repository=pypi", assignment));
        return -1;
    }
    char *path = xstrndup(assignment, (size_t)(eq - assignment));
    s2n_value *cur = root;
    char *save = NULL;
    int rc = 0;
    char *seg = strtok_r(path, ".", &save);
    while (seg) {
        char *next = strtok_r(NULL, ".", &save);
        if (cur == root && strcmp(seg, "stages") == 0) {
            if (!next) {
                diag_take(d, xasprintf("--set %s: name the stage: stages.NAME.KEY", assignment));
                rc = -1;
                break;
            }
            s2n_value *st = stage_named(value_get(root, "stages"), next);
            if (!st) {
                s2n_value at = {.file = SET_FILE};
                char *prefix = xasprintf("--set %s", assignment);
                unknown_stage(value_get(root, "stages"), &at, prefix, next, d);
                free(prefix);
                free(at.where);
                rc = -1;
                break;
            }
            if (!(seg = strtok_r(NULL, ".", &save))) {
                diag_take(d, xasprintf("--set %s: which key of stage '%s'? e.g. "
                                       "stages.%s.with.KEY=VALUE", assignment, next, next));
                rc = -1;
                break;
            }
            cur = st;
            continue;
        }
        if (!next) {
            s2n_value *v = value_str(eq + 1, SET_FILE, 0, 0);
            value_set(cur, seg, v);
            break;
        }
        s2n_value *sub = value_get(cur, seg);
        if (!sub || sub->kind != S2N_KIND_MAP) {
            if (sub && sub->kind != S2N_KIND_NULL) {
                diag_take(d, xasprintf("--set %s: '%s' is not a mapping (%s)", assignment, seg,
                                       value_where(sub)));
                rc = -1;
                break;
            }
            sub = value_new(S2N_KIND_MAP, SET_FILE, 0, 0);
            value_set(cur, seg, sub);
        }
        cur = sub;
        seg = next;
    }
    free(path);
    return rc;
}

int profile_prepare(s2n_value *root, const char *pipeline_file, const char *name,
                    const strvec *sets, diag *d)
{
    int rc = 0;
    if (name && *name && profile_apply(root, pipeline_file, name, d) != 0)
        rc = -1;
    profile_apply_environment(root);
    for (size_t i = 0; sets && i < sets->n; i++)
        if (profile_set(root, sets->v[i], d) != 0)
            rc = -1;
    return rc;
}

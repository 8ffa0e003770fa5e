/*
 * pyproject.toml → project model.  Reads the PEP 621 [project] table with
 * toml++ (through plugins/common/toml.h), decides whether the native path
 * applies, and resolves metadata; layout.c then fills the member lists.
 */
#define _GNU_SOURCE
#include "project.h"
#include "layout.h"
#include "pcontext.h"
#include "pep508.h"

#include "plugins/common/names.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *backend_name(backend_kind b)
{
    static const char *const names[] = {"setuptools (legacy, no [build-system])", "setuptools",
                                        "flit-core", "hatchling", "pdm-backend", "poetry-core", "other"};
    return names[b];
}

void members_add(memberlist *l, const char *arc, const char *src)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].arc, arc) == 0)
            return; /* first source wins; the same member is never written twice */
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n].arc = xstrdup(arc);
    l->v[l->n].src = xstrdup(src);
    l->n++;
}

static int cmp_member(const void *a, const void *b)
{
    return strcmp(((const member *)a)->arc, ((const member *)b)->arc);
}

void members_sort(memberlist *l)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp_member);
}

void members_free(memberlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].arc);
        free(l->v[i].src);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ------------------------------------------------------------------ */
/* Errors with locations                                               */

int perr(pctx *c, const s2n_toml_node *n, const char *fmt, ...)
{
    char where[64] = "";
    s2n_toml_where(n, where, sizeof where);
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (where[0])
        snprintf(c->err, c->errcap, "%s:%s: %s", c->file, where, msg);
    else
        snprintf(c->err, c->errcap, "%s: %s", c->file, msg);
    return -1;
}

int pfallback(pctx *c, const char *fmt, ...)
{
    if (c->p->fallback)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&c->p->fallback, fmt, ap) < 0)
        c->p->fallback = NULL;
    va_end(ap);
    return 0;
}

/* String member `key` of `table` (path `what` for messages): 0 with *out
 * (NULL when absent and optional), -1 on a type error. */
int get_str(pctx *c, const s2n_toml_node *table, const char *key, const char *what,
            const char **out)
{
    const s2n_toml_node *n = s2n_toml_get(table, key);
    *out = NULL;
    if (!n)
        return 0;
    if (!s2n_toml_str(n))
        return perr(c, n, "%s.%s: expected a string, found %s", what, key, s2n_toml_type_name(n));
    *out = s2n_toml_str(n);
    return 0;
}

/* Array of strings → list (appended). */
int get_strs(pctx *c, const s2n_toml_node *table, const char *key, const char *what, strlist *out)
{
    const s2n_toml_node *n = s2n_toml_get(table, key);
    if (!n)
        return 0;
    if (s2n_toml_type_of(n) != S2N_TOML_ARRAY)
        return perr(c, n, "%s.%s: expected an array of strings, found %s", what, key,
                    s2n_toml_type_name(n));
    for (size_t i = 0; i < s2n_toml_len(n); i++) {
        const s2n_toml_node *it = s2n_toml_at(n, i);
        if (!s2n_toml_str(it))
            return perr(c, it, "%s.%s[%zu]: expected a string, found %s", what, key, i,
                        s2n_toml_type_name(it));
        sl_push(out, s2n_toml_str(it));
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Backend and native-path checks                                      */

static backend_kind classify_backend(const char *spec)
{
    if (!spec)
        return BACKEND_NONE;
    if (strcmp(spec, "setuptools.build_meta") == 0 || strcmp(spec, "setuptools.build_meta:__legacy__") == 0)
        return BACKEND_SETUPTOOLS;
    if (strcmp(spec, "flit_core.buildapi") == 0 || strcmp(spec, "flit.buildapi") == 0)
        return BACKEND_FLIT;
    if (strcmp(spec, "hatchling.build") == 0)
        return BACKEND_HATCH;
    if (strcmp(spec, "pdm.backend") == 0 || strcmp(spec, "pdm.pep517.api") == 0)
        return BACKEND_PDM;
    if (strcmp(spec, "poetry.core.masonry.api") == 0)
        return BACKEND_POETRY;
    return BACKEND_OTHER;
}

static int file_has_section(const char *path, const char *const *sections)
{
    char *text = read_file(path, NULL);
    if (!text)
        return 0;
    int found = 0;
    for (char *line = text; line && !found; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        while (*line == ' ' || *line == '\t')
            line++;
        for (int i = 0; sections[i] && !found; i++)
            found = strncmp(line, sections[i], strlen(sections[i])) == 0;
    }
    free(text);
    return found;
}

/* Build settings of each backend that the native path understands.  Any
 * other key under a guarded table could change what goes in, so it sends
 * the build to the backend instead of being ignored. */
typedef struct guard {
    backend_kind backend;
    const char *table;          /* dotted, under the root            */
    const char *const *allowed; /* dotted keys below it; NULL ends   */
} guard;

static const char *const g_setuptools[] = {"packages", "package-dir", "package-data", "py-modules",
                                           "dynamic.version", "include-package-data", "zip-safe",
                                           "platforms", NULL};
static const char *const g_flit[] = {"module.name", "sdist.include", "sdist.exclude", NULL};
static const char *const g_hatch_build[] = {"targets.wheel.packages", "targets.wheel.exclude",
                                            "targets.sdist.include", "targets.sdist.exclude", "exclude",
                                            "dev-mode-dirs", "targets.wheel.dev-mode-dirs", NULL};
static const char *const g_hatch_version[] = {"path", "source", NULL};
static const char *const g_pdm_build[] = {"package-dir", "includes", "excludes", NULL};
static const char *const g_pdm_version[] = {"source", "path", NULL};
/* metadata duplicated in [tool.poetry] may refine [project]: backend's job */
static const char *const g_poetry[] = {"packages", "group", "dev-dependencies", "requires-poetry", NULL};

static const guard guards[] = {
    {BACKEND_SETUPTOOLS, "tool.setuptools", g_setuptools},
    {BACKEND_NONE, "tool.setuptools", g_setuptools},
    {BACKEND_FLIT, "tool.flit", g_flit},
    {BACKEND_HATCH, "tool.hatch.build", g_hatch_build},
    {BACKEND_HATCH, "tool.hatch.version", g_hatch_version},
    {BACKEND_PDM, "tool.pdm.build", g_pdm_build},
    {BACKEND_PDM, "tool.pdm.version", g_pdm_version},
    {BACKEND_POETRY, "tool.poetry", g_poetry},
};

/* The first key under `n` (path `at`) that no allowed entry covers. */
static int unknown_key(const s2n_toml_node *n, const char *at, const char *const *allowed, char *out, size_t cap)
{
    for (size_t i = 0; i < s2n_toml_len(n); i++) {
        char *path = *at ? xasprintf("%s.%s", at, s2n_toml_key_at(n, i)) : xstrdup(s2n_toml_key_at(n, i));
        int exact = 0, below = 0;
        size_t pl = strlen(path);
        for (int k = 0; allowed[k]; k++) {
            exact |= strcmp(allowed[k], path) == 0;
            below |= strncmp(allowed[k], path, pl) == 0 && allowed[k][pl] == '.';
        }
        int bad = 0;
        if (!exact) {
            if (below && s2n_toml_type_of(s2n_toml_at(n, i)) == S2N_TOML_TABLE)
                bad = unknown_key(s2n_toml_at(n, i), path, allowed, out, cap);
            else {
                snprintf(out, cap, "%s", path);
                bad = 1;
            }
        }
        free(path);
        if (bad)
            return 1;
    }
    return 0;
}

static void check_guards(pctx *c)
{
    for (size_t g = 0; g < sizeof guards / sizeof *guards; g++) {
        if (guards[g].backend != c->p->backend)
            continue;
        const s2n_toml_node *t = s2n_toml_path(c->root, guards[g].table);
        char key[256];
        if (t && s2n_toml_type_of(t) == S2N_TOML_TABLE && unknown_key(t, "", guards[g].allowed, key, sizeof key))
            pfallback(c, "%s.%s is not interpreted natively", guards[g].table, key);
    }
}

/* Things only the backend itself can do: code in setup.py, build hooks,
 * VCS versions, extension modules. */
static void check_native(pctx *c)
{
    project *p = c->p;
    const s2n_toml_node *tool = s2n_toml_get(c->root, "tool");
    char *path;
    switch (p->backend) {
    case BACKEND_NONE:
    case BACKEND_SETUPTOOLS: {
        static const char *const cfg[] = {"[metadata]", "[options", NULL};
        path = xasprintf("%s/setup.py", p->root);
        if (file_exists(path))
            pfallback(c, "setup.py may run arbitrary code");
        free(path);
        path = xasprintf("%s/MANIFEST.in", p->root);
        if (file_exists(path))
            pfallback(c, "MANIFEST.in selects sdist files (not interpreted natively)");
        free(path);
        path = xasprintf("%s/setup.cfg", p->root);
        if (file_has_section(path, cfg))
            pfallback(c, "setup.cfg holds [metadata]/[options]");
        free(path);
        if (s2n_toml_path(tool, "setuptools.ext-modules"))
            pfallback(c, "tool.setuptools.ext-modules builds C extensions");
        if (s2n_toml_path(tool, "setuptools.data-files"))
            pfallback(c, "tool.setuptools.data-files is not supported natively");
        break;
    }
    case BACKEND_HATCH: {
        if (s2n_toml_path(tool, "hatch.build.hooks") || s2n_toml_path(tool, "hatch.metadata.hooks") ||
            s2n_toml_path(tool, "hatch.build.targets.wheel.hooks") ||
            s2n_toml_path(tool, "hatch.build.targets.sdist.hooks"))
            pfallback(c, "hatch build/metadata hooks run plugin code");
        const char *src = s2n_toml_str(s2n_toml_path(tool, "hatch.version.source"));
        if (src && strcmp(src, "regex") != 0)
            pfallback(c, "tool.hatch.version.source = \"%s\" needs the hatch plugin", src);
        if (s2n_toml_path(tool, "hatch.version.pattern"))
            pfallback(c, "tool.hatch.version.pattern is a custom regex");
        if (s2n_toml_path(tool, "hatch.build.targets.wheel.force-include") ||
            s2n_toml_path(tool, "hatch.build.force-include") ||
            s2n_toml_path(tool, "hatch.build.targets.wheel.sources") ||
            s2n_toml_path(tool, "hatch.build.targets.wheel.shared-data"))
            pfallback(c, "hatch force-include/sources/shared-data are not supported natively");
        break;
    }
    case BACKEND_PDM:
        if (s2n_toml_path(tool, "pdm.build.custom-hook") || s2n_toml_path(tool, "pdm.build.run-setuptools"))
            pfallback(c, "pdm build hooks run code");
        break;
    case BACKEND_POETRY:
        if (s2n_toml_path(tool, "poetry.build"))
            pfallback(c, "tool.poetry.build runs a build script");
        break;
    default:
        break;
    }
    check_guards(c);
}

/* ------------------------------------------------------------------ */
/* Metadata fields                                                     */

static const char *readme_type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && (strcasecmp(dot, ".md") == 0 || strcasecmp(dot, ".markdown") == 0))
        return "text/markdown";
    if (dot && strcasecmp(dot, ".rst") == 0)
        return "text/x-rst";
    return "text/plain";
}

/* Offset of the first byte that is not well-formed UTF-8, or -1. */
static size_t utf8_invalid_at(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (u[i]) {
        unsigned c = u[i];
        int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 && c >= 0xc2 ? 1 : (c & 0xf0) == 0xe0 ? 2
                : (c & 0xf8) == 0xf0 && c <= 0xf4 ? 3 : -1;
        if (n < 0)
            return i;
        for (int k = 1; k <= n; k++)
            if ((u[i + k] & 0xc0) != 0x80)
                return i;
        i += (size_t)n + 1;
    }
    return (size_t)-1;
}

static int read_project_file(pctx *c, const s2n_toml_node *at, const char *what, const char *rel,
                             char **out)
{
    char *path = xasprintf("%s/%s", c->p->root, rel);
    *out = file_exists(path) ? read_file(path, NULL) : NULL;
    free(path);
    if (!*out)
        return perr(c, at, "%s: file '%s' not found in %s", what, rel, c->p->root);
    return 0;
}

static int read_readme(pctx *c, const s2n_toml_node *proj)
{
    project *p = c->p;
    const s2n_toml_node *n = s2n_toml_get(proj, "readme");
    if (!n)
        return 0;
    const char *file = NULL, *text = NULL, *type = NULL;
    if (s2n_toml_str(n)) {
        file = s2n_toml_str(n);
    } else if (s2n_toml_type_of(n) == S2N_TOML_TABLE) {
        if (get_str(c, n, "file", "project.readme", &file) || get_str(c, n, "text", "project.readme", &text) ||
            get_str(c, n, "content-type", "project.readme", &type))
            return -1;
        if (!file == !text)
            return perr(c, n, "project.readme: expected exactly one of 'file' or 'text'");
        if (!type)
            return perr(c, n, "project.readme: 'content-type' is required in the table form");
    } else {
        return perr(c, n, "project.readme: expected a file name or a table, found %s", s2n_toml_type_name(n));
    }
    if (file) {
        if (read_project_file(c, n, "project.readme", file, &p->description))
            return -1;
        p->readme = xstrdup(file);
        size_t bad = utf8_invalid_at(p->description);
        if (bad != (size_t)-1)
            return perr(c, n, "project.readme: '%s' is not UTF-8 (invalid byte at offset %zu)", file, bad);
    } else {
        p->description = xstrdup(text);
    }
    p->readme_type = xstrdup(type ? type : readme_type_of(file));
    return 0;
}

static int read_license(pctx *c, const s2n_toml_node *proj)
{
    project *p = c->p;
    const s2n_toml_node *n = s2n_toml_get(proj, "license");
    strlist globs = {0};
    int explicit_globs = 0;
    const s2n_toml_node *lf = s2n_toml_get(proj, "license-files");
    if (lf) {
        if (get_strs(c, proj, "license-files", "project", &globs))
            return -1;
        explicit_globs = 1;
    }
    if (n && s2n_toml_str(n)) {
        p->license_expr = xstrdup(s2n_toml_str(n)); /* PEP 639 SPDX expression */
    } else if (n && s2n_toml_type_of(n) == S2N_TOML_TABLE) {
        const char *file = NULL, *text = NULL;
        if (get_str(c, n, "file", "project.license", &file) || get_str(c, n, "text", "project.license", &text)) {
            sl_free(&globs);
            return -1;
        }
        if (!file == !text) {
            sl_free(&globs);
            return perr(c, n, "project.license: expected exactly one of 'file' or 'text'");
        }
        if (text) {
            p->license_text = xstrdup(text);
        } else {
            if (read_project_file(c, n, "project.license", file, &p->license_text)) {
                sl_free(&globs);
                return -1;
            }
            sl_push(&p->license_files, file);
        }
    } else if (n) {
        sl_free(&globs);
        return perr(c, n, "project.license: expected a string or a table, found %s", s2n_toml_type_name(n));
    }
    if (!explicit_globs) {
        /* the backends' default: license-ish files at the top */
        sl_push(&globs, "LICEN[CS]E*");
        sl_push(&globs, "COPYING*");
        sl_push(&globs, "NOTICE*");
        sl_push(&globs, "AUTHORS*");
    }
    strlist top = {0};
    walk_files(p->root, "", 1, &top);
    for (size_t g = 0; g < globs.n; g++) {
        int hit = 0;
        for (size_t i = 0; i < top.n; i++)
            if ((explicit_globs || !strchr(top.v[i], '/')) && path_match(globs.v[g], top.v[i])) {
                if (!sl_has(&p->license_files, top.v[i]))
                    sl_push(&p->license_files, top.v[i]);
                hit = 1;
            }
        if (explicit_globs && !hit) {
            perr(c, lf, "project.license-files: '%s' matches no file", globs.v[g]);
            sl_free(&top);
            sl_free(&globs);
            return -1;
        }
    }
    sl_free(&top);
    sl_free(&globs);
    return 0;
}

/* "Name <email>" lists of PEP 621 authors/maintainers. */
static int read_people(pctx *c, const s2n_toml_node *proj, const char *key, char **names, char **emails)
{
    const s2n_toml_node *n = s2n_toml_get(proj, key);
    if (!n)
        return 0;
    if (s2n_toml_type_of(n) != S2N_TOML_ARRAY)
        return perr(c, n, "project.%s: expected an array of tables, found %s", key, s2n_toml_type_name(n));
    strlist nl = {0}, el = {0};
    for (size_t i = 0; i < s2n_toml_len(n); i++) {
        const s2n_toml_node *it = s2n_toml_at(n, i);
        const char *name = NULL, *email = NULL;
        if (s2n_toml_type_of(it) != S2N_TOML_TABLE) {
            sl_free(&nl);
            sl_free(&el);
            return perr(c, it, "project.%s[%zu]: expected a table {name, email}", key, i);
        }
        char what[64];
        snprintf(what, sizeof what, "project.%s[%zu]", key, i);
        if (get_str(c, it, "name", what, &name) || get_str(c, it, "email", what, &email)) {
            sl_free(&nl);
            sl_free(&el);
            return -1;
        }
        if (email && name)
            sl_pushf(&el, "%s <%s>", name, email);
        else if (email)
            sl_push(&el, email);
        else if (name)
            sl_push(&nl, name);
    }
    for (int k = 0; k < 2; k++) {
        strlist *l = k ? &el : &nl;
        if (!l->n)
            continue;
        size_t len = 1;
        for (size_t i = 0; i < l->n; i++)
            len += strlen(l->v[i]) + 2;
        char *s = xcalloc(1, len);
        for (size_t i = 0; i < l->n; i++) {
            if (i)
                strcat(s, ", ");
            strcat(s, l->v[i]);
        }
        *(k ? emails : names) = s;
    }
    sl_free(&nl);
    sl_free(&el);
    return 0;
}

static int read_deps(pctx *c, const s2n_toml_node *proj)
{
    project *p = c->p;
    strlist deps = {0};
    if (get_strs(c, proj, "dependencies", "project", &deps))
        return -1;
    for (size_t i = 0; i < deps.n; i++) {
        if (!pep508_valid(deps.v[i]))
            pfallback(c, "dependency '%s' is not a requirement the native path can check (PEP 508)", deps.v[i]);
        sl_push(&p->requires, deps.v[i]);
    }
    sl_free(&deps);
    const s2n_toml_node *opt = s2n_toml_get(proj, "optional-dependencies");
    if (!opt)
        return 0;
    if (s2n_toml_type_of(opt) != S2N_TOML_TABLE)
        return perr(c, opt, "project.optional-dependencies: expected a table, found %s", s2n_toml_type_name(opt));
    for (size_t i = 0; i < s2n_toml_len(opt); i++) {
        const char *extra = s2n_toml_key_at(opt, i);
        if (!s2n_name_valid(extra))
            return perr(c, s2n_toml_at(opt, i), "project.optional-dependencies: invalid extra name '%s'", extra);
        strlist reqs = {0};
        if (get_strs(c, opt, extra, "project.optional-dependencies", &reqs))
            return -1;
        sl_push(&p->extras, extra);
        for (size_t k = 0; k < reqs.n; k++) {
            if (!pep508_valid(reqs.v[k]))
                pfallback(c, "optional dependency '%s' is not a requirement the native path can check (PEP 508)",
                          reqs.v[k]);
            char *semi = strchr(reqs.v[k], ';');
            if (semi) {
                char *marker = semi + 1;
                while (isspace((unsigned char)*marker))
                    marker++;
                sl_pushf(&p->requires, "%.*s; (%s) and extra == \"%s\"", (int)(semi - reqs.v[k]), reqs.v[k],
                         marker, extra);
            } else {
                sl_pushf(&p->requires, "%s; extra == \"%s\"", reqs.v[k], extra);
            }
        }
        sl_free(&reqs);
    }
    return 0;
}

/* One [group] of entry_points.txt from a table of name = "module:attr". */
static int render_group(pctx *c, const s2n_toml_node *t, const char *what, const char *group, char **buf,
                        size_t *len)
{
    if (s2n_toml_type_of(t) != S2N_TOML_TABLE)
        return perr(c, t, "%s: expected a table of name = \"module:object\"", what);
    if (s2n_toml_len(t) == 0)
        return 0;
    char *sec = xasprintf("%s[%s]\n", *len ? "\n" : "", group);
    *buf = xrealloc(*buf, *len + strlen(sec) + 1);
    strcpy(*buf + *len, sec);
    *len += strlen(sec);
    free(sec);
    for (size_t i = 0; i < s2n_toml_len(t); i++) {
        const s2n_toml_node *v = s2n_toml_at(t, i);
        const char *ref = s2n_toml_str(v);
        if (!ref)
            return perr(c, v, "%s.%s: expected a string \"module:object\"", what, s2n_toml_key_at(t, i));
        char *line = xasprintf("%s = %s\n", s2n_toml_key_at(t, i), ref);
        *buf = xrealloc(*buf, *len + strlen(line) + 1);
        strcpy(*buf + *len, line);
        *len += strlen(line);
        free(line);
    }
    return 0;
}

static int read_entry_points(pctx *c, const s2n_toml_node *proj)
{
    char *buf = NULL;
    size_t len = 0;
    const s2n_toml_node *n;
    int rc = 0;
    if ((n = s2n_toml_get(proj, "scripts")))
        rc = render_group(c, n, "project.scripts", "console_scripts", &buf, &len);
    if (!rc && (n = s2n_toml_get(proj, "gui-scripts")))
        rc = render_group(c, n, "project.gui-scripts", "gui_scripts", &buf, &len);
    if (!rc && (n = s2n_toml_get(proj, "entry-points"))) {
        if (s2n_toml_type_of(n) != S2N_TOML_TABLE)
            rc = perr(c, n, "project.entry-points: expected a table of groups");
        for (size_t i = 0; !rc && i < s2n_toml_len(n); i++) {
            const char *g = s2n_toml_key_at(n, i);
            if (strcmp(g, "console_scripts") == 0 || strcmp(g, "gui_scripts") == 0)
                rc = perr(c, s2n_toml_at(n, i),
                          "project.entry-points.%s: use [project.%s] instead (PEP 621)", g,
                          g[0] == 'c' ? "scripts" : "gui-scripts");
            else
                rc = render_group(c, s2n_toml_at(n, i), "project.entry-points", g, &buf, &len);
        }
    }
    if (rc) {
        free(buf);
        return -1;
    }
    c->p->entry_points = buf;
    return 0;
}

static char *join_strs(const strlist *l, const char *sep)
{
    size_t len = 1;
    for (size_t i = 0; i < l->n; i++)
        len += strlen(l->v[i]) + strlen(sep);
    char *s = xcalloc(1, len);
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            strcat(s, sep);
        strcat(s, l->v[i]);
    }
    return s;
}

static int read_metadata(pctx *c, const s2n_toml_node *proj, const strlist *dynamic)
{
    project *p = c->p;
    const char *s;
    const s2n_toml_node *n;

    if (sl_has(dynamic, "name"))
        return perr(c, s2n_toml_get(proj, "dynamic"), "project.dynamic: 'name' cannot be dynamic");
    n = s2n_toml_get(proj, "name");
    if (!n)
        return perr(c, proj, "project.name is required");
    if (get_str(c, proj, "name", "project", &s))
        return -1;
    if (!s2n_name_valid(s))
        return perr(c, n, "project.name: '%s' is not a valid project name (ASCII letters, digits, '.', '_', '-'; "
                    "starting and ending with a letter or digit)", s);
    p->name = xstrdup(s);
    size_t need = s2n_name_filename(s, NULL, 0);
    p->fname = xmalloc(need);
    s2n_name_filename(s, p->fname, need);

    n = s2n_toml_get(proj, "version");
    if (n && sl_has(dynamic, "version"))
        return perr(c, n, "project.version is set and also listed in project.dynamic");
    if (!n && !sl_has(dynamic, "version"))
        return perr(c, proj, "project.version is required (or list \"version\" in project.dynamic)");
    if (n) {
        if (get_str(c, proj, "version", "project", &s))
            return -1;
        char norm[256];
        if (s2n_version_normalize(s, norm, sizeof norm) != 0)
            return perr(c, n, "project.version: '%s' is not a valid PEP 440 version", s);
        p->version = xstrdup(norm);
        p->version_from = xstrdup("static");
    }

    if (get_str(c, proj, "description", "project", &s))
        return -1;
    if (s) {
        p->summary = xstrdup(s);
        for (char *q = p->summary; *q; q++) /* Summary is one line */
            if (*q == '\n' || *q == '\r')
                *q = ' ';
    }
    if (read_readme(c, proj) || read_license(c, proj))
        return -1;
    if (get_str(c, proj, "requires-python", "project", &s))
        return -1;
    if (s)
        p->requires_python = xstrdup(s);
    if (read_people(c, proj, "authors", &p->author, &p->author_email) ||
        read_people(c, proj, "maintainers", &p->maintainer, &p->maintainer_email))
        return -1;
    strlist kw = {0};
    if (get_strs(c, proj, "keywords", "project", &kw))
        return -1;
    if (kw.n)
        p->keywords = join_strs(&kw, ",");
    sl_free(&kw);
    if (get_strs(c, proj, "classifiers", "project", &p->classifiers))
        return -1;
    if ((n = s2n_toml_get(proj, "urls"))) {
        if (s2n_toml_type_of(n) != S2N_TOML_TABLE)
            return perr(c, n, "project.urls: expected a table of label = \"url\"");
        for (size_t i = 0; i < s2n_toml_len(n); i++) {
            const char *url = s2n_toml_str(s2n_toml_at(n, i));
            if (!url)
                return perr(c, s2n_toml_at(n, i), "project.urls.%s: expected a string", s2n_toml_key_at(n, i));
            sl_pushf(&p->urls, "%s, %s", s2n_toml_key_at(n, i), url);
        }
    }
    if (read_deps(c, proj) || read_entry_points(c, proj))
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ */

static int load(pctx *c)
{
    project *p = c->p;
    if (!file_exists(c->file)) {
        char *setup = xasprintf("%s/setup.py", p->root);
        int has_setup = file_exists(setup);
        free(setup);
        if (!has_setup)
            return perr(c, NULL, "not found (and no setup.py either): not a Python project");
        p->backend = BACKEND_NONE;
        p->backend_spec = xstrdup("setuptools.build_meta:__legacy__");
        return pfallback(c, "no pyproject.toml: setup.py project");
    }
    c->doc = s2n_toml_parse_file(c->file, c->err, c->errcap);
    if (!c->doc)
        return -1;
    c->root = s2n_toml_root(c->doc);

    const s2n_toml_node *bs = s2n_toml_get(c->root, "build-system");
    const char *spec = NULL;
    if (bs && (get_str(c, bs, "build-backend", "build-system", &spec) ||
               get_strs(c, bs, "backend-path", "build-system", &p->backend_path)))
        return -1;
    p->backend = classify_backend(spec);
    p->backend_spec = xstrdup(spec ? spec : "setuptools.build_meta:__legacy__");

    const s2n_toml_node *proj = s2n_toml_get(c->root, "project");
    if (!proj)
        return pfallback(c, "no [project] table: metadata lives in %s",
                         s2n_toml_path(c->root, "tool.poetry") ? "[tool.poetry]" : "setup.py/setup.cfg");
    if (s2n_toml_type_of(proj) != S2N_TOML_TABLE)
        return perr(c, proj, "project: expected a table");
    if (p->backend == BACKEND_OTHER)
        pfallback(c, "build backend '%s' is not built natively", spec);
    check_native(c);

    strlist dynamic = {0};
    if (get_strs(c, proj, "dynamic", "project", &dynamic))
        return -1;
    for (size_t i = 0; i < dynamic.n; i++) {
        const char *f = dynamic.v[i];
        if (strcmp(f, "version") == 0)
            continue;
        if (strcmp(f, "description") == 0 && p->backend == BACKEND_FLIT)
            continue;
        pfallback(c, "project.dynamic lists '%s': the backend computes it", f);
    }
    int rc = read_metadata(c, proj, &dynamic);
    if (rc == 0 && !p->fallback)
        rc = layout_resolve(c, &dynamic);
    sl_free(&dynamic);
    return rc;
}

/* Drop members whose source lies under `prefix/`. */
static void members_drop_under(memberlist *l, const char *prefix)
{
    size_t pl = strlen(prefix), k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (strncmp(l->v[i].src, prefix, pl) == 0 && l->v[i].src[pl] == '/') {
            free(l->v[i].arc);
            free(l->v[i].src);
        } else {
            l->v[k++] = l->v[i];
        }
    }
    l->n = k;
}

int project_load(project *p, const char *root, const char *outdir, char *err, size_t errcap)
{
    memset(p, 0, sizeof *p);
    p->root = xstrdup(root);
    pctx c = {.p = p, .err = err, .errcap = errcap};
    c.file = xasprintf("%s/pyproject.toml", root);
    size_t rl = strlen(root);
    if (outdir && strncmp(outdir, root, rl) == 0 && outdir[rl] == '/' && outdir[rl + 1])
        c.outdir_rel = outdir + rl + 1;
    int rc = load(&c);
    if (rc == 0 && c.outdir_rel) {
        members_drop_under(&p->wheel, c.outdir_rel);
        members_drop_under(&p->sdist, c.outdir_rel);
    }
    s2n_toml_free(c.doc);
    free(c.file);
    return rc;
}

void project_free(project *p)
{
    free(p->root);
    free(p->backend_spec);
    sl_free(&p->backend_path);
    free(p->fallback);
    free(p->name);
    free(p->fname);
    free(p->version);
    free(p->version_from);
    free(p->summary);
    free(p->readme);
    free(p->readme_type);
    free(p->description);
    free(p->requires_python);
    free(p->license_text);
    free(p->license_expr);
    sl_free(&p->license_files);
    free(p->author);
    free(p->author_email);
    free(p->maintainer);
    free(p->maintainer_email);
    free(p->keywords);
    sl_free(&p->classifiers);
    sl_free(&p->urls);
    sl_free(&p->requires);
    sl_free(&p->extras);
    free(p->entry_points);
    members_free(&p->wheel);
    members_free(&p->sdist);
    memset(p, 0, sizeof *p);
}

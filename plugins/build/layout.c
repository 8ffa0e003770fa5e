/*
 * Backend conventions for what goes into the wheel and the sdist.  Each
 * backend gets a function that fills the wheel member list (arc = path
 * inside the wheel, src = path in the project); the sdist then holds
 * pyproject.toml, the readme, the license files, every wheel source at its
 * project path, plus what the backend adds by default.
 */
#define _GNU_SOURCE
#include "layout.h"

#include "plugins/common/names.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *join(const char *a, const char *b)
{
    if (!a || !*a || strcmp(a, ".") == 0)
        return xstrdup(b);
    if (!b || !*b)
        return xstrdup(a);
    return xasprintf("%s/%s", a, b);
}

static int exists_rel(pctx *c, const char *rel, int dir)
{
    char *path = join(c->p->root, rel);
    int ok = dir ? dir_exists(path) : file_exists(path);
    free(path);
    return ok;
}

/* Strip "./" and trailing '/' from a configured path. */
static char *clean_rel(const char *s)
{
    while (s[0] == '.' && s[1] == '/')
        s += 2;
    if (strcmp(s, ".") == 0)
        s = "";
    char *r = xstrdup(s);
    size_t n = strlen(r);
    while (n && r[n - 1] == '/')
        r[--n] = '\0';
    return r;
}

/* Every file under base/pkg into the wheel as pkg/…. */
static void wheel_tree(pctx *c, const char *base, const char *pkg)
{
    strlist files = {0};
    char *rel = join(base, pkg);
    walk_files(c->p->root, rel, 0, &files);
    size_t skip = strlen(base) && strcmp(base, ".") ? strlen(base) + 1 : 0;
    for (size_t i = 0; i < files.n; i++)
        members_add(&c->p->wheel, files.v[i] + skip, files.v[i]);
    free(rel);
    sl_free(&files);
}

/* A top-level module: base/name/ (package) or base/name.py. */
typedef struct found_module {
    char *base; /* "" or "src" */
    char *rel;  /* "pkg" or "ns/pkg" (folder) or "mod.py" */
    int is_pkg;
} found_module;

static int find_module(pctx *c, const char *dotted, found_module *out)
{
    static const char *const bases[] = {"", "src", NULL};
    char *path = xstrdup(dotted);
    for (char *q = path; *q; q++)
        if (*q == '.')
            *q = '/';
    for (int b = 0; bases[b]; b++) {
        char *dir = join(bases[b], path);
        char *init = xasprintf("%s/__init__.py", dir);
        char *mod = xasprintf("%s.py", dir);
        int found = 0;
        if (exists_rel(c, init, 0) || (strchr(dotted, '.') && exists_rel(c, dir, 1))) {
            out->is_pkg = 1;
            out->rel = xstrdup(path);
            found = 1;
        } else if (exists_rel(c, mod, 0)) {
            out->is_pkg = 0;
            out->rel = xasprintf("%s.py", path);
            found = 1;
        }
        free(dir);
        free(init);
        free(mod);
        if (found) {
            out->base = xstrdup(bases[b]);
            free(path);
            return 1;
        }
    }
    free(path);
    return 0;
}

static void found_free(found_module *m)
{
    free(m->base);
    free(m->rel);
}

/* The import name a backend derives from the project name. */
static char *module_name_of(const char *name, int lower)
{
    char *m = xstrdup(name);
    for (char *q = m; *q; q++) {
        if (*q == '-' || *q == '.')
            *q = '_';
        if (lower)
            *q = (char)tolower((unsigned char)*q);
    }
    return m;
}

static int module_not_found(pctx *c, const s2n_toml_node *at, const char *mod, const char *hint)
{
    if (!at) /* no setting to point at: the name the module was derived from */
        at = s2n_toml_path(c->root, "project.name");
    return perr(c, at,
                "no package or module '%s' found: looked for %s/__init__.py, %s.py, src/%s/__init__.py "
                "and src/%s.py in %s (%s)",
                mod, mod, mod, mod, mod, c->p->root, hint);
}

static void wheel_module(pctx *c, const found_module *m)
{
    if (m->is_pkg) {
        wheel_tree(c, m->base, m->rel);
    } else {
        char *src = join(m->base, m->rel);
        members_add(&c->p->wheel, m->rel, src);
        free(src);
    }
}

/* ------------------------------------------------------------------ */
/* setuptools                                                          */

static const char *const flat_exclude[] = {
    "ci", "bin", "debian", "doc", "docs", "documentation", "manpages", "news", "newsfragments",
    "changelog", "test", "tests", "unit_test", "unit_tests", "example", "examples", "scripts", "tools",
    "util", "utils", "python", "build", "dist", "venv", "env", "requirements", "tasks", "fabfile",
    "site_scons", "benchmark", "benchmarks", "exercise", "exercises", "htmlcov", NULL};

static int is_identifier(const char *s)
{
    if (!*s || isdigit((unsigned char)*s))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

typedef struct pkg {
    char *dotted;
    char *dir; /* relative to the project root */
} pkg;

typedef struct pkglist {
    pkg *v;
    size_t n, cap;
} pkglist;

static void pkgs_add(pkglist *l, const char *dotted, const char *dir)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].dotted, dotted) == 0)
            return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n].dotted = xstrdup(dotted);
    l->v[l->n].dir = xstrdup(dir);
    l->n++;
}

static void pkgs_free(pkglist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].dotted);
        free(l->v[i].dir);
    }
    free(l->v);
}

static int any_match(const strlist *pats, const char *s)
{
    for (size_t i = 0; i < pats->n; i++)
        if (fnmatch(pats->v[i], s, 0) == 0)
            return 1;
    return 0;
}

/* setuptools' find_(namespace_)packages under `where`: folders (with an
 * __init__.py unless namespaces) whose dotted names pass include/exclude. */
static void find_packages(pctx *c, const char *where, const char *rel, const char *prefix, int namespaces,
                          const strlist *include, const strlist *exclude, const char *const *skip_top,
                          pkglist *out)
{
    char *dir = join(where, rel);
    strlist subs = {0};
    /* list the immediate sub-folders, sorted */
    strlist all = {0};
    walk_files(c->p->root, dir, 1, &all); /* cheap enough for source trees */
    size_t dl = strlen(dir) ? strlen(dir) + 1 : 0;
    for (size_t i = 0; i < all.n; i++) {
        const char *r = all.v[i] + dl;
        const char *slash = strchr(r, '/');
        if (slash) {
            char *name = xasprintf("%.*s", (int)(slash - r), r);
            if (!sl_has(&subs, name))
                sl_push(&subs, name);
            free(name);
        }
    }
    sl_free(&all);
    for (size_t i = 0; i < subs.n; i++) {
        const char *name = subs.v[i];
        if (!is_identifier(name))
            continue;
        int skipped = 0;
        for (int k = 0; skip_top && !*prefix && skip_top[k]; k++)
            skipped |= strcmp(name, skip_top[k]) == 0;
        if (skipped)
            continue;
        char *sub_rel = join(rel, name);
        char *sub_dir = join(where, sub_rel);
        if (c->outdir_rel && strcmp(sub_dir, c->outdir_rel) == 0) { /* our own outputs */
            free(sub_rel);
            free(sub_dir);
            continue;
        }
        char *init = xasprintf("%s/__init__.py", sub_dir);
        if (!namespaces && !exists_rel(c, init, 0)) {
            free(sub_rel);
            free(sub_dir);
            free(init);
            continue;
        }
        char *dotted = *prefix ? xasprintf("%s.%s", prefix, name) : xstrdup(name);
        if (any_match(include, dotted) && !any_match(exclude, dotted))
            pkgs_add(out, dotted, sub_dir);
        find_packages(c, where, sub_rel, dotted, namespaces, include, exclude, NULL, out);
        free(dotted);
        free(sub_rel);
        free(sub_dir);
        free(init);
    }
    sl_free(&subs);
    free(dir);
}

/* Folder of a dotted package under package-dir. */
static char *package_dir_of(const s2n_toml_node *pkgdir, const char *base, const char *dotted)
{
    /* longest configured prefix wins */
    char *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < s2n_toml_len(pkgdir); i++) {
        const char *k = s2n_toml_key_at(pkgdir, i);
        size_t kl = strlen(k);
        const char *v = s2n_toml_str(s2n_toml_at(pkgdir, i));
        if (!v || !kl || kl < best_len)
            continue;
        if (strncmp(dotted, k, kl) == 0 && (dotted[kl] == '\0' || dotted[kl] == '.')) {
            free(best);
            char *rest = xstrdup(dotted + kl + (dotted[kl] == '.'));
            for (char *q = rest; *q; q++)
                if (*q == '.')
                    *q = '/';
            char *cv = clean_rel(v);
            best = join(cv, rest);
            free(cv);
            free(rest);
            best_len = kl;
        }
    }
    if (best)
        return best;
    char *path = xstrdup(dotted);
    for (char *q = path; *q; q++)
        if (*q == '.')
            *q = '/';
    char *r = join(base, path);
    free(path);
    return r;
}

static int setuptools_layout(pctx *c)
{
    project *p = c->p;
    const s2n_toml_node *st = s2n_toml_path(c->root, "tool.setuptools");
    const s2n_toml_node *pkgdir = s2n_toml_get(st, "package-dir");
    const s2n_toml_node *packages = s2n_toml_get(st, "packages");
    const s2n_toml_node *pkgdata = s2n_toml_get(st, "package-data");
    if (pkgdir && s2n_toml_type_of(pkgdir) != S2N_TOML_TABLE)
        return perr(c, pkgdir, "tool.setuptools.package-dir: expected a table");
    if (pkgdata && s2n_toml_type_of(pkgdata) != S2N_TOML_TABLE)
        return perr(c, pkgdata, "tool.setuptools.package-data: expected a table");
    const char *base_s = NULL;
    if (get_str(c, pkgdir, "", "tool.setuptools.package-dir", &base_s))
        return -1;
    char *base = clean_rel(base_s ? base_s : "");
    pkglist pkgs = {0};
    strlist modules = {0};
    int rc = 0;
    if (get_strs(c, st, "py-modules", "tool.setuptools", &modules)) {
        free(base);
        return -1;
    }
    if (packages && s2n_toml_type_of(packages) == S2N_TOML_ARRAY) {
        strlist names = {0};
        if (get_strs(c, st, "packages", "tool.setuptools", &names)) {
            free(base);
            sl_free(&modules);
            return -1;
        }
        for (size_t i = 0; i < names.n && !rc; i++) {
            char *dir = package_dir_of(pkgdir, base, names.v[i]);
            if (!exists_rel(c, dir, 1))
                rc = perr(c, packages, "tool.setuptools.packages: package '%s' has no folder '%s' in %s",
                          names.v[i], dir, p->root);
            else
                pkgs_add(&pkgs, names.v[i], dir);
            free(dir);
        }
        sl_free(&names);
    } else if (packages) {
        const s2n_toml_node *find = s2n_toml_get(packages, "find");
        if (!find || s2n_toml_type_of(find) != S2N_TOML_TABLE) {
            rc = perr(c, packages, "tool.setuptools.packages: expected a list of packages or {find = {...}}");
        } else {
            strlist where = {0}, include = {0}, exclude = {0};
            int ns = 1;
            const s2n_toml_node *nsn = s2n_toml_get(find, "namespaces");
            if (get_strs(c, find, "where", "tool.setuptools.packages.find", &where) ||
                get_strs(c, find, "include", "tool.setuptools.packages.find", &include) ||
                get_strs(c, find, "exclude", "tool.setuptools.packages.find", &exclude) ||
                (nsn && s2n_toml_bool(nsn, &ns) != 0 &&
                 perr(c, nsn, "tool.setuptools.packages.find.namespaces: expected true or false")))
                rc = -1;
            if (!where.n)
                sl_push(&where, ".");
            if (!include.n)
                sl_push(&include, "*");
            for (size_t i = 0; i < where.n && !rc; i++) {
                char *w = clean_rel(where.v[i]);
                if (!exists_rel(c, w, 1) && *w)
                    rc = perr(c, find, "tool.setuptools.packages.find.where: folder '%s' not found in %s", w,
                              p->root);
                else
                    find_packages(c, w, "", "", ns, &include, &exclude, NULL, &pkgs);
                if (!base_s && *w) { /* setuptools maps "" to the single `where` */
                    free(base);
                    base = xstrdup(w);
                }
                free(w);
            }
            sl_free(&where);
            sl_free(&include);
            sl_free(&exclude);
        }
    } else if (!modules.n) {
        /* automatic discovery: src-layout, else flat-layout */
        strlist star = {0}, none = {0};
        sl_push(&star, "*");
        if (!base_s && exists_rel(c, "src", 1)) {
            free(base);
            base = xstrdup("src");
        }
        if (*base) {
            find_packages(c, base, "", "", 1, &star, &none, NULL, &pkgs);
        } else {
            find_packages(c, "", "", "", 1, &star, &none, flat_exclude, &pkgs);
            /* flat layout: setuptools takes every remaining top-level folder
             * (PEP 420) and refuses several; leave that verdict to it */
            size_t tops = 0;
            for (size_t i = 0; i < pkgs.n; i++)
                if (!strchr(pkgs.v[i].dotted, '.') && pkgs.v[i].dotted[0] != '_')
                    tops++;
            if (tops > 1)
                pfallback(c, "setuptools flat-layout discovery found several top-level folders");
            if (tops == 0) {
                pkgs_free(&pkgs);
                memset(&pkgs, 0, sizeof pkgs);
                char *mod = module_name_of(p->name, 0);
                char *file = xasprintf("%s.py", mod);
                if (exists_rel(c, file, 0))
                    sl_push(&modules, mod);
                free(file);
                free(mod);
            }
        }
        sl_free(&star);
        sl_free(&none);
    }
    if (!rc && !pkgs.n && !modules.n && !p->fallback)
        rc = module_not_found(c, st, p->fname, "setuptools found no package: set tool.setuptools.packages");
    /* modules */
    for (size_t i = 0; i < modules.n && !rc; i++) {
        char *path = xstrdup(modules.v[i]);
        for (char *q = path; *q; q++)
            if (*q == '.')
                *q = '/';
        char *arc = xasprintf("%s.py", path);
        char *src = join(base, arc);
        if (!exists_rel(c, src, 0))
            rc = perr(c, s2n_toml_get(st, "py-modules"), "tool.setuptools.py-modules: '%s' not found in %s", src,
                      p->root);
        else
            members_add(&p->wheel, arc, src);
        free(path);
        free(arc);
        free(src);
    }
    /* packages: their own .py files plus package-data globs */
    for (size_t i = 0; i < pkgs.n && !rc; i++) {
        strlist files = {0}, globs = {0};
        walk_files(p->root, pkgs.v[i].dir, 0, &files);
        const char *keys[] = {"", "*", pkgs.v[i].dotted};
        for (int k = 0; k < 3 && pkgdata; k++) {
            const s2n_toml_node *g = s2n_toml_get(pkgdata, keys[k]);
            if (g && get_strs(c, pkgdata, keys[k], "tool.setuptools.package-data", &globs))
                rc = -1;
        }
        size_t dl = strlen(pkgs.v[i].dir) + 1;
        char *arcdir = xstrdup(pkgs.v[i].dotted);
        for (char *q = arcdir; *q; q++)
            if (*q == '.')
                *q = '/';
        for (size_t f = 0; f < files.n; f++) {
            const char *r = files.v[f] + dl;
            int own_py = !strchr(r, '/') && strlen(r) > 3 && strcmp(r + strlen(r) - 3, ".py") == 0;
            int data = 0;
            for (size_t g = 0; g < globs.n && !own_py && !data; g++)
                data = path_match(globs.v[g], r);
            if (own_py || data) {
                char *arc = xasprintf("%s/%s", arcdir, r);
                members_add(&p->wheel, arc, files.v[f]);
                free(arc);
            }
        }
        free(arcdir);
        sl_free(&files);
        sl_free(&globs);
    }
    /* setuptools' sdist extras */
    if (!rc) {
        static const char *const extras[] = {"setup.py", "setup.cfg", NULL};
        for (int i = 0; extras[i]; i++)
            if (exists_rel(c, extras[i], 0))
                members_add(&p->sdist, extras[i], extras[i]);
    }
    pkgs_free(&pkgs);
    sl_free(&modules);
    free(base);
    return rc;
}

/* ------------------------------------------------------------------ */
/* flit, hatch, pdm, poetry                                            */

static int flit_layout(pctx *c, found_module *main_mod)
{
    const s2n_toml_node *fm = s2n_toml_path(c->root, "tool.flit.module");
    const char *name = NULL;
    if (get_str(c, fm, "name", "tool.flit.module", &name))
        return -1;
    char *mod = name ? xstrdup(name) : module_name_of(c->p->name, 0);
    int ok = find_module(c, mod, main_mod);
    int rc = ok ? 0 : module_not_found(c, fm, mod, "set tool.flit.module.name");
    free(mod);
    if (rc)
        return rc;
    wheel_module(c, main_mod);
    /* sdist: tool.flit.sdist include/exclude globs */
    const s2n_toml_node *sd = s2n_toml_path(c->root, "tool.flit.sdist");
    strlist inc = {0}, exc = {0}, all = {0};
    if (get_strs(c, sd, "include", "tool.flit.sdist", &inc) || get_strs(c, sd, "exclude", "tool.flit.sdist", &exc))
        rc = -1;
    if (!rc && inc.n) {
        walk_files(c->p->root, "", 1, &all);
        for (size_t i = 0; i < all.n; i++) {
            int in = 0, out = 0;
            for (size_t k = 0; k < inc.n; k++) {
                char *under = xasprintf("%s/**", inc.v[k]);
                in |= path_match(inc.v[k], all.v[i]) || path_match(under, all.v[i]);
                free(under);
            }
            for (size_t k = 0; k < exc.n; k++) {
                char *under = xasprintf("%s/**", exc.v[k]);
                out |= path_match(exc.v[k], all.v[i]) || path_match(under, all.v[i]);
                free(under);
            }
            if (in && !out)
                members_add(&c->p->sdist, all.v[i], all.v[i]);
        }
    }
    sl_free(&inc);
    sl_free(&exc);
    sl_free(&all);
    return rc;
}

/* .gitignore at the project root, the subset hatch users rely on: one
 * pattern a line, '#' comments, no negation; a pattern without '/'
 * matches a name at any depth, a trailing '/' only folders. */
static int gitignored(const strlist *pats, const char *rel)
{
    for (size_t i = 0; i < pats->n; i++) {
        const char *pat = pats->v[i];
        char *pp = xstrdup(pat[0] == '/' ? pat + 1 : pat);
        size_t n = strlen(pp);
        int dir_only = n && pp[n - 1] == '/';
        if (dir_only)
            pp[--n] = '\0';
        int anchored = pat[0] == '/' || strchr(pp, '/');
        int hit = 0;
        /* try every leading run of segments of rel (a folder match
         * excludes everything below it) */
        char *buf = xstrdup(rel);
        for (char *s = buf;;) {
            char *slash = strchr(s, '/');
            int is_dir = slash != NULL;
            if (slash)
                *slash = '\0';
            if (!dir_only || is_dir) {
                if (anchored)
                    hit = path_match(pp, buf);
                else
                    hit = fnmatch(pp, s, 0) == 0;
            }
            if (hit || !slash)
                break;
            *slash = '/';
            s = slash + 1;
        }
        free(buf);
        free(pp);
        if (hit)
            return 1;
    }
    return 0;
}

static void read_gitignore(pctx *c, strlist *out)
{
    char *path = join(c->p->root, ".gitignore");
    char *text = read_file(path, NULL);
    free(path);
    if (!text)
        return;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = '\0';
        if (n && line[0] != '#' && line[0] != '!')
            sl_push(out, line);
    }
    free(text);
}

/* A path matched by one of `pats` (globs; a pattern also covers what lies
 * below a matching folder). */
static int excluded(const strlist *pats, const char *path)
{
    for (size_t k = 0; k < pats->n; k++) {
        char *pat = clean_rel(pats->v[k]);
        char *under = xasprintf("%s/**", pat);
        char *anywhere = xasprintf("**/%s", pat);
        int hit = path_match(pat, path) || path_match(under, path) ||
                  (!strchr(pat, '/') && path_match(anywhere, path));
        free(pat);
        free(under);
        free(anywhere);
        if (hit)
            return 1;
    }
    return 0;
}

static int hatch_layout(pctx *c, found_module *main_mod)
{
    const s2n_toml_node *wt = s2n_toml_path(c->root, "tool.hatch.build.targets.wheel");
    strlist pkgs = {0}, ign = {0};
    int rc = 0;
    read_gitignore(c, &ign);
    if (get_strs(c, wt, "packages", "tool.hatch.build.targets.wheel", &pkgs))
        return -1;
    if (pkgs.n) {
        for (size_t i = 0; i < pkgs.n && !rc; i++) {
            char *rel = clean_rel(pkgs.v[i]);
            char *slash = strrchr(rel, '/');
            char *base = slash ? xasprintf("%.*s", (int)(slash - rel), rel) : xstrdup("");
            if (!exists_rel(c, rel, 1))
                rc = perr(c, s2n_toml_get(wt, "packages"),
                          "tool.hatch.build.targets.wheel.packages: folder '%s' not found in %s", rel, c->p->root);
            else
                wheel_tree(c, base, slash ? slash + 1 : rel);
            if (i == 0 && !rc) {
                main_mod->base = xstrdup(base);
                main_mod->rel = xstrdup(slash ? slash + 1 : rel);
                main_mod->is_pkg = 1;
            }
            free(base);
            free(rel);
        }
    } else {
        char *mod = module_name_of(c->p->name, 1);
        if (!find_module(c, mod, main_mod))
            rc = module_not_found(c, wt, mod, "set tool.hatch.build.targets.wheel.packages");
        else
            wheel_module(c, main_mod);
        free(mod);
    }
    sl_free(&pkgs);
    /* gitignored and excluded files never go in */
    strlist wexc = {0};
    if (get_strs(c, wt, "exclude", "tool.hatch.build.targets.wheel", &wexc) ||
        get_strs(c, s2n_toml_path(c->root, "tool.hatch.build"), "exclude", "tool.hatch.build", &wexc))
        rc = -1;
    for (size_t i = 0; i < c->p->wheel.n;) {
        if (gitignored(&ign, c->p->wheel.v[i].src) || excluded(&wexc, c->p->wheel.v[i].src)) {
            free(c->p->wheel.v[i].arc);
            free(c->p->wheel.v[i].src);
            c->p->wheel.v[i] = c->p->wheel.v[--c->p->wheel.n];
        } else {
            i++;
        }
    }
    sl_free(&wexc);
    /* sdist: the whole tree minus VCS, build outputs, .gitignore matches
     * and tool.hatch.build(.targets.sdist).exclude; only `include` when set */
    if (!rc) {
        const s2n_toml_node *sd = s2n_toml_path(c->root, "tool.hatch.build.targets.sdist");
        const s2n_toml_node *gen = s2n_toml_path(c->root, "tool.hatch.build");
        strlist inc = {0}, exc = {0}, all = {0};
        if (get_strs(c, sd, "include", "tool.hatch.build.targets.sdist", &inc) ||
            get_strs(c, sd, "exclude", "tool.hatch.build.targets.sdist", &exc) ||
            get_strs(c, gen, "exclude", "tool.hatch.build", &exc))
            rc = -1;
        walk_files(c->p->root, "", 1, &all);
        for (size_t i = 0; i < all.n && !rc; i++) {
            /* hatch patterns are gitignore-style, like the exclusions */
            int in = !inc.n || excluded(&inc, all.v[i]);
            int out = gitignored(&ign, all.v[i]) || excluded(&exc, all.v[i]);
            if (in && !out)
                members_add(&c->p->sdist, all.v[i], all.v[i]);
        }
        sl_free(&inc);
        sl_free(&exc);
        sl_free(&all);
    }
    sl_free(&ign);
    return rc;
}

static int pdm_layout(pctx *c, found_module *main_mod)
{
    const s2n_toml_node *b = s2n_toml_path(c->root, "tool.pdm.build");
    const char *pd = NULL;
    strlist inc = {0};
    if (get_str(c, b, "package-dir", "tool.pdm.build", &pd) || get_strs(c, b, "includes", "tool.pdm.build", &inc))
        return -1;
    char *base = clean_rel(pd ? pd : (exists_rel(c, "src", 1) ? "src" : ""));
    int rc = 0;
    if (inc.n) {
        for (size_t i = 0; i < inc.n && !rc; i++) {
            char *rel = clean_rel(inc.v[i]);
            char *full = join(base, rel);
            if (!strncmp(rel, base, strlen(base)) && *base) { /* given with the package-dir prefix */
                free(full);
                full = xstrdup(rel);
                free(rel);
                rel = xstrdup(full + strlen(base) + 1);
            }
            if (exists_rel(c, full, 1))
                wheel_tree(c, base, rel);
            else if (exists_rel(c, full, 0))
                members_add(&c->p->wheel, rel, full);
            else
                rc = perr(c, s2n_toml_get(b, "includes"), "tool.pdm.build.includes: '%s' not found in %s", full,
                          c->p->root);
            if (i == 0 && !rc) {
                main_mod->base = xstrdup(base);
                main_mod->rel = xstrdup(rel);
                main_mod->is_pkg = exists_rel(c, full, 1);
            }
            free(rel);
            free(full);
        }
    } else {
        /* pdm-backend: every top-level package of the package dir */
        strlist all = {0}, tops = {0};
        walk_files(c->p->root, base, 1, &all);
        size_t bl = *base ? strlen(base) + 1 : 0;
        for (size_t i = 0; i < all.n; i++) {
            const char *r = all.v[i] + bl;
            const char *slash = strchr(r, '/');
            if (slash && strcmp(slash + 1, "__init__.py") == 0) {
                char *top = xasprintf("%.*s", (int)(slash - r), r);
                int skip = 0;
                for (int k = 0; flat_exclude[k]; k++)
                    skip |= strcmp(top, flat_exclude[k]) == 0;
                if (!skip && !sl_has(&tops, top))
                    sl_push(&tops, top);
                free(top);
            }
        }
        sl_free(&all);
        char *mod = module_name_of(c->p->name, 1);
        if (!tops.n) {
            if (find_module(c, mod, main_mod))
                wheel_module(c, main_mod);
            else
                rc = module_not_found(c, b, mod, "set tool.pdm.build.includes");
        } else {
            for (size_t i = 0; i < tops.n; i++)
                wheel_tree(c, base, tops.v[i]);
            main_mod->base = xstrdup(base);
            main_mod->rel = xstrdup(sl_has(&tops, mod) ? mod : tops.v[0]);
            main_mod->is_pkg = 1;
        }
        free(mod);
        sl_free(&tops);
    }
    strlist exc = {0};
    if (!rc && get_strs(c, b, "excludes", "tool.pdm.build", &exc))
        rc = -1;
    for (size_t i = 0; i < c->p->wheel.n && exc.n;) {
        if (excluded(&exc, c->p->wheel.v[i].src)) {
            free(c->p->wheel.v[i].arc);
            free(c->p->wheel.v[i].src);
            c->p->wheel.v[i] = c->p->wheel.v[--c->p->wheel.n];
        } else {
            i++;
        }
    }
    sl_free(&exc);
    /* pdm-backend's sdist also carries the tests */
    if (!rc && exists_rel(c, "tests", 1)) {
        strlist t = {0};
        walk_files(c->p->root, "tests", 1, &t);
        for (size_t i = 0; i < t.n; i++)
            members_add(&c->p->sdist, t.v[i], t.v[i]);
        sl_free(&t);
    }
    sl_free(&inc);
    free(base);
    return rc;
}

static int poetry_layout(pctx *c, found_module *main_mod)
{
    const s2n_toml_node *pk = s2n_toml_path(c->root, "tool.poetry.packages");
    int rc = 0;
    if (pk) {
        if (s2n_toml_type_of(pk) != S2N_TOML_ARRAY)
            return perr(c, pk, "tool.poetry.packages: expected an array of {include, from}");
        for (size_t i = 0; i < s2n_toml_len(pk) && !rc; i++) {
            const s2n_toml_node *it = s2n_toml_at(pk, i);
            const char *inc = NULL, *from = NULL;
            if (s2n_toml_type_of(it) != S2N_TOML_TABLE)
                return perr(c, it, "tool.poetry.packages[%zu]: expected a table {include, from}", i);
            if (get_str(c, it, "include", "tool.poetry.packages", &inc) ||
                get_str(c, it, "from", "tool.poetry.packages", &from))
                return -1;
            if (!inc)
                return perr(c, it, "tool.poetry.packages[%zu]: 'include' is required", i);
            char *base = clean_rel(from ? from : "");
            char *rel = clean_rel(inc);
            char *full = join(base, rel);
            if (exists_rel(c, full, 1))
                wheel_tree(c, base, rel);
            else if (exists_rel(c, full, 0))
                members_add(&c->p->wheel, rel, full);
            else
                rc = perr(c, it, "tool.poetry.packages: '%s' not found in %s", full, c->p->root);
            if (i == 0 && !rc) {
                main_mod->base = xstrdup(base);
                main_mod->rel = xstrdup(rel);
                main_mod->is_pkg = exists_rel(c, full, 1);
            }
            free(base);
            free(rel);
            free(full);
        }
        return rc;
    }
    char *mod = module_name_of(c->p->name, 1);
    if (find_module(c, mod, main_mod))
        wheel_module(c, main_mod);
    else
        rc = module_not_found(c, pk, mod, "set tool.poetry.packages");
    free(mod);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Dynamic version / description                                       */

/* `var = "…"` (optionally annotated) at the start of a line. */
static char *find_assignment(const char *text, const char *var)
{
    size_t vl = strlen(var);
    for (const char *line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, var, vl) != 0)
            continue;
        const char *s = line + vl;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == ':') { /* annotation */
            while (*s && *s != '=' && *s != '\n')
                s++;
        }
        if (*s != '=' || s[1] == '=')
            continue;
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s != '"' && *s != '\'')
            return NULL; /* computed: only the backend can know */
        char q = *s++;
        const char *end = strchr(s, q);
        const char *nl = strchr(s, '\n');
        if (!end || (nl && nl < end))
            return NULL;
        return xasprintf("%.*s", (int)(end - s), s);
    }
    return NULL;
}

/* The first line of a module docstring, as flit uses for the summary. */
static char *find_docstring(const char *text)
{
    const char *s = text;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (*s != '#')
            break;
        s = strchr(s, '\n');
        if (!s)
            return NULL;
    }
    while (*s == 'r' || *s == 'R' || *s == 'u' || *s == 'U')
        s++;
    const char *quote = NULL;
    if (!strncmp(s, "\"\"\"", 3))
        quote = "\"\"\"";
    else if (!strncmp(s, "'''", 3))
        quote = "'''";
    else if (*s == '"')
        quote = "\"";
    else if (*s == '\'')
        quote = "'";
    if (!quote)
        return NULL;
    s += strlen(quote);
    const char *end = strstr(s, quote);
    if (!end)
        return NULL;
    while (s < end && isspace((unsigned char)*s))
        s++;
    const char *eol = s;
    while (eol < end && *eol != '\n')
        eol++;
    while (eol > s && isspace((unsigned char)eol[-1]))
        eol--;
    return eol > s ? xasprintf("%.*s", (int)(eol - s), s) : NULL;
}

static int version_from_file(pctx *c, const s2n_toml_node *at, const char *rel, const char *var)
{
    char *path = join(c->p->root, rel);
    char *text = read_file(path, NULL);
    free(path);
    if (!text)
        return perr(c, at, "dynamic version: file '%s' not found in %s", rel, c->p->root);
    char *v = var ? find_assignment(text, var) : NULL;
    if (!var) { /* a plain version file */
        char *s = text;
        while (isspace((unsigned char)*s))
            s++;
        size_t n = strlen(s);
        while (n && isspace((unsigned char)s[n - 1]))
            n--;
        v = xasprintf("%.*s", (int)n, s);
    }
    free(text);
    if (!v)
        return pfallback(c, "dynamic version: no literal %s = \"...\" in %s", var, rel);
    char norm[256];
    if (s2n_version_normalize(v, norm, sizeof norm) != 0) {
        int rc = perr(c, at, "dynamic version: '%s' in %s is not a valid PEP 440 version", v, rel);
        free(v);
        return rc;
    }
    free(v);
    c->p->version = xstrdup(norm);
    c->p->version_from = xstrdup(rel);
    return 0;
}

static char *module_init(const found_module *m)
{
    if (!m->rel)
        return NULL;
    return m->is_pkg ? xasprintf("%s%s%s/__init__.py", m->base, *m->base ? "/" : "", m->rel)
                     : join(m->base, m->rel);
}

static int dynamic_version(pctx *c, const found_module *main_mod)
{
    const s2n_toml_node *tool = s2n_toml_get(c->root, "tool");
    const s2n_toml_node *dyn = s2n_toml_path(c->root, "project.dynamic");
    switch (c->p->backend) {
    case BACKEND_FLIT:
    case BACKEND_POETRY: {
        if (c->p->backend == BACKEND_POETRY)
            return pfallback(c, "dynamic version with poetry-core comes from a plugin");
        char *init = module_init(main_mod);
        int rc = version_from_file(c, dyn, init, "__version__");
        free(init);
        return rc;
    }
    case BACKEND_HATCH: {
        const s2n_toml_node *v = s2n_toml_path(tool, "hatch.version");
        const char *path = NULL;
        if (get_str(c, v, "path", "tool.hatch.version", &path))
            return -1;
        if (!path)
            return perr(c, v ? v : dyn, "tool.hatch.version.path is required for a dynamic version");
        /* hatch's default pattern: __version__ or VERSION */
        char *rel = clean_rel(path);
        char *full = join(c->p->root, rel);
        char *text = read_file(full, NULL);
        free(full);
        char *tmp = text ? find_assignment(text, "__version__") : NULL;
        int has_dunder = tmp != NULL;
        free(tmp);
        free(text);
        int rc = version_from_file(c, v, rel, has_dunder ? "__version__" : "VERSION");
        free(rel);
        return rc;
    }
    case BACKEND_PDM: {
        const s2n_toml_node *v = s2n_toml_path(tool, "pdm.version");
        const char *src = NULL, *path = NULL;
        if (get_str(c, v, "source", "tool.pdm.version", &src) || get_str(c, v, "path", "tool.pdm.version", &path))
            return -1;
        if (!src || strcmp(src, "file") != 0 || !path)
            return pfallback(c, "tool.pdm.version source '%s' needs pdm-backend", src ? src : "(unset)");
        char *rel = clean_rel(path);
        int rc = version_from_file(c, v, rel, "__version__");
        free(rel);
        return rc;
    }
    default: { /* setuptools */
        const s2n_toml_node *v = s2n_toml_path(tool, "setuptools.dynamic.version");
        const char *attr = NULL;
        strlist files = {0};
        if (get_str(c, v, "attr", "tool.setuptools.dynamic.version", &attr))
            return -1;
        if (!attr && s2n_toml_str(s2n_toml_get(v, "file")))
            sl_push(&files, s2n_toml_str(s2n_toml_get(v, "file")));
        else if (!attr && get_strs(c, v, "file", "tool.setuptools.dynamic.version", &files))
            return -1;
        if (files.n == 1) {
            char *rel = clean_rel(files.v[0]);
            int rc = version_from_file(c, v, rel, NULL);
            free(rel);
            sl_free(&files);
            return rc;
        }
        sl_free(&files);
        if (!attr)
            return pfallback(c, "dynamic version without tool.setuptools.dynamic.version attr/file (a plugin?)");
        const char *dot = strrchr(attr, '.');
        if (!dot)
            return perr(c, v, "tool.setuptools.dynamic.version.attr: expected 'module.attribute'");
        char *modname = xasprintf("%.*s", (int)(dot - attr), attr);
        found_module m = {0};
        int rc;
        const s2n_toml_node *pkgdir = s2n_toml_path(tool, "setuptools.package-dir");
        const char *b = s2n_toml_str(s2n_toml_get(pkgdir, ""));
        if (b && *b) {
            char *rel = package_dir_of(pkgdir, "", modname);
            char *init = xasprintf("%s/__init__.py", rel);
            char *py = xasprintf("%s.py", rel);
            rc = version_from_file(c, v, exists_rel(c, init, 0) ? init : py, dot + 1);
            free(rel);
            free(init);
            free(py);
        } else if (find_module(c, modname, &m)) {
            char *init = module_init(&m);
            rc = version_from_file(c, v, init, dot + 1);
            free(init);
        } else {
            rc = perr(c, v, "tool.setuptools.dynamic.version.attr: module '%s' not found", modname);
        }
        found_free(&m);
        free(modname);
        return rc;
    }
    }
}

/* ------------------------------------------------------------------ */

int layout_resolve(pctx *c, const strlist *dynamic)
{
    project *p = c->p;
    found_module main_mod = {0};
    int rc;
    switch (p->backend) {
    case BACKEND_FLIT: rc = flit_layout(c, &main_mod); break;
    case BACKEND_HATCH: rc = hatch_layout(c, &main_mod); break;
    case BACKEND_PDM: rc = pdm_layout(c, &main_mod); break;
    case BACKEND_POETRY: rc = poetry_layout(c, &main_mod); break;
    default: rc = setuptools_layout(c); break;
    }
    if (!rc && !p->fallback && sl_has(dynamic, "version"))
        rc = dynamic_version(c, &main_mod);
    if (!rc && !p->fallback && sl_has(dynamic, "description")) {
        char *init = module_init(&main_mod);
        char *path = init ? join(p->root, init) : NULL;
        char *text = path ? read_file(path, NULL) : NULL;
        char *doc = text ? find_docstring(text) : NULL;
        if (doc)
            p->summary = doc;
        else
            pfallback(c, "dynamic description: no module docstring in %s", init ? init : "(module)");
        free(text);
        free(path);
        free(init);
    }
    found_free(&main_mod);
    if (rc || p->fallback)
        return rc;
    if (!p->wheel.n)
        return perr(c, NULL, "nothing to put in the wheel: no package files found");
    /* the sdist: pyproject, readme, licenses, every wheel source */
    members_add(&p->sdist, "pyproject.toml", "pyproject.toml");
    if (p->readme)
        members_add(&p->sdist, p->readme, p->readme);
    for (size_t i = 0; i < p->license_files.n; i++)
        members_add(&p->sdist, p->license_files.v[i], p->license_files.v[i]);
    for (size_t i = 0; i < p->wheel.n; i++)
        members_add(&p->sdist, p->wheel.v[i].src, p->wheel.v[i].src);
    members_sort(&p->wheel);
    members_sort(&p->sdist);
    return 0;
}

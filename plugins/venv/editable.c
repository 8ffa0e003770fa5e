/*
 * Editable wheels from static pyproject.toml metadata.
 */
#include "config.h"

#include "plugins/venv/editable.h"
#include "plugins/common/hash.h"
#include "plugins/common/names.h"
#include "plugins/common/toml.h"
#include "plugins/common/venv_pep440.h"
#include "plugins/common/venv_pep508.h"
#include "plugins/common/zipwrite.h"

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Backends whose editable install is "put the source root on sys.path". */
static const char *const simple_backends[] = {
    "setuptools.build_meta", "flit_core.buildapi", "hatchling.build", "pdm.backend", NULL,
};

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t nc = (t->len + (size_t)n + 1) * 2;
        char *ns = realloc(t->s, nc);
        if (!ns)
            return;
        t->s = ns, t->cap = nc;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static int say(char *r, size_t cap, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int say(char *r, size_t cap, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r, cap, fmt, ap);
    va_end(ap);
    return rc;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* One line of a header value: newlines would end the header. */
static int one_line(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

static void record_line(text *rec, const char *name, const char *data, size_t len)
{
    uint8_t d[32];
    char b64[48];
    s2n_sha256(data, len, d);
    s2n_b64url_nopad(d, 32, b64);
    add(rec, "%s,sha256=%s,%zu\n", name, b64, len);
}

static void entry_group(text *ep, const s2n_toml_node *tbl, const char *group)
{
    if (s2n_toml_type_of(tbl) != S2N_TOML_TABLE || s2n_toml_len(tbl) == 0)
        return;
    add(ep, "%s[%s]\n", ep->len ? "\n" : "", group);
    for (size_t i = 0; i < s2n_toml_len(tbl); i++)
        if (s2n_toml_str(s2n_toml_at(tbl, i)))
            add(ep, "%s = %s\n", s2n_toml_key_at(tbl, i), s2n_toml_str(s2n_toml_at(tbl, i)));
}

/* Only a dynamic version is read here; anything else needs the backend. */
static int dynamic_ok(const s2n_toml_node *dyn)
{
    for (size_t i = 0; i < s2n_toml_len(dyn); i++) {
        const char *f = s2n_toml_str(s2n_toml_at(dyn, i));
        if (!f || strcmp(f, "version") != 0)
            return 0;
    }
    return 1;
}

/* `__version__ = "1.2"` in a source file, the way setuptools' attr:,
 * flit and hatch's path find it when it is a plain string. */
static const char *version_in(const char *file, char *out, size_t cap)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return NULL;
    char line[1024];
    const char *found = NULL;
    while (!found && fgets(line, sizeof line, f)) {
        const char *p = line;
        if (strncmp(p, "__version__", 11) != 0)
            continue;
        p += 11;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == ':') { /* __version__: str = "1.0" */
            while (*p && *p != '=')
                p++;
        }
        if (*p++ != '=')
            continue;
        while (*p == ' ' || *p == '\t')
            p++;
        char q = *p;
        if (q != '"' && q != '\'')
            continue;
        const char *e = strchr(p + 1, q);
        if (!e)
            continue;
        char raw[128];
        snprintf(raw, sizeof raw, "%.*s", (int)(e - p - 1), p + 1);
        if (s2n_pver_normalize(raw, out, cap) == 0)
            found = out;
    }
    fclose(f);
    return found;
}

/* Module `dotted` (a.b) as a file under root: a/b/__init__.py or a/b.py. */
static const char *module_version(const char *root, const char *dotted, char *out, size_t cap)
{
    char rel[PATH_MAX], file[PATH_MAX * 2];
    snprintf(rel, sizeof rel, "%s", dotted);
    for (char *p = rel; *p; p++)
        if (*p == '.')
            *p = '/';
    snprintf(file, sizeof file, "%s/%s/__init__.py", root, rel);
    const char *v = version_in(file, out, cap);
    if (!v) {
        snprintf(file, sizeof file, "%s/%s.py", root, rel);
        v = version_in(file, out, cap);
    }
    return v;
}

static const char *dynamic_version(const s2n_toml_node *root, const char *project,
                                   const char *name, char *out, size_t cap)
{
    char src[PATH_MAX];
    snprintf(src, sizeof src, "%s/src", project);
    const char *roots[] = {is_dir(src) ? src : project, project};
    /* setuptools: [tool.setuptools.dynamic] version = { attr = "pkg.__version__" } */
    const char *attr = s2n_toml_str(s2n_toml_path(root, "tool.setuptools.dynamic.version.attr"));
    if (attr) {
        char mod[512];
        snprintf(mod, sizeof mod, "%s", attr);
        char *dot = strrchr(mod, '.');
        if (!dot || strcmp(dot + 1, "__version__") != 0)
            return NULL;
        *dot = '\0';
        for (int i = 0; i < 2; i++) {
            const char *v = module_version(roots[i], mod, out, cap);
            if (v)
                return v;
        }
        return NULL;
    }
    /* hatch: [tool.hatch.version] path = "src/pkg/__about__.py" */
    const char *hpath = s2n_toml_str(s2n_toml_path(root, "tool.hatch.version.path"));
    if (hpath) {
        char file[PATH_MAX * 2];
        snprintf(file, sizeof file, "%s/%s", project, hpath);
        return version_in(file, out, cap);
    }
    /* flit: the module named by [tool.flit.module] name, or the project */
    const char *backend = s2n_toml_str(s2n_toml_path(root, "build-system.build-backend"));
    if (backend && strcmp(backend, "flit_core.buildapi") == 0) {
        const char *mod = s2n_toml_str(s2n_toml_path(root, "tool.flit.module.name"));
        char m[256];
        if (!mod) {
            s2n_pep503(name, m, sizeof m);
            for (char *p = m; *p; p++)
                if (*p == '-')
                    *p = '_';
            mod = m;
        }
        for (int i = 0; i < 2; i++) {
            const char *v = module_version(roots[i], mod, out, cap);
            if (v)
                return v;
        }
    }
    return NULL;
}

int s2n_editable_wheel(const char *project, const char *outdir, char **wheel, char **direct_url,
                       char *reason, size_t cap)
{
    *wheel = *direct_url = NULL;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/setup.py", project);
    if (access(path, F_OK) == 0)
        return say(reason, cap, 1, "the project has a setup.py");
    snprintf(path, sizeof path, "%s/pyproject.toml", project);
    if (access(path, F_OK) != 0)
        return say(reason, cap, 1, "the project has no pyproject.toml");
    char err[512];
    s2n_toml *doc = s2n_toml_parse_file(path, err, sizeof err);
    if (!doc)
        return say(reason, cap, -1, "%s", err);
    const s2n_toml_node *root = s2n_toml_root(doc);
    const char *backend = s2n_toml_str(s2n_toml_path(root, "build-system.build-backend"));
    const s2n_toml_node *proj = s2n_toml_get(root, "project");
    const char *name = s2n_toml_str(s2n_toml_get(proj, "name"));
    const char *version = s2n_toml_str(s2n_toml_get(proj, "version"));
    const s2n_toml_node *dyn = s2n_toml_get(proj, "dynamic");
    int rc = 1;
    int known = 0;
    char dynver[128];
    for (int i = 0; backend && simple_backends[i]; i++)
        known |= strcmp(backend, simple_backends[i]) == 0;
    char vnorm[128];
    if (!known)
        say(reason, cap, 1, "build backend %s", backend ? backend : "(none declared)");
    else if (!proj || !name)
        say(reason, cap, 1, "no [project] name");
    else if (!dynamic_ok(dyn))
        say(reason, cap, 1, "[project] has dynamic fields other than the version");
    else if (!version && !(version = dynamic_version(root, project, name, dynver, sizeof dynver)))
        say(reason, cap, 1, "the version is dynamic and not a plain __version__ string");
    else if (!s2n_name_valid(name) || s2n_pver_normalize(version, vnorm, sizeof vnorm) != 0)
        say(reason, cap, 1, "[project] name or version is not valid");
    else
        rc = 0;
    if (rc != 0) {
        s2n_toml_free(doc);
        return rc;
    }

    /* Where imports come from: package-dir "" of setuptools, else src/
     * when present, else the project folder. */
    char srcroot[PATH_MAX];
    const s2n_toml_node *pd = s2n_toml_path(root, "tool.setuptools.package-dir");
    const char *pkgdir = s2n_toml_str(s2n_toml_get(pd, ""));
    snprintf(path, sizeof path, "%s/src", project);
    if (pkgdir)
        snprintf(srcroot, sizeof srcroot, "%s/%s", project, pkgdir);
    else if (is_dir(path))
        snprintf(srcroot, sizeof srcroot, "%s", path);
    else
        snprintf(srcroot, sizeof srcroot, "%s", project);
    char realroot[PATH_MAX], realproj[PATH_MAX];
    if (!realpath(srcroot, realroot) || !realpath(project, realproj)) {
        s2n_toml_free(doc);
        return say(reason, cap, 1, "cannot resolve %s", srcroot);
    }

    char fname[256];
    s2n_pep503(name, fname, sizeof fname);
    for (char *p = fname; *p; p++)
        if (*p == '-')
            *p = '_';
    char distinfo[512];
    snprintf(distinfo, sizeof distinfo, "%s-%s.dist-info", fname, vnorm);

    text meta = {0}, ep = {0}, rec = {0}, pth = {0};
    add(&meta, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, vnorm);
    const char *summary = s2n_toml_str(s2n_toml_get(proj, "description"));
    if (one_line(summary))
        add(&meta, "Summary: %s\n", summary);
    const char *lic = s2n_toml_str(s2n_toml_path(proj, "license.text"));
    if (one_line(lic))
        add(&meta, "License: %s\n", lic);
    /* authors: names to Author, "Name <email>" to Author-email */
    const s2n_toml_node *au = s2n_toml_get(proj, "authors");
    text names = {0}, emails = {0};
    for (size_t i = 0; i < s2n_toml_len(au); i++) {
        const char *an = s2n_toml_str(s2n_toml_get(s2n_toml_at(au, i), "name"));
        const char *ae = s2n_toml_str(s2n_toml_get(s2n_toml_at(au, i), "email"));
        if (ae && one_line(ae))
            add(&emails, "%s%s%s%s%s", emails.len ? ", " : "", an ? an : "", an ? " <" : "", ae,
                an ? ">" : "");
        else if (an && one_line(an))
            add(&names, "%s%s", names.len ? ", " : "", an);
    }
    if (names.len)
        add(&meta, "Author: %s\n", names.s);
    if (emails.len)
        add(&meta, "Author-email: %s\n", emails.s);
    free(names.s);
    free(emails.s);
    const s2n_toml_node *cls = s2n_toml_get(proj, "classifiers");
    for (size_t i = 0; i < s2n_toml_len(cls); i++)
        if (one_line(s2n_toml_str(s2n_toml_at(cls, i))))
            add(&meta, "Classifier: %s\n", s2n_toml_str(s2n_toml_at(cls, i)));
    const s2n_toml_node *urls = s2n_toml_get(proj, "urls");
    for (size_t i = 0; i < s2n_toml_len(urls); i++)
        if (one_line(s2n_toml_str(s2n_toml_at(urls, i))))
            add(&meta, "Project-URL: %s, %s\n", s2n_toml_key_at(urls, i),
                s2n_toml_str(s2n_toml_at(urls, i)));
    const char *rp = s2n_toml_str(s2n_toml_get(proj, "requires-python"));
    if (one_line(rp))
        add(&meta, "Requires-Python: %s\n", rp);
    const s2n_toml_node *deps = s2n_toml_get(proj, "dependencies");
    for (size_t i = 0; i < s2n_toml_len(deps); i++)
        if (one_line(s2n_toml_str(s2n_toml_at(deps, i))))
            add(&meta, "Requires-Dist: %s\n", s2n_toml_str(s2n_toml_at(deps, i)));
    const s2n_toml_node *opt = s2n_toml_get(proj, "optional-dependencies");
    for (size_t i = 0; i < s2n_toml_len(opt); i++) {
        const char *extra = s2n_toml_key_at(opt, i);
        add(&meta, "Provides-Extra: %s\n", extra);
        const s2n_toml_node *list = s2n_toml_at(opt, i);
        for (size_t k = 0; k < s2n_toml_len(list); k++) {
            const char *d = s2n_toml_str(s2n_toml_at(list, k));
            if (!one_line(d))
                continue;
            const char *semi = strchr(d, ';');
            if (semi)
                add(&meta, "Requires-Dist: %.*s; (%s) and extra == \"%s\"\n", (int)(semi - d), d,
                    semi + 1, extra);
            else
                add(&meta, "Requires-Dist: %s; extra == \"%s\"\n", d, extra);
        }
    }
    /* The readme becomes the description body, as backends write it. */
    const s2n_toml_node *rd = s2n_toml_get(proj, "readme");
    const char *rfile = s2n_toml_str(rd) ? s2n_toml_str(rd) : s2n_toml_str(s2n_toml_get(rd, "file"));
    if (rfile) {
        char rpath[PATH_MAX * 2];
        snprintf(rpath, sizeof rpath, "%s/%s", project, rfile);
        FILE *rf = fopen(rpath, "r");
        if (rf) {
            const char *ct = s2n_toml_str(s2n_toml_get(rd, "content-type"));
            size_t rl = strlen(rfile);
            if (!ct)
                ct = rl > 3 && strcasecmp(rfile + rl - 3, ".md") == 0 ? "text/markdown"
                     : rl > 4 && strcasecmp(rfile + rl - 4, ".rst") == 0 ? "text/x-rst"
                     : "text/plain";
            add(&meta, "Description-Content-Type: %s\n\n", ct);
            char chunk[4096];
            size_t k;
            while ((k = fread(chunk, 1, sizeof chunk - 1, rf)) > 0) {
                chunk[k] = '\0';
                add(&meta, "%s", chunk);
            }
            fclose(rf);
        }
    }
    entry_group(&ep, s2n_toml_get(proj, "scripts"), "console_scripts");
    entry_group(&ep, s2n_toml_get(proj, "gui-scripts"), "gui_scripts");
    const s2n_toml_node *eps = s2n_toml_get(proj, "entry-points");
    for (size_t i = 0; i < s2n_toml_len(eps); i++)
        entry_group(&ep, s2n_toml_at(eps, i), s2n_toml_key_at(eps, i));
    add(&pth, "%s\n", realroot);
    static const char wheel_text[] = "Wheel-Version: 1.0\nGenerator: s2nbuild-venv (editable)\n"
                                     "Root-Is-Purelib: true\nTag: py3-none-any\n";

    char wpath[PATH_MAX], pthname[600], mname[600], wname[600], ename[600], rname[600];
    snprintf(wpath, sizeof wpath, "%s/%s-%s-0.editable-py3-none-any.whl", outdir, fname, vnorm);
    snprintf(pthname, sizeof pthname, "__editable__.%s-%s.pth", fname, vnorm);
    snprintf(mname, sizeof mname, "%s/METADATA", distinfo);
    snprintf(wname, sizeof wname, "%s/WHEEL", distinfo);
    snprintf(ename, sizeof ename, "%s/entry_points.txt", distinfo);
    snprintf(rname, sizeof rname, "%s/RECORD", distinfo);
    record_line(&rec, pthname, pth.s, pth.len);
    record_line(&rec, mname, meta.s, meta.len);
    record_line(&rec, wname, wheel_text, strlen(wheel_text));
    if (ep.len)
        record_line(&rec, ename, ep.s, ep.len);
    add(&rec, "%s,,\n", rname);

    s2n_zip *z = s2n_zip_create(wpath, 315532800);
    rc = z ? 0 : -1;
    if (z && (s2n_zip_add(z, pthname, pth.s, pth.len, 0644) || s2n_zip_add(z, mname, meta.s, meta.len, 0644)
              || s2n_zip_add(z, wname, wheel_text, strlen(wheel_text), 0644)
              || (ep.len && s2n_zip_add(z, ename, ep.s, ep.len, 0644))
              || s2n_zip_add(z, rname, rec.s, rec.len, 0644))) {
        say(reason, cap, -1, "%s: %s", wpath, s2n_zip_error(z));
        s2n_zip_abort(z);
        rc = -1;
    } else if (z && s2n_zip_close(z, err, sizeof err) != 0) {
        say(reason, cap, -1, "%s: %s", wpath, err);
        unlink(wpath);
        rc = -1;
    } else if (!z)
        say(reason, cap, -1, "cannot create %s", wpath);
    if (rc == 0) {
        *wheel = strdup(wpath);
        /* PEP 610, as pip writes it for editable installs */
        char *url = NULL;
        if (asprintf(&url, "file://%s", realproj) > 0) {
            json_t *j = json_pack("{s:{s:b}, s:s}", "dir_info", "editable", 1, "url", url);
            *direct_url = j ? json_dumps(j, JSON_SORT_KEYS) : NULL;
            json_decref(j);
        }
        free(url);
    }
    free(meta.s);
    free(ep.s);
    free(rec.s);
    free(pth.s);
    s2n_toml_free(doc);
    return rc;
}

/*
 * "Requirement already satisfied", without pip: look the requirement up
 * among the site's distributions the way importlib.metadata finds them
 * (*.dist-info, *.egg-info folders or files; first folder wins), check the
 * version against the specifier (pre-releases accepted, as pip does for
 * installed versions), then every dependency, recursively.
 */
#include "config.h"

#include "plugins/venv/sitedists.h"
#include "plugins/common/coremeta.h"
#include "plugins/common/venv_pep440.h"
#include "plugins/common/wheel_install.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *strdup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = NULL;
    if (vasprintf(&out, fmt, ap) < 0)
        out = NULL;
    va_end(ap);
    return out;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

void s2n_sitedists_scan(s2n_sitedists *s, char *const *dirs, size_t ndirs)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < ndirs; i++) {
        DIR *d = opendir(dirs[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!ends_with(e->d_name, ".dist-info") && !ends_with(e->d_name, ".egg-info"))
                continue;
            /* "name-version.dist-info": names are escaped with '_', so
             * the first '-' ends the name (which may hold dots:
             * jaraco.classes-3.2.1.egg-info). */
            char name[256];
            size_t n = strcspn(e->d_name, "-");
            if (n == 0 || n >= sizeof name || e->d_name[n] != '-')
                continue;
            memcpy(name, e->d_name, n);
            name[n] = '\0';
            char norm[256];
            s2n_pep503(name, norm, sizeof norm);
            int seen = 0;
            for (size_t k = 0; k < s->n && !seen; k++)
                seen = strcmp(s->d[k].norm, norm) == 0;
            if (seen)
                continue;
            s2n_sitedist *nd = realloc(s->d, (s->n + 1) * sizeof *nd);
            if (!nd)
                break;
            s->d = nd;
            s2n_sitedist *sd = &nd[s->n];
            memset(sd, 0, sizeof *sd);
            sd->norm = strdup(norm);
            size_t dl = strlen(dirs[i]) + strlen(e->d_name) + 2;
            sd->dir = malloc(dl);
            if (!sd->norm || !sd->dir) {
                free(sd->norm);
                free(sd->dir);
                break;
            }
            snprintf(sd->dir, dl, "%s/%s", dirs[i], e->d_name);
            s->n++;
        }
        if (d)
            closedir(d);
    }
}

static char *read_small(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap) {
            char *nb = cap < (16u << 20) ? realloc(buf, cap *= 2) : NULL;
            if (!nb) {
                free(buf);
                buf = NULL;
            } else
                buf = nb;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

static void push(s2n_sitedist *sd, char *dep)
{
    char **nv = dep ? realloc(sd->deps, (sd->ndeps + 1) * sizeof *nv) : NULL;
    if (!nv) {
        free(dep);
        return;
    }
    sd->deps = nv;
    nv[sd->ndeps++] = dep;
}

/* egg-info keeps dependencies in requires.txt: bare lines, then
 * "[extra]", "[:marker]" or "[extra:marker]" sections.  Converted the way
 * importlib.metadata converts them into Requires-Dist values. */
static void read_requires_txt(s2n_sitedist *sd, const char *path)
{
    char *text = read_small(path);
    if (!text)
        return;
    char section[512] = "";
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        line[strcspn(line, "\r")] = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        size_t len = strlen(line);
        while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
            line[--len] = '\0';
        if (!*line || *line == '#')
            continue;
        if (*line == '[' && line[len - 1] == ']') {
            snprintf(section, sizeof section, "%.*s", (int)(len - 2), line + 1);
            continue;
        }
        char *colon = strchr(section, ':');
        const char *marker = colon ? colon + 1 : "";
        size_t extra_len = colon ? (size_t)(colon - section) : strlen(section);
        char *dep = NULL;
        if (extra_len && *marker)
            dep = strdup_printf("%s; (%s) and extra == \"%.*s\"", line, marker,
                                    (int)extra_len, section);
        else if (extra_len)
            dep = strdup_printf("%s; extra == \"%.*s\"", line, (int)extra_len, section);
        else if (*marker)
            dep = strdup_printf("%s; %s", line, marker);
        else
            dep = strdup(line);
        push(sd, dep);
    }
    free(text);
}

static void load(s2n_sitedist *sd)
{
    if (sd->loaded)
        return;
    sd->loaded = 1;
    struct stat st;
    int is_dir = stat(sd->dir, &st) == 0 && S_ISDIR(st.st_mode);
    int egg = ends_with(sd->dir, ".egg-info");
    char path[4096];
    if (!is_dir)
        snprintf(path, sizeof path, "%s", sd->dir); /* an egg-info file is PKG-INFO */
    else
        snprintf(path, sizeof path, "%s/%s", sd->dir, egg ? "PKG-INFO" : "METADATA");
    char *text = read_small(path);
    if (!text)
        return;
    s2n_coremeta m;
    char err[200];
    if (s2n_coremeta_parse(text, strlen(text), &m, err, sizeof err) == 0) {
        const char *name = s2n_coremeta_get(&m, "Name");
        const char *version = s2n_coremeta_get(&m, "Version");
        char v[128];
        if (name && version && s2n_pver_normalize(version, v, sizeof v) == 0) {
            sd->name = strdup(name);
            sd->version = strdup(v);
        }
        if (!egg)
            for (size_t i = 0; s2n_coremeta_get_nth(&m, "Requires-Dist", i); i++)
                push(sd, strdup(s2n_coremeta_get_nth(&m, "Requires-Dist", i)));
        s2n_coremeta_free(&m);
    }
    free(text);
    if (egg && is_dir) {
        snprintf(path, sizeof path, "%s/requires.txt", sd->dir);
        read_requires_txt(sd, path);
    }
}

s2n_sitedist *s2n_sitedists_find(s2n_sitedists *s, const char *norm)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->d[i].norm, norm) == 0) {
            load(&s->d[i]);
            return &s->d[i];
        }
    return NULL;
}

typedef struct visit {
    char **keys;
    size_t n;
} visit;

/* 1 when "norm[extra]" was seen before; records it otherwise. */
static int seen(visit *v, const char *norm, const char *extra)
{
    char *key = strdup_printf("%s[%s]", norm, extra);
    if (!key)
        return 0;
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0) {
            free(key);
            return 1;
        }
    char **nk = realloc(v->keys, (v->n + 1) * sizeof *nk);
    if (!nk) {
        free(key);
        return 0;
    }
    v->keys = nk;
    nk[v->n++] = key;
    return 0;
}

static int satisfy(s2n_sitedists *s, const s2n_pyinfo *py, const s2n_dep *dep, visit *v,
                   int depth, char *why, size_t cap)
{
    if (dep->url) {
        snprintf(why, cap, "%s comes from a URL", dep->name);
        return 0;
    }
    s2n_sitedist *sd = s2n_sitedists_find(s, dep->norm);
    if (!sd || !sd->version) {
        snprintf(why, cap, "%s is not installed%s", dep->name, sd ? " readably" : "");
        return 0;
    }
    if (s2n_spec_contains(dep->spec, sd->version) != 1) {
        snprintf(why, cap, "%s %s is installed, %s%s is asked for", sd->name, sd->version,
                 dep->name, dep->spec);
        return 0;
    }
    /* Which of its extras still need their dependencies checked. */
    int fresh = !seen(v, dep->norm, "");
    size_t nextras = 0;
    const char *extras[32];
    for (size_t x = 0; x < dep->nextras && nextras < 32; x++)
        if (!seen(v, dep->norm, dep->extras[x]))
            extras[nextras++] = dep->extras[x];
    if (!fresh && nextras == 0)
        return 1;
    if (depth > 64) {
        snprintf(why, cap, "the dependencies of %s nest too deep", dep->name);
        return 0;
    }
    for (size_t i = 0; i < sd->ndeps; i++) {
        s2n_dep d;
        char err[200];
        if (s2n_dep_parse(sd->deps[i], &d, err, sizeof err, NULL) != 0) {
            snprintf(why, cap, "%s has an unreadable requirement '%s'", sd->name, sd->deps[i]);
            return 0;
        }
        int needed = !d.marker;
        for (size_t e = 0; d.marker && !needed && e <= nextras; e++) {
            if (e == nextras && !fresh)
                break;
            s2n_marker_env env = {py->markers, e == nextras ? "" : extras[e]};
            int r = s2n_marker_eval(d.marker, &env, err, sizeof err);
            if (r < 0) {
                snprintf(why, cap, "%s: %s", sd->name, err);
                s2n_dep_free(&d);
                return 0;
            }
            needed = r == 1;
        }
        int ok = !needed || satisfy(s, py, &d, v, depth + 1, why, cap);
        s2n_dep_free(&d);
        if (!ok)
            return 0;
    }
    return 1;
}

int s2n_sitedists_satisfy(s2n_sitedists *s, const s2n_pyinfo *py, const s2n_dep *dep,
                          char *why, size_t cap)
{
    visit v = {0};
    int ok = satisfy(s, py, dep, &v, 0, why, cap);
    for (size_t i = 0; i < v.n; i++)
        free(v.keys[i]);
    free(v.keys);
    return ok;
}

void s2n_sitedists_free(s2n_sitedists *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->d[i].norm);
        free(s->d[i].dir);
        free(s->d[i].name);
        free(s->d[i].version);
        for (size_t k = 0; k < s->d[i].ndeps; k++)
            free(s->d[i].deps[k]);
        free(s->d[i].deps);
    }
    free(s->d);
    memset(s, 0, sizeof *s);
}

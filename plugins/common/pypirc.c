/*
 * .pypirc reader.  A small INI parser with configparser's rules (the
 * parts .pypirc files use) and twine's repository resolution on top.
 */
#include "plugins/common/pypirc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct entry {
    char *section, *key, *value;
} entry;

struct s2n_pypirc {
    entry *e;
    size_t n, cap;
    int present;
    char *servers;      /* copy of index-servers split in place */
    const char **names; /* pointers into `servers` */
    size_t nnames;
};

static void set_err(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || !cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

static char *trim(char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static entry *find(const s2n_pypirc *rc, const char *section, const char *key)
{
    for (size_t i = 0; i < rc->n; i++)
        if (strcmp(rc->e[i].section, section) == 0 && strcasecmp(rc->e[i].key, key) == 0)
            return &rc->e[i];
    return NULL;
}

static int put(s2n_pypirc *rc, const char *section, const char *key, const char *value)
{
    entry *old = find(rc, section, key);
    if (old) { /* configparser: a later duplicate is an error in strict
                  mode; twine's RawConfigParser is strict, so is this. */
        return 1;
    }
    if (rc->n == rc->cap) {
        size_t cap = rc->cap ? rc->cap * 2 : 16;
        entry *e = realloc(rc->e, cap * sizeof *e);
        if (!e)
            return -1;
        rc->e = e;
        rc->cap = cap;
    }
    entry *e = &rc->e[rc->n];
    e->section = strdup(section);
    e->key = strdup(key);
    e->value = strdup(value);
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        return -1;
    }
    for (char *k = e->key; *k; k++)
        *k = (char)tolower((unsigned char)*k);
    rc->n++;
    return 0;
}

/* Append a continuation line to the last value. */
static int append(s2n_pypirc *rc, const char *more)
{
    entry *e = &rc->e[rc->n - 1];
    size_t a = strlen(e->value), b = strlen(more);
    char *v = realloc(e->value, a + b + 2);
    if (!v)
        return -1;
    v[a] = '\n';
    memcpy(v + a + 1, more, b + 1);
    e->value = v;
    return 0;
}

/* configparser joins a value's lines and strips the end: blank lines
 * kept inside a value never trail it. */
static void strip_values(s2n_pypirc *rc)
{
    for (size_t i = 0; i < rc->n; i++) {
        char *v = rc->e[i].value, *end = v + strlen(v);
        while (end > v && isspace((unsigned char)end[-1]))
            *--end = '\0';
    }
}

/*
 * configparser's reading (RawConfigParser, as twine uses it): a line
 * indented deeper than the line that started the current option continues
 * its value; one indented the same or less starts a new option or section
 * (so files whose keys are all indented read as keys, not one long value);
 * blank lines inside a value are kept (index-servers lists may have them);
 * full-line # and ; comments are skipped anywhere.  Errors name the line
 * but never echo it: it may hold a password.
 */
static int parse(s2n_pypirc *rc, FILE *f, const char *path, char *err, size_t errcap)
{
    char *line = NULL, *section = NULL;
    size_t cap = 0, indent_level = 0;
    unsigned lineno = 0;
    int in_option = 0, rc_ = -1;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *t = trim(line);
        if (*t == '#' || *t == ';')
            continue;
        if (!*t) {
            if (in_option && append(rc, "") < 0)
                goto oom;
            continue;
        }
        size_t indent = (size_t)(t - line);
        if (in_option && indent > indent_level) {
            if (append(rc, t) < 0)
                goto oom;
            continue;
        }
        indent_level = indent;
        in_option = 0;
        if (*t == '[') {
            char *close = strrchr(t, ']');
            if (!close || close == t + 1) {
                set_err(err, errcap, "%s:%u:%zu: expected '[name]' (a section header)", path,
                        lineno, indent + 1);
                goto out;
            }
            *close = '\0';
            free(section);
            section = strdup(t + 1);
            if (!section)
                goto oom;
            continue;
        }
        size_t k = strcspn(t, "=:");
        if (!t[k] || k == 0) {
            set_err(err, errcap, "%s:%u:%zu: expected 'key = value' or '[section]'", path, lineno,
                    indent + 1);
            goto out;
        }
        t[k] = '\0';
        char *key = trim(t), *value = trim(t + k + 1);
        if (!section) {
            set_err(err, errcap, "%s:%u:%zu: option '%s' before any [section]", path, lineno,
                    indent + 1, key);
            goto out;
        }
        int r = put(rc, section, key, value);
        if (r < 0)
            goto oom;
        if (r > 0) {
            set_err(err, errcap, "%s:%u:%zu: option '%s' in section [%s] already exists", path,
                    lineno, indent + 1, key, section);
            goto out;
        }
        in_option = 1;
    }
    strip_values(rc);
    rc_ = 0;
    goto out;
oom:
    set_err(err, errcap, "out of memory");
out:
    free(line);
    free(section);
    return rc_;
}

int s2n_pypirc_load(const char *path, int missing_ok, s2n_pypirc **out, char *err, size_t errcap)
{
    *out = NULL;
    s2n_pypirc *rc = calloc(1, sizeof *rc);
    if (!rc) {
        set_err(err, errcap, "out of memory");
        return -1;
    }
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
        if (path && !(errno == ENOENT && missing_ok)) {
            set_err(err, errcap, "%s: %s", path, strerror(errno));
            free(rc);
            return -1;
        }
        *out = rc;
        return 0;
    }
    rc->present = 1;
    int r = parse(rc, f, path, err, errcap);
    fclose(f);
    if (r < 0) {
        s2n_pypirc_free(rc);
        return -1;
    }
    *out = rc;
    return 0;
}

void s2n_pypirc_free(s2n_pypirc *rc)
{
    if (!rc)
        return;
    for (size_t i = 0; i < rc->n; i++) {
        free(rc->e[i].section);
        free(rc->e[i].key);
        free(rc->e[i].value);
    }
    free(rc->e);
    free(rc->servers);
    free(rc->names);
    free(rc);
}

const char *s2n_pypirc_get(const s2n_pypirc *rc, const char *section, const char *key)
{
    entry *e = rc ? find(rc, section, key) : NULL;
    return e ? e->value : NULL;
}

int s2n_pypirc_present(const s2n_pypirc *rc)
{
    return rc && rc->present;
}

static void split_servers(s2n_pypirc *rc)
{
    if (rc->servers)
        return;
    const char *v = s2n_pypirc_get(rc, "distutils", "index-servers");
    rc->servers = strdup(v ? v : "");
    size_t len = rc->servers ? strlen(rc->servers) : 0;
    rc->names = calloc(len / 2 + 2, sizeof *rc->names);
    if (!rc->servers || !rc->names)
        return;
    char *save = NULL;
    for (char *tok = strtok_r(rc->servers, " \t\r\n", &save); tok;
         tok = strtok_r(NULL, " \t\r\n", &save))
        rc->names[rc->nnames++] = tok;
}

const char *s2n_pypirc_index_server(const s2n_pypirc *rc, size_t i, int with_defaults)
{
    static const char *const defaults[] = {"pypi", "testpypi"};
    if (!rc)
        return NULL;
    s2n_pypirc *m = (s2n_pypirc *)rc; /* lazily split; logically const */
    if (!s2n_pypirc_get(rc, "distutils", "index-servers"))
        return with_defaults && i < 2 ? defaults[i] : NULL;
    split_servers(m);
    return i < m->nnames ? m->names[i] : NULL;
}

static int listed(const s2n_pypirc *rc, const char *name)
{
    for (size_t i = 0; s2n_pypirc_index_server(rc, i, 1); i++)
        if (strcmp(s2n_pypirc_index_server(rc, i, 1), name) == 0)
            return 1;
    return 0;
}

int s2n_pypirc_repository(const s2n_pypirc *rc, const char *name, s2n_pypirc_repo *out,
                          char *err, size_t errcap)
{
    memset(out, 0, sizeof *out);
    out->username = s2n_pypirc_get(rc, "server-login", "username");
    out->password = s2n_pypirc_get(rc, "server-login", "password");
    int known = 0;
    if (strcmp(name, "pypi") == 0) {
        out->repository = S2N_PYPI_UPLOAD_URL;
        known = 1;
    }
    if (listed(rc, name)) {
        if (strcmp(name, "testpypi") == 0)
            out->repository = S2N_TESTPYPI_UPLOAD_URL;
        static const char *const keys[] = {"username", "repository", "password", "ca_cert"};
        const char **slots[] = {&out->username, &out->repository, &out->password, &out->ca_cert};
        for (size_t k = 0; k < 4; k++) {
            const char *v = s2n_pypirc_get(rc, name, keys[k]);
            if (v)
                *slots[k] = v;
        }
        known = 1;
    }
    if (!known || !out->repository) {
        set_err(err, errcap,
                "repository '%s' is not configured: add it to [distutils] index-servers "
                "with a [%s] section giving 'repository' in .pypirc, or set repository_url",
                name, name);
        return -1;
    }
    return 0;
}

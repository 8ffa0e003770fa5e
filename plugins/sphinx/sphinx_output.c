/*
 * Sphinx writes one diagnostic per line as
 *     LOCATION: LEVEL: message          (LOCATION = path[:line] or
 *     LEVEL: message                     path:docstring of x[:line])
 * with indented continuation lines, and on a fatal problem a block
 * starting with "<Kind> error:" or "Exception occurred:".
 */
#define _GNU_SOURCE 1 /* memmem, asprintf */
#include "plugins/sphinx/sphinx_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const levels[] = {"WARNING", "ERROR", "CRITICAL", "SEVERE", NULL};

/* Find ": LEVEL: " in line (or "LEVEL: " at its start). */
static int split_diag(const char *line, size_t len, size_t *loc_len, const char **level, size_t *msg_off)
{
    for (const char *const *lv = levels; *lv; lv++) {
        size_t ln = strlen(*lv);
        if (len > ln + 2 && strncmp(line, *lv, ln) == 0 && line[ln] == ':' && line[ln + 1] == ' ') {
            *loc_len = 0;
            *level = *lv;
            *msg_off = ln + 2;
            return 1;
        }
        char pat[16];
        snprintf(pat, sizeof pat, ": %s: ", *lv);
        size_t pn = strlen(pat);
        for (size_t i = 0; i + pn <= len; i++)
            if (memcmp(line + i, pat, pn) == 0) {
                *loc_len = i;
                *level = *lv;
                *msg_off = i + pn;
                return 1;
            }
    }
    return 0;
}

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static char *relative(const char *loc, size_t n, const char *workdir)
{
    size_t wl = workdir ? strlen(workdir) : 0;
    while (wl > 1 && workdir[wl - 1] == '/')
        wl--;
    if (wl && n > wl + 1 && strncmp(loc, workdir, wl) == 0 && loc[wl] == '/')
        return dupn(loc + wl + 1, n - wl - 1);
    return dupn(loc, n);
}

static unsigned long fnv1a(unsigned long h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ul;
    return h;
}

static int push(sphinx_output *o, char *where, const char *level, char *text)
{
    if (!where || !text) {
        free(where);
        free(text);
        return -1;
    }
    unsigned long hash = fnv1a(fnv1a(fnv1a(14695981039346656037ul, where), level), text);
    for (size_t i = 0; i < o->ndiags; i++)
        if (o->diags[i].hash == hash && strcmp(o->diags[i].where, where) == 0 &&
            strcmp(o->diags[i].level, level) == 0 && strcmp(o->diags[i].text, text) == 0) {
            free(where);
            free(text);
            return 0; /* sphinx repeats some warnings; show each once */
        }
    if (o->ndiags == o->cap) {
        size_t ncap = o->cap ? o->cap * 2 : 16;
        sphinx_diag *nd = realloc(o->diags, ncap * sizeof *nd);
        if (!nd) {
            free(where);
            free(text);
            return -1;
        }
        o->diags = nd;
        o->cap = ncap;
    }
    sphinx_diag *d = o->diags;
    d[o->ndiags].hash = hash;
    d[o->ndiags].where = where;
    d[o->ndiags].level = (char *)level;
    d[o->ndiags].text = text;
    o->ndiags++;
    if (strcmp(level, "WARNING") == 0)
        o->nwarnings++;
    else
        o->nerrors++;
    return 0;
}

static int append_line(char **text, const char *line, size_t len)
{
    size_t have = strlen(*text);
    char *t = realloc(*text, have + 1 + len + 1);
    if (!t)
        return -1;
    t[have] = '\n';
    memcpy(t + have + 1, line, len);
    t[have + 1 + len] = '\0';
    *text = t;
    return 0;
}

static int is_error_header(const char *line, size_t len)
{
    if (len == 19 && strncmp(line, "Exception occurred:", 19) == 0)
        return 1;
    if (len < 7 || strncmp(line + len - 7, " error:", 7) != 0)
        return 0;
    for (size_t i = 0; i + 7 < len; i++)
        if (!((line[i] >= 'A' && line[i] <= 'Z') || (line[i] >= 'a' && line[i] <= 'z') || line[i] == ' '))
            return 0;
    return 1;
}

/* "RuntimeError: bad conf", "sphinx.errors.ExtensionError: x" */
static int is_exception_line(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && (line[i] == '_' || line[i] == '.' || (line[i] >= 'A' && line[i] <= 'Z') ||
                       (line[i] >= 'a' && line[i] <= 'z') || (line[i] >= '0' && line[i] <= '9')))
        i++;
    if (i == 0 || i + 1 >= len || line[i] != ':' || line[i + 1] != ' ')
        return 0;
    return (i >= 5 && strncmp(line + i - 5, "Error", 5) == 0) ||
           (i >= 9 && strncmp(line + i - 9, "Exception", 9) == 0) ||
           (i >= 9 && strncmp(line + i - 9, "Interrupt", 9) == 0);
}

int sphinx_output_parse(const char *text, const char *workdir, sphinx_output *o)
{
    memset(o, 0, sizeof *o);
    const char *header = NULL, *detail = NULL, *exc = NULL, *usage = NULL;
    size_t header_len = 0, detail_len = 0, exc_len = 0, usage_len = 0;
    sphinx_diag *last = NULL;
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len && p[len - 1] == '\r')
            len--;
        size_t loc_len, msg_off;
        const char *level;
        if (memmem(p, len, "No module named sphinx", 22)) {
            o->no_sphinx = 1;
        } else if (header) {
            if (len && !detail && !(len > 9 && strncmp(p, "There is ", 9) == 0)) {
                detail = p;
                detail_len = len;
            }
            if (is_exception_line(p, len)) {
                exc = p;
                exc_len = len;
            }
        } else if (is_error_header(p, len)) {
            header = p;
            header_len = len;
            last = NULL;
        } else if (split_diag(p, len, &loc_len, &level, &msg_off)) {
            /* strip a trailing ':' of the location ("path:" + ": WARNING") */
            size_t ll = loc_len;
            while (ll && p[ll - 1] == ':')
                ll--;
            size_t before = o->ndiags;
            if (push(o, relative(p, ll, workdir), level, dupn(p + msg_off, len - msg_off)) < 0) {
                sphinx_output_free(o);
                return -1;
            }
            last = o->ndiags > before ? &o->diags[o->ndiags - 1] : NULL;
        } else if (len == 0) {
            /* a blank line may sit between a diagnostic and its indented block */
        } else if (last && (p[0] == ' ' || p[0] == '\t')) {
            if (append_line(&last->text, p, len) < 0) {
                sphinx_output_free(o);
                return -1;
            }
        } else if (!usage && len > 8 && memmem(p, len, ": error: ", 9)) {
            usage = p; /* argparse: "__main__.py: error: unrecognized arguments" */
            usage_len = len;
        } else {
            last = NULL;
        }
        p = nl ? nl + 1 : NULL;
    }
    if (header) {
        const char *d = exc ? exc : detail;
        size_t dl = exc ? exc_len : detail_len;
        size_t n = header_len + (d ? 1 + dl : 0);
        o->failure = malloc(n + 1);
        if (!o->failure) {
            sphinx_output_free(o);
            return -1;
        }
        snprintf(o->failure, n + 1, "%.*s%s%.*s", (int)header_len, header, d ? " " : "", d ? (int)dl : 0,
                 d ? d : "");
    } else if (usage) {
        const char *e = memmem(usage, usage_len, ": error: ", 9);
        size_t off = (size_t)(e - usage) + 2;
        o->failure = dupn(usage + off, usage_len - off);
        if (!o->failure) {
            sphinx_output_free(o);
            return -1;
        }
    }
    return 0;
}

void sphinx_output_free(sphinx_output *o)
{
    for (size_t i = 0; i < o->ndiags; i++) {
        free(o->diags[i].where);
        free(o->diags[i].text);
    }
    free(o->diags);
    free(o->failure);
    memset(o, 0, sizeof *o);
}

char *sphinx_diag_line(const sphinx_diag *d)
{
    const char *nl = strchr(d->text, '\n');
    int tl = nl ? (int)(nl - d->text) : (int)strlen(d->text);
    int warn = strcmp(d->level, "WARNING") == 0;
    char *s = NULL;
    if (asprintf(&s, "%s%s%s%s%.*s", d->where, *d->where ? ": " : "", warn ? "" : d->level, warn ? "" : ": ",
                 tl, d->text) < 0)
        return NULL;
    return s;
}

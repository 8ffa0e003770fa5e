/*
 * Reading wheels: the first look (dist-info files) and core-metadata
 * headers.  Part of the native installer (wheel_install.h).
 */
#include "config.h"

#include "plugins/common/wheel_install.h"
#include "plugins/common/wheel_private.h"

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libarchive converts non-ASCII names through the C library's locale. */
static void utf8_locale(void)
{
    static int done;
    if (!done) {
        setlocale(LC_CTYPE, "C.UTF-8");
        done = 1;
    }
}

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}

void s2n_strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

struct archive *s2n_wheel_open(const char *path, char *err, size_t errcap)
{
    utf8_locale();
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
        fail(err, errcap, "%s: cannot open wheel: %s", path, archive_error_string(a));
        archive_read_free(a);
        return NULL;
    }
    return a;
}

static char *read_entry(struct archive *a, size_t *len)
{
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    ssize_t k;
    while (buf) {
        if (n + 4096 > cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                break;
            buf = nb;
        }
        k = archive_read_data(a, buf + n, cap - n - 1);
        if (k < 0) {
            free(buf);
            return NULL;
        }
        if (k == 0) {
            buf[n] = '\0';
            if (len)
                *len = n;
            return buf;
        }
        n += (size_t)k;
    }
    free(buf);
    return NULL;
}

size_t s2n_meta_values(const char *text, const char *field, char ***out)
{
    size_t n = 0, fl = strlen(field);
    *out = NULL;
    const char *p = text;
    while (p && *p && *p != '\n' && !(p[0] == '\r' && p[1] == '\n')) {
        const char *eol = strchr(p, '\n');
        const char *next = eol ? eol + 1 : NULL;
        if (strncasecmp(p, field, fl) == 0 && p[fl] == ':') {
            const char *v = p + fl + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t len = eol ? (size_t)(eol - v) : strlen(v);
            /* continuation lines belong to the value */
            while (next && (*next == ' ' || *next == '\t')) {
                const char *e2 = strchr(next, '\n');
                len = e2 ? (size_t)(e2 - v) : strlen(v);
                next = e2 ? e2 + 1 : NULL;
            }
            while (len && (v[len - 1] == '\r' || v[len - 1] == ' '))
                len--;
            char **no = realloc(*out, (n + 1) * sizeof *no);
            if (!no)
                break;
            *out = no;
            no[n] = strndup(v, len);
            n++;
        } else {
            while (next && (*next == ' ' || *next == '\t')) {
                const char *e2 = strchr(next, '\n');
                next = e2 ? e2 + 1 : NULL;
            }
        }
        p = next;
    }
    return n;
}

static char *meta_first(const char *text, const char *field)
{
    char **v;
    size_t n = s2n_meta_values(text, field, &v);
    char *r = n ? v[0] : NULL;
    for (size_t i = 1; i < n; i++)
        free(v[i]);
    free(v);
    return r;
}

int s2n_wheel_peek(const char *path, s2n_wheel_info *w, char *err, size_t errcap)
{
    memset(w, 0, sizeof *w);
    struct archive *a = s2n_wheel_open(path, err, errcap);
    if (!a)
        return -1;
    struct archive_entry *e;
    int r;
    int ndistinfo = 0;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        const char *slash = name ? strchr(name, '/') : NULL;
        if (!slash || slash - name < 10 || strncmp(slash - 10, ".dist-info", 10) != 0)
            continue;
        if (!w->distinfo) {
            w->distinfo = strndup(name, (size_t)(slash - name));
            ndistinfo = 1;
        } else if (strncmp(w->distinfo, name, (size_t)(slash - name)) != 0
                   || w->distinfo[slash - name] != '\0') {
            ndistinfo++;
            continue;
        }
        char **slot = NULL;
        if (strcmp(slash, "/METADATA") == 0)
            slot = &w->metadata;
        else if (strcmp(slash, "/WHEEL") == 0)
            slot = &w->wheel;
        else if (strcmp(slash, "/entry_points.txt") == 0)
            slot = &w->entry_points;
        else if (strcmp(slash, "/RECORD") == 0)
            slot = &w->record;
        if (slot && !*slot && !(*slot = read_entry(a, NULL))) {
            fail(err, errcap, "%s: cannot read %s: %s", path, name, archive_error_string(a));
            goto bad;
        }
    }
    if (r != ARCHIVE_EOF) {
        fail(err, errcap, "%s: broken wheel: %s", path, archive_error_string(a));
        goto bad;
    }
    archive_read_free(a);
    a = NULL;
    if (ndistinfo != 1) {
        fail(err, errcap, "%s: expected exactly one .dist-info folder, found %d", path, ndistinfo);
        goto bad;
    }
    if (!w->metadata || !w->wheel || !w->record) {
        fail(err, errcap, "%s: %s lacks %s", path, w->distinfo,
             !w->metadata ? "METADATA" : !w->wheel ? "WHEEL" : "RECORD");
        goto bad;
    }
    char *wv = meta_first(w->wheel, "Wheel-Version");
    int major = wv ? atoi(wv) : 0;
    free(wv);
    if (major != 1) {
        fail(err, errcap, "%s: unsupported Wheel-Version (need 1.x)", path);
        goto bad;
    }
    char *purelib = meta_first(w->wheel, "Root-Is-Purelib");
    w->root_is_purelib = purelib && strcasecmp(purelib, "true") == 0;
    free(purelib);
    w->name = meta_first(w->metadata, "Name");
    w->version = meta_first(w->metadata, "Version");
    if (!w->name || !w->version) {
        fail(err, errcap, "%s: METADATA lacks Name or Version", path);
        goto bad;
    }
    w->path = strdup(path);
    return 0;
bad:
    if (a)
        archive_read_free(a);
    s2n_wheel_info_free(w);
    return -1;
}

void s2n_wheel_info_free(s2n_wheel_info *w)
{
    free(w->path);
    free(w->distinfo);
    free(w->name);
    free(w->version);
    free(w->metadata);
    free(w->wheel);
    free(w->entry_points);
    free(w->record);
    memset(w, 0, sizeof *w);
}


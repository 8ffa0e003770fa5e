/*
 * Core metadata parser: the RFC 822-style header block of METADATA and
 * PKG-INFO, read the way Python's email.parser (and so pkginfo and twine)
 * reads it, so a value means here what it means to the upload tools:
 *
 *  - "Name: value": the value is everything after the first ':' with
 *    leading blanks removed; a line starting with a space or tab continues
 *    the previous field and is kept as written (leading blanks included),
 *    joined with '\n'.  Consumers that want pkginfo's collapsed form apply
 *    it themselves (Description keeps its lines, others join with ' ').
 *  - A blank line ends the headers; everything after it is the body (the
 *    long description of Metadata 2.1+).  A line that is neither a header
 *    nor a continuation also ends the headers and starts the body, as in
 *    email.parser.
 *  - CRLF line ends are taken as LF.
 */
#include "plugins/common/coremeta.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void set_err(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || cap == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

/* Length of a field name at the start of a line ending at `end`, when the
 * line is a header line (printable ASCII except ':' and space, then ':'),
 * else 0.  Mirrors email.feedparser's headerRE. */
static size_t header_name_len(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && *q != ':' && (unsigned char)*q >= 0x21 && (unsigned char)*q <= 0x7e)
        q++;
    if (q == end || *q != ':' || q == p)
        return 0;
    return (size_t)(q - p);
}

/* A growable string for one field value. */
typedef struct {
    char *s;
    size_t len, cap;
} strbuf;

static int sb_add(strbuf *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s)
            return -1;
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

static int push_field(s2n_coremeta *m, size_t *cap, const char *name, size_t nlen, strbuf *val)
{
    if (m->nfields == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        s2n_meta_field *f = realloc(m->fields, ncap * sizeof *f);
        if (!f)
            return -1;
        m->fields = f;
        *cap = ncap;
    }
    char *n = strndup(name, nlen);
    if (!n)
        return -1;
    if (!val->s && sb_add(val, "", 0) != 0) {
        free(n);
        return -1;
    }
    m->fields[m->nfields].name = n;
    m->fields[m->nfields].value = val->s;
    m->nfields++;
    val->s = NULL;
    val->len = val->cap = 0;
    return 0;
}

int s2n_coremeta_parse(const char *text, size_t len, s2n_coremeta *out, char *err, size_t errcap)
{
    memset(out, 0, sizeof *out);
    if (len == 0) {
        set_err(err, errcap, "line 1: empty metadata (expected 'Metadata-Version: ...')");
        return -1;
    }
    if (memchr(text, '\0', len)) {
        set_err(err, errcap, "metadata contains a NUL byte");
        return -1;
    }
    const char *p = text, *end = text + len;
    const char *cur_name = NULL;
    size_t cur_nlen = 0, cap = 0;
    strbuf val = {0};
    unsigned line = 0;
    const char *body = NULL;

    while (p < end) {
        line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        const char *le = eol;
        if (le > p && le[-1] == '\r')
            le--;
        if (le == p) { /* blank line: end of headers */
            body = next;
            break;
        }
        if (*p == ' ' || *p == '\t') {
            if (!cur_name) {
                set_err(err, errcap, "line %u: continuation line before any field", line);
                goto fail;
            }
            if (sb_add(&val, "\n", 1) || sb_add(&val, p, (size_t)(le - p)))
                goto oom;
        } else {
            size_t nlen = header_name_len(p, le);
            if (nlen == 0) {
                if (line == 1) {
                    set_err(err, errcap, "line 1: expected 'Name: value', got '%.*s'",
                            (int)((le - p) > 60 ? 60 : (le - p)), p);
                    goto fail;
                }
                body = p; /* like email.parser: headers end, body begins */
                break;
            }
            if (cur_name && push_field(out, &cap, cur_name, cur_nlen, &val))
                goto oom;
            cur_name = p;
            cur_nlen = nlen;
            const char *v = p + nlen + 1;
            while (v < le && (*v == ' ' || *v == '\t'))
                v++;
            if (sb_add(&val, v, (size_t)(le - v)))
                goto oom;
        }
        p = next;
    }
    if (cur_name && push_field(out, &cap, cur_name, cur_nlen, &val))
        goto oom;
    if (body && body < end) {
        out->body = strndup(body, (size_t)(end - body));
        if (!out->body)
            goto oom;
    }
    return 0;
oom:
    set_err(err, errcap, "out of memory");
fail:
    free(val.s);
    s2n_coremeta_free(out);
    return -1;
}

const char *s2n_coremeta_get_nth(const s2n_coremeta *m, const char *name, size_t i)
{
    for (size_t k = 0; k < m->nfields; k++)
        if (strcasecmp(m->fields[k].name, name) == 0 && i-- == 0)
            return m->fields[k].value;
    return NULL;
}

const char *s2n_coremeta_get(const s2n_coremeta *m, const char *name)
{
    return s2n_coremeta_get_nth(m, name, 0);
}

void s2n_coremeta_free(s2n_coremeta *m)
{
    if (!m)
        return;
    for (size_t k = 0; k < m->nfields; k++) {
        free(m->fields[k].name);
        free(m->fields[k].value);
    }
    free(m->fields);
    free(m->body);
    memset(m, 0, sizeof *m);
}

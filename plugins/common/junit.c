/*
 * JUnit XML reader for pytest's --junitxml files.  A single forward pass
 * over the bytes with an explicit element stack; nothing recurses, every
 * loop is bounded by the input, and text is only decoded for the handful
 * of attributes we keep.  See junit.h for what is accepted.
 */
#include "plugins/common/junit.h"

#include "plugins/common/html.h" /* s2n_utf8_put */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 64
#define MAX_ATTRS 64

typedef struct span {
    const char *p;
    size_t n;
} span;

typedef struct reader {
    const char *start, *p, *end;
    char *err;
    size_t errlen;
    int failed;
} reader;

/* The test case being read. */
typedef struct open_case {
    int open;
    char *classname, *name, *file, *message;
    int message_rank; /* 2: failure/error message, 1: skip message, 0: none */
    unsigned failures, errors, skipped;
    unsigned teardown_errors; /* errors pytest raised after the test passed */
} open_case;

static int fail_at(reader *r, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(reader *r, const char *at, const char *fmt, ...)
{
    if (r->failed)
        return -1;
    r->failed = 1;
    if (at > r->end)
        at = r->end;
    unsigned line = 1, col = 1;
    for (const char *q = r->start; q < at; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)*q & 0xC0) != 0x80) {
            col++; /* count characters, not UTF-8 continuation bytes */
        }
    }
    int n = snprintf(r->err, r->errlen, "%u:%u: ", line, col);
    if (n >= 0 && (size_t)n < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int starts(const reader *r, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(r->end - r->p) >= n && memcmp(r->p, s, n) == 0;
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_space(reader *r)
{
    while (r->p < r->end && is_space((unsigned char)*r->p))
        r->p++;
}

static int name_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

static int name_char(int c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int read_name(reader *r, span *out, const char *what)
{
    const char *s = r->p;
    if (r->p >= r->end || !name_start((unsigned char)*r->p))
        return fail_at(r, r->p, "expected %s", what);
    while (r->p < r->end && name_char((unsigned char)*r->p))
        r->p++;
    out->p = s;
    out->n = (size_t)(r->p - s);
    return 0;
}

static int span_is(span s, const char *lit)
{
    return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

/* Skip past the terminator `term`; `what` names the construct for errors. */
static int skip_past(reader *r, const char *term, const char *what)
{
    const char *at = r->p;
    size_t n = strlen(term);
    while ((size_t)(r->end - r->p) >= n) {
        if (memcmp(r->p, term, n) == 0) {
            r->p += n;
            return 0;
        }
        r->p++;
    }
    return fail_at(r, at, "unterminated %s (expected \"%s\")", what, term);
}

/* Check (and, when `out` is given, decode) one reference starting at '&'
 * at *pp, moving *pp past the ';'.  `out` needs room for 4 bytes. */
static int reference(reader *r, const char **pp, const char *lim, char *out, size_t *outn)
{
    const char *s = *pp + 1, *semi = s;
    while (semi < lim && semi - s < 12 && *semi != ';')
        semi++;
    if (semi >= lim || *semi != ';')
        return fail_at(r, *pp, "expected an entity reference such as &amp; after '&'");
    size_t n = (size_t)(semi - s);
    static const struct {
        const char *name;
        char c;
    } named[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (n == strlen(named[i].name) && memcmp(s, named[i].name, n) == 0) {
            if (out) {
                out[0] = named[i].c;
                *outn = 1;
            }
            *pp = semi + 1;
            return 0;
        }
    if (n >= 2 && s[0] == '#') {
        int hex = s[1] == 'x';
        const char *d = s + 1 + hex;
        unsigned long cp = 0;
        if (d == semi)
            return fail_at(r, *pp, "empty character reference");
        for (; d < semi; d++) {
            int v;
            if (*d >= '0' && *d <= '9')
                v = *d - '0';
            else if (hex && *d >= 'a' && *d <= 'f')
                v = *d - 'a' + 10;
            else if (hex && *d >= 'A' && *d <= 'F')
                v = *d - 'A' + 10;
            else
                return fail_at(r, *pp, "bad digit in character reference");
            cp = cp * (hex ? 16 : 10) + (unsigned long)v;
            if (cp > 0x10FFFF)
                break;
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return fail_at(r, *pp, "character reference to an invalid code point");
        if (out)
            *outn = s2n_utf8_put(cp, out);
        *pp = semi + 1;
        return 0;
    }
    return fail_at(r, *pp, "unknown entity '&%.*s;' (only the five XML entities and &#N; are allowed)",
                   (int)n, s);
}

/* An attribute value between quotes at r->p.  With `keep`, the decoded
 * text is returned in *out (malloc'd). */
static int attr_value(reader *r, int keep, char **out)
{
    if (r->p >= r->end || (*r->p != '"' && *r->p != '\''))
        return fail_at(r, r->p, "expected a quoted attribute value");
    char q = *r->p++;
    const char *s = r->p, *e = memchr(s, q, (size_t)(r->end - s));
    if (!e)
        return fail_at(r, s - 1, "unterminated attribute value");
    char *buf = NULL;
    size_t n = 0;
    if (keep) {
        buf = malloc((size_t)(e - s) + 1); /* decoding never grows the text */
        if (!buf)
            return fail_at(r, s, "out of memory");
    }
    for (const char *c = s; c < e;) {
        if (*c == '<') {
            free(buf);
            return fail_at(r, c, "'<' is not allowed in an attribute value");
        }
        if (*c == '&') {
            char tmp[4];
            size_t tn = 0;
            if (reference(r, &c, e, tmp, &tn) < 0) {
                free(buf);
                return -1;
            }
            if (buf) {
                memcpy(buf + n, tmp, tn);
                n += tn;
            }
            continue;
        }
        if (buf)
            buf[n++] = *c;
        c++;
    }
    if (buf) {
        buf[n] = '\0';
        *out = buf;
    }
    r->p = e + 1;
    return 0;
}

static void case_reset(open_case *c)
{
    free(c->classname);
    free(c->name);
    free(c->file);
    free(c->message);
    memset(c, 0, sizeof *c);
}

static void case_finish(open_case *c, s2n_junit_counts *out, s2n_junit_case_fn fn, void *ctx)
{
    out->cases++;
    out->failed += c->failures;
    out->errors += c->errors;
    /* pytest counts a test whose fixture failed in teardown as passed
     * and as an error ("1 passed, 1 error"); do the same. */
    if (c->failures == 0 && c->errors == c->teardown_errors) {
        if (c->skipped)
            out->skipped++;
        else
            out->passed++;
    }
    if (fn) {
        s2n_junit_case jc = {
            .classname = c->classname ? c->classname : "",
            .name = c->name ? c->name : "",
            .file = c->file ? c->file : "",
            .failures = c->failures,
            .errors = c->errors,
            .skipped = c->skipped,
            .message = c->message ? c->message : "",
        };
        fn(ctx, &jc);
    }
    case_reset(c);
}

/* A start tag after '<'.  Sets *empty for "<x/>". */
static int start_tag(reader *r, span *name, int *empty, open_case *tc, int depth)
{
    if (read_name(r, name, "an element name") < 0)
        return -1;
    int is_case = span_is(*name, "testcase");
    int is_outcome = tc->open && depth >= 1 &&
                     (span_is(*name, "failure") || span_is(*name, "error") || span_is(*name, "skipped"));
    if (is_case) {
        if (tc->open)
            return fail_at(r, name->p, "<testcase> inside another <testcase>");
        case_reset(tc);
        tc->open = 1;
    }
    span seen[MAX_ATTRS];
    size_t nseen = 0;
    for (;;) {
        const char *before = r->p;
        skip_space(r);
        if (r->p >= r->end)
            return fail_at(r, r->p, "unterminated start tag <%.*s>", (int)name->n, name->p);
        if (*r->p == '>') {
            r->p++;
            *empty = 0;
            return 0;
        }
        if (starts(r, "/>")) {
            r->p += 2;
            *empty = 1;
            return 0;
        }
        if (r->p == before)
            return fail_at(r, r->p, "expected whitespace, '>' or '/>' in <%.*s>", (int)name->n, name->p);
        span an;
        if (read_name(r, &an, "an attribute name") < 0)
            return -1;
        for (size_t i = 0; i < nseen; i++)
            if (seen[i].n == an.n && memcmp(seen[i].p, an.p, an.n) == 0)
                return fail_at(r, an.p, "duplicate attribute '%.*s'", (int)an.n, an.p);
        if (nseen == MAX_ATTRS)
            return fail_at(r, an.p, "more than %d attributes", MAX_ATTRS);
        seen[nseen++] = an;
        skip_space(r);
        if (r->p >= r->end || *r->p != '=')
            return fail_at(r, r->p, "expected '=' after attribute '%.*s'", (int)an.n, an.p);
        r->p++;
        skip_space(r);
        char **slot = NULL;
        if (is_case && span_is(an, "classname"))
            slot = &tc->classname;
        else if (is_case && span_is(an, "name"))
            slot = &tc->name;
        else if (is_case && span_is(an, "file"))
            slot = &tc->file;
        else if (is_outcome && span_is(an, "message"))
            slot = &tc->message;
        char *val = NULL;
        if (attr_value(r, slot != NULL, slot ? &val : NULL) < 0)
            return -1;
        if (slot == &tc->message) {
            if (span_is(*name, "error") && strncmp(val, "failed on teardown with ", 24) == 0)
                tc->teardown_errors++;
            int rank = span_is(*name, "skipped") ? 1 : 2;
            if (rank > tc->message_rank) {
                free(tc->message);
                tc->message = val;
                tc->message_rank = rank;
            } else {
                free(val);
            }
        } else if (slot) {
            *slot = val;
        }
    }
}

/* Text between tags: only references need checking. */
static int text(reader *r)
{
    while (r->p < r->end && *r->p != '<') {
        if (*r->p == '&') {
            if (reference(r, &r->p, r->end, NULL, NULL) < 0)
                return -1;
            continue;
        }
        if (*r->p == '>' && r->p - r->start >= 2 && r->p[-1] == ']' && r->p[-2] == ']')
            return fail_at(r, r->p - 2, "\"]]>\" is not allowed in text");
        r->p++;
    }
    return 0;
}

/* Comments, processing instructions and whitespace around the root. */
static int misc(reader *r, int before_root)
{
    for (;;) {
        skip_space(r);
        if (starts(r, "<!--")) {
            r->p += 4;
            if (skip_past(r, "-->", "comment") < 0)
                return -1;
        } else if (starts(r, "<?")) {
            r->p += 2;
            if (skip_past(r, "?>", "processing instruction") < 0)
                return -1;
        } else if (starts(r, "<!DOCTYPE") || starts(r, "<!doctype")) {
            return fail_at(r, r->p, "a DOCTYPE is not accepted in a JUnit report");
        } else if (r->p < r->end && !before_root) {
            return fail_at(r, r->p, "unexpected content after the root element");
        } else {
            return 0;
        }
    }
}

int s2n_junit_parse(const char *buf, size_t len, s2n_junit_counts *out,
                    s2n_junit_case_fn on_case, void *ctx, char *err, size_t errlen)
{
    static char dummy[1];
    reader r = {.start = buf, .p = buf, .end = buf + len, .err = err ? err : dummy,
                .errlen = err ? errlen : sizeof dummy};
    memset(out, 0, sizeof *out);
    if (r.errlen)
        r.err[0] = '\0';
    if (len > S2N_JUNIT_MAX_BYTES)
        return fail_at(&r, r.start, "report larger than %u bytes", S2N_JUNIT_MAX_BYTES);
    if (memchr(buf, '\0', len))
        return fail_at(&r, (const char *)memchr(buf, '\0', len), "NUL byte in the document");
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        r.p += 3;

    span stack[MAX_DEPTH];
    int depth = 0, seen_root = 0;
    open_case tc = {0};
    if (misc(&r, 1) < 0)
        goto fail;
    if (r.p >= r.end)
        return fail_at(&r, r.p, "empty document (expected <testsuites> or <testsuite>)");

    do {
        if (depth > 0 && text(&r) < 0)
            goto fail;
        if (r.p >= r.end)
            break;
        if (*r.p != '<') {
            fail_at(&r, r.p, "expected <testsuites> or <testsuite>");
            goto fail;
        }
        if (starts(&r, "<!--")) {
            r.p += 4;
            if (skip_past(&r, "-->", "comment") < 0)
                goto fail;
        } else if (starts(&r, "<![CDATA[")) {
            if (depth == 0) {
                fail_at(&r, r.p, "CDATA outside the root element");
                goto fail;
            }
            r.p += 9;
            if (skip_past(&r, "]]>", "CDATA section") < 0)
                goto fail;
        } else if (starts(&r, "<?")) {
            r.p += 2;
            if (skip_past(&r, "?>", "processing instruction") < 0)
                goto fail;
        } else if (starts(&r, "</")) {
            const char *at = r.p;
            r.p += 2;
            span nm;
            if (read_name(&r, &nm, "an element name after '</'") < 0)
                goto fail;
            skip_space(&r);
            if (r.p >= r.end || *r.p != '>') {
                fail_at(&r, r.p, "expected '>' to close </%.*s", (int)nm.n, nm.p);
                goto fail;
            }
            r.p++;
            if (depth == 0 || stack[depth - 1].n != nm.n || memcmp(stack[depth - 1].p, nm.p, nm.n) != 0) {
                if (depth == 0)
                    fail_at(&r, at, "end tag </%.*s> without a start tag", (int)nm.n, nm.p);
                else
                    fail_at(&r, at, "expected </%.*s>, found </%.*s>", (int)stack[depth - 1].n,
                            stack[depth - 1].p, (int)nm.n, nm.p);
                goto fail;
            }
            depth--;
            if (span_is(nm, "testcase"))
                case_finish(&tc, out, on_case, ctx);
        } else if (r.p + 1 < r.end && r.p[1] == '!') {
            fail_at(&r, r.p, "unexpected markup declaration");
            goto fail;
        } else {
            const char *at = r.p;
            r.p++;
            span nm;
            int empty = 0;
            if (!seen_root) {
                span peek;
                const char *save = r.p;
                if (read_name(&r, &peek, "the root element") < 0)
                    goto fail;
                if (!span_is(peek, "testsuites") && !span_is(peek, "testsuite")) {
                    fail_at(&r, at, "expected <testsuites> or <testsuite> as the root element, found <%.*s>",
                            (int)peek.n, peek.p);
                    goto fail;
                }
                r.p = save;
                seen_root = 1;
            }
            if (start_tag(&r, &nm, &empty, &tc, depth) < 0)
                goto fail;
            int in_case = tc.open && !span_is(nm, "testcase");
            if (in_case && depth >= 1 && span_is(stack[depth - 1], "testcase")) {
                if (span_is(nm, "failure"))
                    tc.failures++;
                else if (span_is(nm, "error"))
                    tc.errors++;
                else if (span_is(nm, "skipped"))
                    tc.skipped++;
            }
            if (empty) {
                if (span_is(nm, "testcase"))
                    case_finish(&tc, out, on_case, ctx);
            } else {
                if (depth == MAX_DEPTH) {
                    fail_at(&r, at, "elements nested deeper than %d", MAX_DEPTH);
                    goto fail;
                }
                stack[depth++] = nm;
            }
        }
    } while (depth > 0);

    if (depth > 0) {
        fail_at(&r, r.p, "unexpected end of document: <%.*s> is not closed", (int)stack[depth - 1].n,
                stack[depth - 1].p);
        goto fail;
    }
    if (misc(&r, 0) < 0)
        goto fail;
    return 0;
fail:
    case_reset(&tc);
    return -1;
}

int s2n_junit_parse_file(const char *path, s2n_junit_counts *out,
                         s2n_junit_case_fn on_case, void *ctx, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        fclose(f);
        return -1;
    }
    if ((unsigned long long)sb.st_size > S2N_JUNIT_MAX_BYTES) {
        snprintf(err, errlen, "%s: report larger than %u bytes", path, S2N_JUNIT_MAX_BYTES);
        fclose(f);
        return -1;
    }
    size_t len = (size_t)sb.st_size;
    char *buf = malloc(len ? len : 1);
    if (!buf || fread(buf, 1, len, f) != len) {
        snprintf(err, errlen, "%s: %s", path, buf ? "short read" : "out of memory");
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    char msg[400];
    int rc = s2n_junit_parse(buf, len, out, on_case, ctx, msg, sizeof msg);
    if (rc != 0)
        snprintf(err, errlen, "%s:%s", path, msg);
    free(buf);
    return rc;
}

/*
 * Project names (PEP 508/503, wheel file names of PEP 427/625) and
 * versions (PEP 440): validation, normal form and ordering.
 */
#include "names.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int s2n_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || !isalnum((unsigned char)name[0]) || !isalnum((unsigned char)name[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!(c < 128 && (isalnum(c) || c == '.' || c == '_' || c == '-')))
            return 0;
    }
    return 1;
}

static size_t name_fold(const char *name, char sep, char *out, size_t cap)
{
    size_t len = 0;
    for (const char *p = name; *p;) {
        if (*p == '-' || *p == '_' || *p == '.') {
            while (*p == '-' || *p == '_' || *p == '.')
                p++;
            if (len + 1 < cap)
                out[len] = sep;
            len++;
            continue;
        }
        if (len + 1 < cap)
            out[len] = (char)tolower((unsigned char)*p);
        len++;
        p++;
    }
    if (cap)
        out[len < cap ? len : cap - 1] = '\0';
    return len + 1;
}

size_t s2n_name_normalize(const char *name, char *out, size_t cap)
{
    return name_fold(name, '-', out, cap);
}

size_t s2n_name_filename(const char *name, char *out, size_t cap)
{
    return name_fold(name, '_', out, cap);
}

/* ------------------------------------------------------------------ */
/* PEP 440                                                             */

#define REL_MAX 128 /* PEP 440 sets no limit; real versions use a handful */
#define LOCAL_MAX 128

typedef struct pep440 {
    uint64_t epoch;
    uint64_t rel[REL_MAX];
    int nrel;
    int pre;          /* -1 none, 0 a, 1 b, 2 rc */
    uint64_t pre_n;
    int has_post;
    uint64_t post;
    int has_dev;
    uint64_t dev;
    char local[LOCAL_MAX]; /* normalized: lowercase, '.'-separated; "" none */
} pep440;

static int ci_prefix(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != word[i])
            return 0;
    return (int)n;
}

static int is_sep(char c)
{
    return c == '-' || c == '_' || c == '.';
}

/* Digits at *p into *out; returns how many were read (0: none, -1: overflow). */
static int read_num(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    int n = 0;
    while (isdigit((unsigned char)*s)) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
        s++;
        n++;
    }
    *p = s;
    *out = v;
    return n;
}

/* A pre/post/dev part: optional separator, a label from `labels`, optional
 * separator, optional number.  Returns the label index or -1 (p untouched). */
static int read_label(const char **p, const char *const *labels, uint64_t *num, int *had_num)
{
    const char *s = *p;
    if (is_sep(*s))
        s++;
    for (int i = 0; labels[i]; i++) {
        int n = ci_prefix(s, labels[i]);
        if (!n)
            continue;
        const char *q = s + n;
        /* the number may follow a separator only if it is a number */
        const char *r = q;
        if (is_sep(*r) && isdigit((unsigned char)r[1]))
            r++;
        *had_num = 0;
        *num = 0;
        if (isdigit((unsigned char)*r)) {
            if (read_num(&r, num) < 0)
                return -2;
            *had_num = 1;
            q = r;
        }
        *p = q;
        return i;
    }
    return -1;
}

static int pep440_parse(const char *v, pep440 *out)
{
    memset(out, 0, sizeof *out);
    out->pre = -1;
    const char *p = v;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == 'v' || *p == 'V')
        p++;
    uint64_t n;
    if (read_num(&p, &n) <= 0)
        return -1;
    if (*p == '!') {
        out->epoch = n;
        p++;
        if (read_num(&p, &n) <= 0)
            return -1;
    }
    out->rel[out->nrel++] = n;
    while (*p == '.' && isdigit((unsigned char)p[1])) {
        p++;
        if (out->nrel == REL_MAX || read_num(&p, &n) <= 0)
            return -1;
        out->rel[out->nrel++] = n;
    }
    /* longer spellings first so "rc" is not taken as "r" elsewhere */
    static const char *const pre_labels[] = {"alpha", "beta", "preview", "pre", "rc", "a", "b", "c", NULL};
    static const int pre_kind[] = {0, 1, 2, 2, 2, 0, 1, 2};
    static const char *const post_labels[] = {"post", "rev", "r", NULL};
    static const char *const dev_labels[] = {"dev", NULL};
    int had;
    int k = read_label(&p, pre_labels, &out->pre_n, &had);
    if (k == -2)
        return -1;
    if (k >= 0)
        out->pre = pre_kind[k];
    if (*p == '-' && isdigit((unsigned char)p[1])) { /* implicit post: 1.0-1 */
        p++;
        if (read_num(&p, &out->post) < 0)
            return -1;
        out->has_post = 1;
    } else {
        k = read_label(&p, post_labels, &out->post, &had);
        if (k == -2)
            return -1;
        if (k >= 0)
            out->has_post = 1;
    }
    k = read_label(&p, dev_labels, &out->dev, &had);
    if (k == -2)
        return -1;
    if (k >= 0)
        out->has_dev = 1;
    if (*p == '+') {
        p++;
        size_t len = 0;
        int seg = 0;
        while (isalnum((unsigned char)*p) || is_sep(*p)) {
            if (is_sep(*p)) {
                if (seg == 0)
                    return -1; /* empty segment */
                seg = 0;
                if (len + 1 >= LOCAL_MAX)
                    return -1;
                out->local[len++] = '.';
            } else {
                if (len + 1 >= LOCAL_MAX)
                    return -1;
                out->local[len++] = (char)tolower((unsigned char)*p);
                seg++;
            }
            p++;
        }
        if (len == 0 || seg == 0)
            return -1;
        out->local[len] = '\0';
    }
    while (isspace((unsigned char)*p))
        p++;
    return *p == '\0' ? 0 : -1;
}

int s2n_version_normalize(const char *version, char *out, size_t cap)
{
    pep440 v;
    if (!version || pep440_parse(version, &v) != 0)
        return -1;
    char buf[4096];
    size_t len = 0;
#define PUT(...) len += (size_t)snprintf(buf + len, sizeof buf - len, __VA_ARGS__)
    if (v.epoch)
        PUT("%llu!", (unsigned long long)v.epoch);
    for (int i = 0; i < v.nrel; i++)
        PUT(i ? ".%llu" : "%llu", (unsigned long long)v.rel[i]);
    if (v.pre >= 0)
        PUT("%s%llu", v.pre == 0 ? "a" : v.pre == 1 ? "b" : "rc", (unsigned long long)v.pre_n);
    if (v.has_post)
        PUT(".post%llu", (unsigned long long)v.post);
    if (v.has_dev)
        PUT(".dev%llu", (unsigned long long)v.dev);
    if (v.local[0])
        PUT("+%s", v.local);
#undef PUT
    if (len >= sizeof buf || len + 1 > cap)
        return -1;
    memcpy(out, buf, len + 1);
    return 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

/* Local segments: numbers sort after strings; numbers numerically. */
static int cmp_local(const char *a, const char *b)
{
    if (!*a || !*b)
        return (*a != 0) - (*b != 0);
    while (*a && *b) {
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");
        int na = strspn(a, "0123456789") == la, nb = strspn(b, "0123456789") == lb;
        int c;
        if (na && nb) {
            while (la > 1 && *a == '0') a++, la--;
            while (lb > 1 && *b == '0') b++, lb--;
            c = la != lb ? (la < lb ? -1 : 1) : strncmp(a, b, la);
        } else if (na != nb) {
            c = na ? 1 : -1;
        } else {
            c = strncmp(a, b, la < lb ? la : lb);
            if (c == 0)
                c = la < lb ? -1 : la > lb;
        }
        if (c)
            return c < 0 ? -1 : 1;
        a += la + (a[la] == '.');
        b += lb + (b[lb] == '.');
    }
    return (*a != 0) - (*b != 0);
}

int s2n_version_compare(const char *a, const char *b)
{
    pep440 x, y;
    int bad_x = pep440_parse(a, &x) != 0, bad_y = pep440_parse(b, &y) != 0;
    if (bad_x || bad_y)
        return bad_x - bad_y ? bad_x - bad_y : strcmp(a, b);
    int c = cmp_u64(x.epoch, y.epoch);
    if (c)
        return c;
    int n = x.nrel > y.nrel ? x.nrel : y.nrel; /* trailing zeros do not count */
    for (int i = 0; i < n; i++) {
        c = cmp_u64(i < x.nrel ? x.rel[i] : 0, i < y.nrel ? y.rel[i] : 0);
        if (c)
            return c;
    }
    /* pre: a dev release without pre/post sorts before every pre-release;
     * no pre sorts after every pre-release */
    int px = x.pre >= 0 ? 1 : (x.has_dev && !x.has_post ? 0 : 2);
    int py = y.pre >= 0 ? 1 : (y.has_dev && !y.has_post ? 0 : 2);
    if ((c = (px > py) - (px < py)))
        return c;
    if (px == 1 && ((c = (x.pre > y.pre) - (x.pre < y.pre)) || (c = cmp_u64(x.pre_n, y.pre_n))))
        return c;
    if ((c = x.has_post - y.has_post))
        return c;
    if (x.has_post && (c = cmp_u64(x.post, y.post)))
        return c;
    if ((c = y.has_dev - x.has_dev)) /* no dev sorts after dev */
        return c;
    if (x.has_dev && (c = cmp_u64(x.dev, y.dev)))
        return c;
    return cmp_local(x.local, y.local);
}

/*
 * PEP 440 parsing follows the spec's permissive regex (case, leading v,
 * alternative spellings, implicit numbers); ordering follows the spec's
 * sort key (dev < pre < final < post, local after public).
 */
#include "config.h"

#include "plugins/common/venv_pep440.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_sep(char c)
{
    return c == '-' || c == '_' || c == '.';
}

static int word(const char **p, const char *w)
{
    size_t n = strlen(w);
    if (strncmp(*p, w, n) != 0)
        return 0;
    *p += n;
    return 1;
}

static long number(const char **p)
{
    long n = 0;
    while (isdigit((unsigned char)**p)) {
        if (n < 100000000000L)
            n = n * 10 + (**p - '0');
        (*p)++;
    }
    return n;
}

int s2n_pver_parse(const char *text, s2n_pver *v)
{
    char buf[256];
    size_t n = 0;
    memset(v, 0, sizeof *v);
    v->pre_kind = -1;
    v->post = v->dev = -1;
    while (isspace((unsigned char)*text))
        text++;
    for (; *text && n + 1 < sizeof buf; text++)
        buf[n++] = (char)tolower((unsigned char)*text);
    while (n > 0 && isspace((unsigned char)buf[n - 1]))
        n--;
    buf[n] = '\0';
    const char *p = buf;
    if (*p == 'v')
        p++;
    if (!isdigit((unsigned char)*p))
        return -1;
    const char *q = p;
    long first = number(&q);
    if (*q == '!') {
        v->epoch = first;
        p = q + 1;
        if (!isdigit((unsigned char)*p))
            return -1;
    }
    for (;;) {
        if (v->nrel == S2N_V_MAXREL)
            return -1;
        v->rel[v->nrel++] = number(&p);
        if (p[0] == '.' && isdigit((unsigned char)p[1]))
            p++;
        else
            break;
    }
    /* pre-release */
    {
        const char *s = p;
        if (is_sep(*s))
            s++;
        int kind = -1;
        if (word(&s, "alpha"))
            kind = 0;
        else if (word(&s, "beta"))
            kind = 1;
        else if (word(&s, "preview") || word(&s, "pre") || word(&s, "rc"))
            kind = 2;
        else if (word(&s, "a"))
            kind = 0;
        else if (word(&s, "b"))
            kind = 1;
        else if (word(&s, "c"))
            kind = 2;
        if (kind >= 0) {
            const char *t = s;
            if (is_sep(*t) && isdigit((unsigned char)t[1]))
                t++;
            v->pre_kind = kind;
            v->pre = number(&t);
            p = t;
        }
    }
    /* post-release */
    if (p[0] == '-' && isdigit((unsigned char)p[1])) {
        p++;
        v->post = number(&p);
    } else {
        const char *s = p;
        if (is_sep(*s))
            s++;
        if (word(&s, "post") || word(&s, "rev") || word(&s, "r")) {
            if (is_sep(*s) && isdigit((unsigned char)s[1]))
                s++;
            v->post = number(&s);
            p = s;
        }
    }
    /* dev-release */
    {
        const char *s = p;
        if (is_sep(*s))
            s++;
        if (word(&s, "dev")) {
            if (is_sep(*s) && isdigit((unsigned char)s[1]))
                s++;
            v->dev = number(&s);
            p = s;
        }
    }
    if (*p == '+') {
        p++;
        size_t k = 0;
        if (!isalnum((unsigned char)*p))
            return -1;
        while (*p) {
            if (is_sep(*p)) {
                if (!isalnum((unsigned char)p[1]))
                    return -1;
                if (k + 1 >= sizeof v->local)
                    return -1;
                v->local[k++] = '.';
            } else if (isalnum((unsigned char)*p)) {
                if (k + 1 >= sizeof v->local)
                    return -1;
                v->local[k++] = *p;
            } else
                return -1;
            p++;
        }
        v->local[k] = '\0';
    }
    return *p == '\0' ? 0 : -1;
}

void s2n_pver_format(const s2n_pver *v, char *out, size_t cap)
{
    size_t n = 0;
#define PUT(...)                                                              \
    do {                                                                      \
        int w_ = snprintf(out + n, n < cap ? cap - n : 0, __VA_ARGS__);       \
        if (w_ > 0)                                                           \
            n += (size_t)w_;                                                  \
    } while (0)
    if (cap)
        out[0] = '\0';
    if (v->epoch)
        PUT("%ld!", v->epoch);
    for (int i = 0; i < v->nrel; i++)
        PUT(i ? ".%ld" : "%ld", v->rel[i]);
    if (v->pre_kind >= 0)
        PUT("%s%ld", (const char *[]){"a", "b", "rc"}[v->pre_kind], v->pre);
    if (v->post >= 0)
        PUT(".post%ld", v->post);
    if (v->dev >= 0)
        PUT(".dev%ld", v->dev);
    if (v->local[0])
        PUT("+%s", v->local);
#undef PUT
}

int s2n_pver_normalize(const char *text, char *out, size_t cap)
{
    s2n_pver v;
    if (s2n_pver_parse(text, &v) != 0)
        return -1;
    s2n_pver_format(&v, out, cap);
    return 0;
}

static int cmp_long(long a, long b)
{
    return a < b ? -1 : a > b;
}

/* Local segments: numbers sort above strings, numbers numerically. */
static int cmp_local(const char *a, const char *b)
{
    if (!*a || !*b)
        return *a ? 1 : *b ? -1 : 0;
    while (*a && *b) {
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");
        int na = strspn(a, "0123456789") == la, nb = strspn(b, "0123456789") == lb;
        int c;
        if (na && nb)
            c = cmp_long(strtol(a, NULL, 10), strtol(b, NULL, 10));
        else if (na != nb)
            c = na ? 1 : -1;
        else {
            c = strncmp(a, b, la < lb ? la : lb);
            if (c == 0)
                c = cmp_long((long)la, (long)lb);
        }
        if (c)
            return c;
        a += la + (a[la] == '.');
        b += lb + (b[lb] == '.');
    }
    return *a ? 1 : *b ? -1 : 0;
}

/* The pre-release key: dev of a final release sorts before its pres. */
static long pre_key(const s2n_pver *v, long *num)
{
    *num = v->pre;
    if (v->pre_kind < 0 && v->post < 0 && v->dev >= 0)
        return -1;
    if (v->pre_kind < 0)
        return 3;
    return v->pre_kind;
}

static int cmp_public(const s2n_pver *a, const s2n_pver *b)
{
    int c = cmp_long(a->epoch, b->epoch);
    if (c)
        return c;
    int n = a->nrel > b->nrel ? a->nrel : b->nrel;
    for (int i = 0; i < n; i++) {
        c = cmp_long(i < a->nrel ? a->rel[i] : 0, i < b->nrel ? b->rel[i] : 0);
        if (c)
            return c;
    }
    long pa, pb;
    long ka = pre_key(a, &pa), kb = pre_key(b, &pb);
    if ((c = cmp_long(ka, kb)) || (ka >= 0 && ka < 3 && (c = cmp_long(pa, pb))))
        return c;
    if ((c = cmp_long(a->post, b->post)))
        return c;
    return cmp_long(a->dev < 0 ? 0x7fffffffL : a->dev, b->dev < 0 ? 0x7fffffffL : b->dev);
}

int s2n_pver_cmp(const s2n_pver *a, const s2n_pver *b)
{
    int c = cmp_public(a, b);
    return c ? c : cmp_local(a->local, b->local);
}

static int is_pre(const s2n_pver *v)
{
    return v->pre_kind >= 0 || v->dev >= 0;
}

/* One clause "op version" against a parsed candidate. 1/0, -1 invalid. */
static int clause_contains(const char *op, const char *ver, const s2n_pver *cand)
{
    s2n_pver sv;
    size_t vl = strlen(ver);
    int wildcard = vl >= 2 && strcmp(ver + vl - 2, ".*") == 0;
    if (strcmp(op, "===") == 0) {
        char norm[128];
        s2n_pver_format(cand, norm, sizeof norm);
        return strcasecmp(norm, ver) == 0;
    }
    if (wildcard) {
        if (strcmp(op, "==") != 0 && strcmp(op, "!=") != 0)
            return -1;
        char pre[128];
        if (vl - 2 >= sizeof pre)
            return -1;
        memcpy(pre, ver, vl - 2);
        pre[vl - 2] = '\0';
        if (s2n_pver_parse(pre, &sv) != 0 || sv.local[0])
            return -1;
        /* Prefix match on the public release (pre/post/dev of the prefix
         * are rare; they are compared as exact values). */
        int match = sv.epoch == cand->epoch;
        for (int i = 0; match && i < sv.nrel; i++)
            match = sv.rel[i] == (i < cand->nrel ? cand->rel[i] : 0);
        if (match && sv.pre_kind >= 0)
            match = sv.pre_kind == cand->pre_kind && sv.pre == cand->pre;
        if (match && sv.post >= 0)
            match = sv.post == cand->post;
        return strcmp(op, "==") == 0 ? match : !match;
    }
    if (s2n_pver_parse(ver, &sv) != 0)
        return -1;
    if (strcmp(op, "==") == 0 || strcmp(op, "!=") == 0) {
        s2n_pver c = *cand;
        if (!sv.local[0])
            c.local[0] = '\0';
        int eq = s2n_pver_cmp(&c, &sv) == 0;
        return op[0] == '=' ? eq : !eq;
    }
    if (sv.local[0])
        return -1;
    s2n_pver pub = *cand;
    pub.local[0] = '\0';
    int c = cmp_public(&pub, &sv);
    if (strcmp(op, "<=") == 0)
        return c <= 0;
    if (strcmp(op, ">=") == 0)
        return c >= 0;
    if (strcmp(op, "<") == 0) {
        if (c >= 0)
            return 0;
        /* <V excludes pre-releases of V itself unless V is one. */
        if (!is_pre(&sv) && is_pre(cand)) {
            s2n_pver base = pub;
            base.pre_kind = -1, base.dev = -1, base.post = -1;
            s2n_pver vb = sv;
            vb.post = -1;
            if (cmp_public(&base, &vb) == 0)
                return 0;
        }
        return 1;
    }
    if (strcmp(op, ">") == 0) {
        if (c <= 0)
            return 0;
        /* >V excludes post-releases of V unless V is one, and V+local. */
        if (sv.post < 0 && cand->post >= 0) {
            s2n_pver base = pub;
            base.post = -1, base.dev = -1;
            if (cmp_public(&base, &sv) == 0)
                return 0;
        }
        return 1;
    }
    if (strcmp(op, "~=") == 0) {
        if (sv.nrel < 2)
            return -1;
        if (c < 0)
            return 0;
        if (sv.epoch != cand->epoch)
            return 0;
        for (int i = 0; i < sv.nrel - 1; i++)
            if (sv.rel[i] != (i < cand->nrel ? cand->rel[i] : 0))
                return 0;
        return 1;
    }
    return -1;
}

/* Split "op ver" out of one comma-separated clause. */
static int split_clause(const char *s, size_t len, char *op, char *ver, size_t vcap)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    static const char *const ops[] = {"===", "~=", "==", "!=", "<=", ">=", "<", ">", NULL};
    for (int i = 0; ops[i]; i++) {
        size_t ol = strlen(ops[i]);
        if (len >= ol && strncmp(s, ops[i], ol) == 0) {
            strcpy(op, ops[i]);
            s += ol, len -= ol;
            while (len && isspace((unsigned char)*s))
                s++, len--;
            if (len == 0 || len >= vcap)
                return -1;
            for (size_t k = 0; k < len; k++)
                if (isspace((unsigned char)s[k]))
                    return -1;
            memcpy(ver, s, len);
            ver[len] = '\0';
            return 0;
        }
    }
    return -1;
}

static int spec_walk(const char *spec, const s2n_pver *cand)
{
    int result = 1;
    const char *p = spec;
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *q = p;
        size_t blank = 0;
        while (blank < len && isspace((unsigned char)q[blank]))
            blank++;
        if (blank == len)
            return p == spec && !p[len] ? result : -1; /* all blank: no clause */
        char op[4], ver[128];
        if (split_clause(p, len, op, ver, sizeof ver) != 0)
            return -1;
        if (cand) {
            int r = clause_contains(op, ver, cand);
            if (r < 0)
                return -1;
            if (!r)
                result = 0;
        } else {
            s2n_pver dummy;
            s2n_pver_parse("0", &dummy);
            if (clause_contains(op, ver, &dummy) < 0)
                return -1;
        }
        p += len;
        if (*p == ',') {
            p++;
            if (!p[strspn(p, " \t")])
                return -1; /* a trailing comma names no clause */
        }
    }
    return result;
}

int s2n_spec_contains(const char *spec, const char *version)
{
    s2n_pver cand;
    if (s2n_pver_parse(version, &cand) != 0)
        return -1;
    return spec_walk(spec, &cand);
}

int s2n_spec_valid(const char *spec)
{
    return spec_walk(spec, NULL) < 0 ? -1 : 0;
}

int s2n_spec_pin(const char *spec, char *out, size_t cap)
{
    if (strchr(spec, ','))
        return 0;
    char op[4], ver[128];
    if (split_clause(spec, strlen(spec), op, ver, sizeof ver) != 0)
        return 0;
    if (strcmp(op, "===") == 0) {
        snprintf(out, cap, "%s", ver);
        return 1;
    }
    if (strcmp(op, "==") != 0 || strchr(ver, '*'))
        return 0;
    return s2n_pver_normalize(ver, out, cap) == 0;
}

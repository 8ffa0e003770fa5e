/*
 * PEP 508 by recursive descent.  Markers are evaluated while parsing
 * (they are short and evaluated a handful of times), which keeps this
 * free of an AST.
 */
#include "config.h"

#include "plugins/common/venv_pep508.h"
#include "plugins/common/names.h"
#include "plugins/common/venv_pep440.h"
#include "plugins/common/pyinfo.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void s2n_pep503(const char *name, char *out, size_t cap)
{
    /* the build plugin's names.c owns the rule */
    s2n_name_normalize(name, out, cap);
}

/* ------------------------------------------------------------------ */
/* Markers                                                             */

typedef struct mparser {
    const char *s, *p;
    const s2n_marker_env *env;
    char *err;
    size_t errcap;
    int failed;
} mparser;

static void mfail(mparser *m, const char *fmt, ...)
{
    if (m->failed)
        return;
    m->failed = 1;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(m->err, m->errcap, "col %d: %s", (int)(m->p - m->s) + 1, msg);
}

static void mskip(mparser *m)
{
    while (isspace((unsigned char)*m->p))
        m->p++;
}

static int mword(mparser *m, const char *w)
{
    size_t n = strlen(w);
    mskip(m);
    if (strncmp(m->p, w, n) == 0 && !isalnum((unsigned char)m->p[n]) && m->p[n] != '_') {
        m->p += n;
        return 1;
    }
    return 0;
}

static const struct {
    const char *name;
    int idx;
} marker_aliases[] = {
    {"os.name", S2N_MK_OS_NAME},
    {"sys.platform", S2N_MK_SYS_PLATFORM},
    {"platform.version", S2N_MK_PLATFORM_VERSION},
    {"platform.machine", S2N_MK_PLATFORM_MACHINE},
    {"platform.python_implementation", S2N_MK_PLATFORM_PYTHON_IMPLEMENTATION},
    {"python_implementation", S2N_MK_PLATFORM_PYTHON_IMPLEMENTATION},
};

/* A value: quoted string or variable.  *is_extra marks `extra`. */
static int mvalue(mparser *m, char *out, size_t cap, int *is_var, int *is_extra)
{
    mskip(m);
    *is_var = *is_extra = 0;
    if (*m->p == '"' || *m->p == '\'') {
        char q = *m->p++;
        const char *end = strchr(m->p, q);
        if (!end) {
            mfail(m, "unterminated string");
            return -1;
        }
        snprintf(out, cap, "%.*s", (int)(end - m->p), m->p);
        m->p = end + 1;
        return 0;
    }
    const char *start = m->p;
    while (isalnum((unsigned char)*m->p) || *m->p == '_' || *m->p == '.')
        m->p++;
    size_t n = (size_t)(m->p - start);
    if (n == 0) {
        mfail(m, "expected a marker variable or a quoted string");
        return -1;
    }
    *is_var = 1;
    if (n == 5 && strncmp(start, "extra", 5) == 0) {
        *is_extra = 1;
        snprintf(out, cap, "%s", m->env && m->env->extra ? m->env->extra : "");
        return 0;
    }
    for (int i = 0; i < S2N_MK_COUNT; i++)
        if (strlen(s2n_marker_names[i]) == n && strncmp(start, s2n_marker_names[i], n) == 0) {
            snprintf(out, cap, "%s", m->env && m->env->values ? m->env->values[i] : "");
            return 0;
        }
    for (size_t i = 0; i < sizeof marker_aliases / sizeof *marker_aliases; i++)
        if (strlen(marker_aliases[i].name) == n && strncmp(start, marker_aliases[i].name, n) == 0) {
            int k = marker_aliases[i].idx;
            snprintf(out, cap, "%s", m->env && m->env->values ? m->env->values[k] : "");
            return 0;
        }
    m->p = start;
    mfail(m, "unknown marker variable '%.*s'", (int)n, start);
    return -1;
}

static int mop(mparser *m, char *op)
{
    mskip(m);
    static const char *const ops[] = {"===", "~=", "==", "!=", "<=", ">=", "<", ">", NULL};
    for (int i = 0; ops[i]; i++)
        if (strncmp(m->p, ops[i], strlen(ops[i])) == 0) {
            strcpy(op, ops[i]);
            m->p += strlen(ops[i]);
            return 0;
        }
    if (mword(m, "in")) {
        strcpy(op, "in");
        return 0;
    }
    const char *save = m->p;
    if (mword(m, "not") && mword(m, "in")) {
        strcpy(op, "notin");
        return 0;
    }
    m->p = save;
    mfail(m, "expected a comparison operator");
    return -1;
}

static int compare(const char *l, const char *op, const char *r, int extra)
{
    if (strcmp(op, "in") == 0)
        return strstr(r, l) != NULL;
    if (strcmp(op, "notin") == 0)
        return strstr(r, l) == NULL;
    if (extra) {
        char a[128], b[128];
        s2n_pep503(l, a, sizeof a);
        s2n_pep503(r, b, sizeof b);
        int eq = strcmp(a, b) == 0;
        return strcmp(op, "!=") == 0 ? !eq : strcmp(op, "==") == 0 ? eq : 0;
    }
    if (strcmp(op, "===") != 0) {
        s2n_pver a, b;
        if (s2n_pver_parse(l, &a) == 0 && s2n_pver_parse(r, &b) == 0) {
            char spec[300];
            if (snprintf(spec, sizeof spec, "%s%s", op, r) >= (int)sizeof spec)
                return 0;
            int c = s2n_spec_contains(spec, l);
            if (c >= 0)
                return c;
        }
    }
    if (strcmp(op, "==") == 0 || strcmp(op, "===") == 0)
        return strcmp(l, r) == 0;
    if (strcmp(op, "!=") == 0)
        return strcmp(l, r) != 0;
    return 0; /* ordering of non-versions is undefined: false */
}

static int mor(mparser *m);

static int mexpr(mparser *m)
{
    mskip(m);
    if (*m->p == '(') {
        m->p++;
        int v = mor(m);
        mskip(m);
        if (*m->p != ')') {
            mfail(m, "expected ')'");
            return 0;
        }
        m->p++;
        return v;
    }
    char l[256], r[256], op[8];
    int lv, le, rv, re;
    if (mvalue(m, l, sizeof l, &lv, &le) || mop(m, op) || mvalue(m, r, sizeof r, &rv, &re))
        return 0;
    if (!lv && !rv) {
        mfail(m, "a marker compares a variable, not two strings");
        return 0;
    }
    return compare(l, op, r, le || re);
}

static int mand(mparser *m)
{
    int v = mexpr(m);
    while (!m->failed && mword(m, "and"))
        v = mexpr(m) && v;
    return v;
}

static int mor(mparser *m)
{
    int v = mand(m);
    while (!m->failed && mword(m, "or"))
        v = mand(m) || v;
    return v;
}

int s2n_marker_eval(const char *marker, const s2n_marker_env *env, char *err, size_t errcap)
{
    mparser m = {.s = marker, .p = marker, .env = env, .err = err, .errcap = errcap};
    int v = mor(&m);
    mskip(&m);
    if (!m.failed && *m.p)
        mfail(&m, "unexpected '%s'", m.p);
    return m.failed ? -1 : v;
}

/* ------------------------------------------------------------------ */
/* Requirements                                                        */

static int fail_at(char *err, size_t cap, int *col, const char *s, const char *p, const char *msg)
{
    int c = (int)(p - s) + 1;
    if (col)
        *col = c;
    snprintf(err, cap, "col %d: %s", c, msg);
    return -1;
}

static char *dup_range(const char *a, const char *b)
{
    char *s = malloc((size_t)(b - a) + 1);
    if (s) {
        memcpy(s, a, (size_t)(b - a));
        s[b - a] = '\0';
    }
    return s;
}

static const char *scan_name(const char *p)
{
    if (!isalnum((unsigned char)*p))
        return p;
    const char *end = p + 1;
    for (const char *q = p + 1; *q && (isalnum((unsigned char)*q) || strchr("._-", *q)); q++)
        if (isalnum((unsigned char)*q))
            end = q + 1;
    return end;
}

int s2n_dep_parse(const char *text, s2n_dep *d, char *err, size_t errcap, int *col)
{
    memset(d, 0, sizeof *d);
    const char *s = text, *p = text;
    if (col)
        *col = 0;
    while (isspace((unsigned char)*p))
        p++;
    const char *ne = scan_name(p);
    if (ne == p)
        return fail_at(err, errcap, col, s, p, "expected a project name");
    d->name = dup_range(p, ne);
    char norm[256];
    s2n_pep503(d->name, norm, sizeof norm);
    d->norm = strdup(norm);
    p = ne;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '[') {
        p++;
        for (;;) {
            while (isspace((unsigned char)*p))
                p++;
            if (*p == ']' && d->nextras == 0)
                break;
            const char *ee = scan_name(p);
            if (ee == p) {
                s2n_dep_free(d);
                return fail_at(err, errcap, col, s, p, "expected an extra name");
            }
            char *raw = dup_range(p, ee);
            char en[128];
            s2n_pep503(raw, en, sizeof en);
            free(raw);
            char **nx = realloc(d->extras, (d->nextras + 1) * sizeof *nx);
            if (!nx) {
                s2n_dep_free(d);
                return fail_at(err, errcap, col, s, p, "out of memory");
            }
            d->extras = nx;
            d->extras[d->nextras++] = strdup(en);
            p = ee;
            while (isspace((unsigned char)*p))
                p++;
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p == ']')
                break;
            s2n_dep_free(d);
            return fail_at(err, errcap, col, s, p, "expected ',' or ']' in extras");
        }
        p++;
        while (isspace((unsigned char)*p))
            p++;
    }
    if (*p == '@') {
        p++;
        while (isspace((unsigned char)*p))
            p++;
        const char *ue = p;
        while (*ue && !isspace((unsigned char)*ue))
            ue++;
        if (ue == p) {
            s2n_dep_free(d);
            return fail_at(err, errcap, col, s, p, "expected a URL after '@'");
        }
        d->url = dup_range(p, ue);
        d->spec = strdup("");
        p = ue;
        while (isspace((unsigned char)*p))
            p++;
    } else {
        int paren = *p == '(';
        if (paren)
            p++;
        const char *ss = p;
        while (*p && *p != ';' && *p != ')')
            p++;
        if (paren) {
            if (*p != ')') {
                s2n_dep_free(d);
                return fail_at(err, errcap, col, s, p, "expected ')'");
            }
        } else if (*p == ')') {
            s2n_dep_free(d);
            return fail_at(err, errcap, col, s, p, "unexpected ')'");
        }
        char *spec = malloc((size_t)(p - ss) + 1);
        size_t n = 0;
        for (const char *q = ss; q < p; q++)
            if (!isspace((unsigned char)*q))
                spec[n++] = *q;
        spec[n] = '\0';
        d->spec = spec;
        if (s2n_spec_valid(spec) != 0) {
            s2n_dep_free(d);
            return fail_at(err, errcap, col, s, ss,
                           "expected version specifiers like '==1.0' or '>=1,<2'");
        }
        if (paren)
            p++;
        while (isspace((unsigned char)*p))
            p++;
    }
    if (*p == ';') {
        p++;
        while (isspace((unsigned char)*p))
            p++;
        char merr[200];
        if (s2n_marker_eval(p, NULL, merr, sizeof merr) < 0) {
            int mc = atoi(merr + 4);
            const char *at = p + (mc > 0 ? mc - 1 : 0);
            const char *msg = strchr(merr, ':') ? strchr(merr, ':') + 2 : merr;
            char m2[260];
            if (snprintf(m2, sizeof m2, "bad environment marker: %s", msg) < 0)
                m2[0] = '\0';
            s2n_dep_free(d);
            return fail_at(err, errcap, col, s, at, m2);
        }
        d->marker = strdup(p);
        size_t ml = strlen(d->marker);
        while (ml && isspace((unsigned char)d->marker[ml - 1]))
            d->marker[--ml] = '\0';
        return 0;
    }
    if (*p) {
        s2n_dep_free(d);
        return fail_at(err, errcap, col, s, p, "unexpected text after the requirement");
    }
    return 0;
}

void s2n_dep_free(s2n_dep *d)
{
    free(d->name);
    free(d->norm);
    for (size_t i = 0; i < d->nextras; i++)
        free(d->extras[i]);
    free(d->extras);
    free(d->spec);
    free(d->url);
    free(d->marker);
    memset(d, 0, sizeof *d);
}

#include "pep508.h"

#include <ctype.h>
#include <string.h>

static const char *ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* identifier: letters/digits with . _ - inside */
static const char *ident(const char *s)
{
    if (!isalnum((unsigned char)*s))
        return NULL;
    const char *p = s;
    while (isalnum((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-')
        p++;
    while (p > s && !isalnum((unsigned char)p[-1])) /* must end alnum */
        p--;
    return p;
}

static const char *version_op(const char *s)
{
    static const char *const ops[] = {"===", "~=", "==", "!=", "<=", ">=", "<", ">", NULL};
    for (int i = 0; ops[i]; i++)
        if (strncmp(s, ops[i], strlen(ops[i])) == 0)
            return s + strlen(ops[i]);
    return NULL;
}

/* one or more `op version` joined by commas */
static const char *specifiers(const char *s)
{
    for (;;) {
        s = ws(s);
        const char *p = version_op(s);
        if (!p)
            return NULL;
        p = ws(p);
        const char *v = p;
        while (isalnum((unsigned char)*p) || (*p && strchr(".*+!_-", *p)))
            p++;
        if (p == v)
            return NULL;
        s = ws(p);
        if (*s != ',')
            return s;
        s++;
    }
}

static const char *marker_or(const char *s);

static const char *marker_value(const char *s)
{
    s = ws(s);
    if (*s == '"' || *s == '\'') {
        const char *end = strchr(s + 1, *s);
        return end ? end + 1 : NULL;
    }
    static const char *const vars[] = {
        "python_full_version", "python_version", "os_name", "sys_platform", "platform_release",
        "platform_system", "platform_version", "platform_machine", "platform_python_implementation",
        "implementation_name", "implementation_version", "extra", "os.name", "sys.platform",
        "platform.version", "platform.machine", "platform.python_implementation", "python_implementation",
        NULL};
    for (int i = 0; vars[i]; i++) {
        size_t n = strlen(vars[i]);
        if (strncmp(s, vars[i], n) == 0 && !isalnum((unsigned char)s[n]) && s[n] != '_')
            return s + n;
    }
    return NULL;
}

static const char *marker_op(const char *s)
{
    s = ws(s);
    static const char *const ops[] = {"===", "==", "!=", "<=", ">=", "~=", "<", ">", NULL};
    for (int i = 0; ops[i]; i++)
        if (strncmp(s, ops[i], strlen(ops[i])) == 0)
            return s + strlen(ops[i]);
    if (strncmp(s, "in", 2) == 0 && !isalnum((unsigned char)s[2]))
        return s + 2;
    if (strncmp(s, "not", 3) == 0 && isspace((unsigned char)s[3])) {
        const char *p = ws(s + 3);
        if (strncmp(p, "in", 2) == 0 && !isalnum((unsigned char)p[2]))
            return p + 2;
    }
    return NULL;
}

static const char *marker_atom(const char *s)
{
    s = ws(s);
    if (*s == '(') {
        s = marker_or(s + 1);
        if (!s)
            return NULL;
        s = ws(s);
        return *s == ')' ? s + 1 : NULL;
    }
    s = marker_value(s);
    if (!s || !(s = marker_op(s)))
        return NULL;
    return marker_value(s);
}

static const char *keyword(const char *s, const char *kw)
{
    s = ws(s);
    size_t n = strlen(kw);
    if (strncmp(s, kw, n) == 0 && (isspace((unsigned char)s[n]) || s[n] == '('))
        return s + n;
    return NULL;
}

static const char *marker_and(const char *s)
{
    s = marker_atom(s);
    while (s) {
        const char *k = keyword(s, "and");
        if (!k)
            return s;
        s = marker_atom(k);
    }
    return NULL;
}

static const char *marker_or(const char *s)
{
    s = marker_and(s);
    while (s) {
        const char *k = keyword(s, "or");
        if (!k)
            return s;
        s = marker_and(k);
    }
    return NULL;
}

int pep508_valid(const char *req)
{
    const char *s = ws(req);
    s = ident(s);
    if (!s)
        return 0;
    s = ws(s);
    if (*s == '[') { /* extras */
        s = ws(s + 1);
        if (*s != ']') {
            for (;;) {
                if (!(s = ident(ws(s))))
                    return 0;
                s = ws(s);
                if (*s != ',')
                    break;
                s++;
            }
        }
        if (*s != ']')
            return 0;
        s = ws(s + 1);
    }
    if (*s == '@') { /* URL: up to whitespace; a marker needs a space before ';' */
        s = ws(s + 1);
        const char *u = s;
        while (*s && !isspace((unsigned char)*s))
            s++;
        if (s == u || !strstr(u, "://"))
            return 0;
        s = ws(s);
    } else if (*s == '(') {
        s = specifiers(s + 1);
        if (!s || *(s = ws(s)) != ')')
            return 0;
        s = ws(s + 1);
    } else if (version_op(s)) {
        s = specifiers(s);
        if (!s)
            return 0;
    }
    if (*s == ';') {
        s = marker_or(s + 1);
        if (!s)
            return 0;
        s = ws(s);
    }
    return *s == '\0';
}

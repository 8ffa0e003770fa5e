#include "config.h"
#include "core/interp.h"
#include "core/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int name_char(char c, int first)
{
    return c == '_' || isalpha((unsigned char)c) || (!first && (isdigit((unsigned char)c) || c == '.' || c == '-'));
}

/* Parse "${...}" at s (s[0]=='$', s[1]=='{').  Sets name/def spans and
 * returns the length of the whole reference, or 0 when malformed. */
static size_t parse_ref(const char *s, const char **name, size_t *nlen, const char **def, size_t *dlen)
{
    const char *p = s + 2;
    if (!name_char(*p, 1))
        return 0;
    *name = p;
    while (name_char(*p, 0))
        p++;
    *nlen = (size_t)(p - *name);
    *def = NULL;
    *dlen = 0;
    if (p[0] == ':' && p[1] == '-') {
        p += 2;
        *def = p;
        int depth = 0;
        while (*p && (*p != '}' || depth)) {
            if (p[0] == '$' && p[1] == '{')
                depth++;
            else if (*p == '}')
                depth--;
            p++;
        }
        *dlen = (size_t)(p - *def);
    }
    if (*p != '}')
        return 0;
    return (size_t)(p + 1 - s);
}

static char *expand(const char *in, interp_lookup lookup, void *ctx, char **missing, char **bad,
                    int depth)
{
    strbuf out = {0};
    for (const char *s = in; *s;) {
        if (s[0] == '$' && s[1] == '$') {
            sb_putc(&out, '$');
            s += 2;
            continue;
        }
        if (s[0] != '$' || s[1] != '{') {
            sb_putc(&out, *s++);
            continue;
        }
        const char *name, *def;
        size_t nlen, dlen;
        size_t len = parse_ref(s, &name, &nlen, &def, &dlen);
        if (!len) {
            /* Not ours (shell syntax such as ${x%%y} or ${#x} in a run:
             * string): kept as written. */
            sb_puts(&out, "${");
            s += 2;
            continue;
        }
        if (depth > 8) {
            if (bad && !*bad)
                *bad = xasprintf("defaults nested too deeply in '%.40s'", s);
            sb_free(&out);
            return NULL;
        }
        char *n = xstrndup(name, nlen);
        const char *val = lookup(ctx, n);
        if (val) {
            sb_puts(&out, val);
        } else if (def) {
            char *d = xstrndup(def, dlen);
            char *e = expand(d, lookup, ctx, missing, bad, depth + 1);
            free(d);
            if (!e) {
                free(n);
                sb_free(&out);
                return NULL;
            }
            sb_puts(&out, e);
            free(e);
        } else {
            if (missing && !*missing)
                *missing = xstrdup(n);
            free(n);
            sb_free(&out);
            return NULL;
        }
        free(n);
        s += len;
    }
    return sb_steal(&out);
}

char *interp_expand(const char *in, interp_lookup lookup, void *ctx, char **missing, char **bad)
{
    return expand(in, lookup, ctx, missing, bad, 0);
}

void interp_refs(const char *in, void (*fn)(void *ctx, const char *name), void *ctx)
{
    for (const char *s = in; *s;) {
        if (s[0] == '$' && s[1] == '$') {
            s += 2;
            continue;
        }
        if (s[0] != '$' || s[1] != '{') {
            s++;
            continue;
        }
        const char *name, *def;
        size_t nlen, dlen;
        size_t len = parse_ref(s, &name, &nlen, &def, &dlen);
        if (!len) {
            s += 2;
            continue;
        }
        if (!def) {
            char *n = xstrndup(name, nlen);
            fn(ctx, n);
            free(n);
        }
        s += len;
    }
}

#include "plugins/common/html.h"

#include <stdlib.h>
#include <string.h>

size_t s2n_utf8_put(unsigned long cp, char *out)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int digit_value(char c, int hex)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (hex && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (hex && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t s2n_html_entity(const char *p, const char *lim, char *out, size_t *used)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''},
                 {"nbsp;", ' '}};
    const char *q = p + 1;
    if (q < lim && *q == '#') {
        int hex = q + 1 < lim && (q[1] == 'x' || q[1] == 'X');
        const char *d = q + 1 + hex, *start = d;
        unsigned long cp = 0;
        int v;
        while (d < lim && d - start <= 8 && (v = digit_value(*d, hex)) >= 0)
            cp = cp * (hex ? 16u : 10u) + (unsigned long)v, d++;
        if (d == start || d >= lim || *d != ';' || d - start > 8)
            return 0;
        *used = (size_t)(d + 1 - p);
        return s2n_utf8_put(cp < 0x20 || cp == 0x7f ? ' ' : cp, out); /* text ends up in logs */
    }
    for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
        size_t n = strlen(named[i].name);
        if ((size_t)(lim - q) >= n && strncmp(q, named[i].name, n) == 0) {
            *used = n + 1;
            out[0] = named[i].c;
            return 1;
        }
    }
    return 0;
}

char *s2n_html_unescape(const char *s, size_t len)
{
    char *out = malloc(len + 1); /* a reference never decodes longer than itself */
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t used = 0, k = s[i] == '&' ? s2n_html_entity(s + i, s + len, out + n, &used) : 0;
        if (k) {
            n += k;
            i += used;
        } else {
            out[n++] = s[i++];
        }
    }
    out[n] = '\0';
    return out;
}

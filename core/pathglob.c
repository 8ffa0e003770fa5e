#include "config.h"
#include "core/pathglob.h"
#include "core/util.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* One segment of a pattern against one segment of a name. */
static int seg_match(const char *pat, size_t plen, const char *name, size_t nlen)
{
    char *p = xstrndup(pat, plen), *n = xstrndup(name, nlen);
    int ok = fnmatch(p, n, 0) == 0;
    free(p);
    free(n);
    return ok;
}

static int match_from(const char *pat, const char *name)
{
    for (;;) {
        const char *pe = strchr(pat, '/');
        size_t plen = pe ? (size_t)(pe - pat) : strlen(pat);
        if (plen == 2 && pat[0] == '*' && pat[1] == '*') {
            if (!pe) /* trailing `**`: anything, also nothing more */
                return 1;
            // `**/` matches zero or more whole segments
            for (const char *n = name;;) {
                if (match_from(pe + 1, n))
                    return 1;
                const char *slash = strchr(n, '/');
                if (!slash)
                    return 0;
                n = slash + 1;
            }
        }
        const char *ne = strchr(name, '/');
        size_t nlen = ne ? (size_t)(ne - name) : strlen(name);
        if (!seg_match(pat, plen, name, nlen))
            return 0;
        if (!pe || !ne)
            return !pe && !ne;
        pat = pe + 1;
        name = ne + 1;
    }
}

int pathglob_match(const char *pattern, const char *name)
{
    if (!pattern || !name)
        return 0;
    while (pattern[0] == '.' && pattern[1] == '/')
        pattern += 2;
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    return match_from(pattern, name);
}

int pathglob_match_path(const char *pattern, const char *path)
{
    if (pathglob_match(pattern, path))
        return 1;
    size_t plen = strlen(pattern);
    /* "core/" names the directory */
    if (plen > 1 && pattern[plen - 1] == '/') {
        char *p = xstrndup(pattern, plen - 1);
        int ok = pathglob_match_path(p, path);
        free(p);
        return ok;
    }
    for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
        char *dir = xstrndup(path, (size_t)(s - path));
        int ok = pathglob_match(pattern, dir);
        free(dir);
        if (ok)
            return 1;
    }
    return 0;
}

const char *pathglob_check(const char *pattern)
{
    if (!pattern || !*pattern)
        return "empty pattern";
    for (const char *s = pattern; *s; s++) {
        if (*s == '[') {
            const char *e = s + 1;
            if (*e == '!' || *e == '^')
                e++;
            if (*e == ']')
                e++;
            while (*e && *e != ']' && *e != '/')
                e++;
            if (*e != ']')
                return "'[' without a closing ']'";
            s = e;
        } else if (*s == '\\' && !s[1]) {
            return "ends with a lone backslash";
        } else if (s[0] == '*' && s[1] == '*' && s[2] == '*') {
            return "'***' is not a pattern (use '**' for any depth)";
        }
    }
    return NULL;
}

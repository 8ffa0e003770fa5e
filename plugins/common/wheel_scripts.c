/*
 * Console and GUI script wrappers from entry_points.txt, as pip 23 makes
 * them with distlib's ScriptMaker: the same template, shebang rules and
 * versioned pip/easy_install names.  Part of the native installer.
 */
#include "config.h"

#include "plugins/common/wheel_private.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}


static void trim(char **s, char **e)
{
    while (*s < *e && isspace((unsigned char)**s))
        (*s)++;
    while (*e > *s && isspace((unsigned char)(*e)[-1]))
        (*e)--;
}

static int add_script(s2n_script **v, size_t *n, const char *name, size_t nl, const char *module,
                      size_t ml, const char *attr, size_t al)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen((*v)[i].name) == nl && strncmp((*v)[i].name, name, nl) == 0) {
            free((*v)[i].module);
            free((*v)[i].attr);
            (*v)[i].module = strndup(module, ml);
            (*v)[i].attr = strndup(attr, al);
            return 0;
        }
    s2n_script *nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    *v = nv;
    nv[(*n)++] = (s2n_script){strndup(name, nl), strndup(module, ml), strndup(attr, al)};
    return 0;
}

void s2n_scripts_free(s2n_script *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].module);
        free(v[i].attr);
    }
    free(v);
}

/* [console_scripts] and [gui_scripts] of entry_points.txt. */
static int parse_entry_points(const char *text, s2n_script **out, size_t *nout, char *err,
                              size_t errcap)
{
    *out = NULL;
    *nout = 0;
    int in = 0;
    const char *p = text;
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        char *s = (char *)p, *e = (char *)(eol ? eol : p + strlen(p));
        p = eol ? eol + 1 : NULL;
        trim(&s, &e);
        if (s == e || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            in = (e - s == 17 && strncmp(s, "[console_scripts]", 17) == 0)
                 || (e - s == 13 && strncmp(s, "[gui_scripts]", 13) == 0);
            continue;
        }
        if (!in)
            continue;
        char *eq = memchr(s, '=', (size_t)(e - s));
        if (!eq)
            continue;
        char *ns = s, *ne = eq, *vs = eq + 1, *ve = e;
        trim(&ns, &ne);
        char *br = memchr(vs, '[', (size_t)(ve - vs));
        if (br)
            ve = br;
        trim(&vs, &ve);
        char *colon = memchr(vs, ':', (size_t)(ve - vs));
        if (!colon) {
            fail(err, errcap, "invalid script entry point '%.*s': a callable suffix is required",
                 (int)(e - s), s);
            s2n_scripts_free(*out, *nout);
            *out = NULL;
            return -1;
        }
        char *ms = vs, *me = colon, *as = colon + 1, *ae = ve;
        trim(&ms, &me);
        trim(&as, &ae);
        if (add_script(out, nout, ns, (size_t)(ne - ns), ms, (size_t)(me - ms), as,
                       (size_t)(ae - as)) != 0)
            return fail(err, errcap, "out of memory");
    }
    return 0;
}

static int name_is(const char *s, const char *base, const char *suffix_re)
{
    size_t bl = strlen(base);
    if (strncmp(s, base, bl) != 0)
        return 0;
    s += bl;
    if (!*s)
        return 1;
    if (strcmp(suffix_re, "pip") == 0) { /* (\d+(\.\d+)?)? */
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
        if (*s == '.' && isdigit((unsigned char)s[1])) {
            s++;
            while (isdigit((unsigned char)*s))
                s++;
        }
        return *s == '\0';
    }
    /* easy_install: (-\d+\.\d+)? */
    if (*s++ != '-' || !isdigit((unsigned char)*s))
        return 0;
    while (isdigit((unsigned char)*s))
        s++;
    if (*s++ != '.' || !isdigit((unsigned char)*s))
        return 0;
    while (isdigit((unsigned char)*s))
        s++;
    return *s == '\0';
}

/* pip's get_console_script_specs(): pip and easy_install get versioned
 * wrappers for the target interpreter, other versioned names dropped. */
static void versioned_wrappers(s2n_script **v, size_t *n, const char *xy)
{
    const char *bases[] = {"pip", "easy_install"};
    for (int b = 0; b < 2; b++) {
        size_t at = *n;
        for (size_t i = 0; i < *n; i++)
            if (strcmp((*v)[i].name, bases[b]) == 0)
                at = i;
        if (at == *n)
            continue;
        s2n_script keep = (*v)[at];
        keep.module = strdup(keep.module);
        keep.attr = strdup(keep.attr);
        for (size_t i = 0; i < *n;) {
            if (name_is((*v)[i].name, bases[b], bases[b])) {
                free((*v)[i].name);
                free((*v)[i].module);
                free((*v)[i].attr);
                (*v)[i] = (*v)[--*n];
            } else
                i++;
        }
        char names[3][64];
        int k = 0;
        if (b == 0) {
            snprintf(names[k++], 64, "pip");
            snprintf(names[k++], 64, "pip%.*s", (int)strcspn(xy, "."), xy);
            snprintf(names[k++], 64, "pip%s", xy);
        } else {
            snprintf(names[k++], 64, "easy_install");
            snprintf(names[k++], 64, "easy_install-%s", xy);
        }
        for (int j = 0; j < k; j++)
            add_script(v, n, names[j], strlen(names[j]), keep.module, strlen(keep.module),
                       keep.attr, strlen(keep.attr));
        free(keep.module);
        free(keep.attr);
    }
}

/* distlib _build_shebang(): long or spaced interpreters use /bin/sh. */
static size_t shebang(const char *python, char *out, size_t cap)
{
    char exe[PATH_MAX + 3];
    if (strchr(python, ' '))
        snprintf(exe, sizeof exe, "\"%s\"", python);
    else
        snprintf(exe, sizeof exe, "%s", python);
    int simple = !strchr(exe, ' ') && strlen(exe) + 3 <= 127;
    int n;
    if (simple)
        n = snprintf(out, cap, "#!%s\n", exe);
    else
        n = snprintf(out, cap, "#!/bin/sh\n'''exec' %s \"$0\" \"$@\"\n' '''", exe);
    return n > 0 ? (size_t)n : 0;
}

int s2n_script_is_wrapper(const char *base, const s2n_script *s, size_t n)
{
    char m[NAME_MAX + 1];
    size_t bl = strlen(base);
    snprintf(m, sizeof m, "%s", base);
    if (bl > 4 && (strcasecmp(base + bl - 4, ".exe") == 0 || strcasecmp(base + bl - 4, ".pya") == 0))
        m[bl - 4] = '\0';
    else if (bl > 10 && strcasecmp(base + bl - 10, "-script.py") == 0)
        m[bl - 10] = '\0';
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].name, m) == 0)
            return 1;
    return 0;
}


int s2n_entry_scripts(const char *entry_points, const char *python_xy, s2n_script **out,
                      size_t *n, char *err, size_t errcap)
{
    *out = NULL;
    *n = 0;
    if (entry_points && parse_entry_points(entry_points, out, n, err, errcap) != 0)
        return -1;
    /* Versioned pip names are filtered for wrapper detection too. */
    versioned_wrappers(out, n, python_xy);
    return 0;
}

char *s2n_script_text(const s2n_script *sc, const char *python, size_t *len)
{
    char sb[PATH_MAX + 64];
    size_t sl = shebang(python, sb, sizeof sb);
    size_t il = strcspn(sc->attr, ".");
    char *text = NULL;
    int n = asprintf(&text,
                     "%.*s# -*- coding: utf-8 -*-\n"
                     "import re\n"
                     "import sys\n"
                     "from %s import %.*s\n"
                     "if __name__ == '__main__':\n"
                     "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
                     "    sys.exit(%s())\n",
                     (int)sl, sb, sc->module, (int)il, sc->attr, sc->attr);
    if (n < 0)
        return NULL;
    *len = (size_t)n;
    return text;
}

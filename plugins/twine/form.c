/*
 * Upload form fields, the way twine builds them.  pkginfo reads only the
 * headers defined for the file's Metadata-Version, takes the first value
 * of a single field ('UNKNOWN' counts as absent), all values of a list
 * field, and the message body as the description; requests_toolbelt sends
 * None as '' and expands lists into repeated fields.
 */
#include "plugins/twine/form.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int twine_meta_level(const char *mv)
{
    if (!mv)
        return 0;
    int major = 0, minor = 0;
    if (sscanf(mv, "%d.%d", &major, &minor) != 2)
        return 0;
    /* "1842981542.0" is no Metadata-Version; keep the arithmetic small */
    if (major < 0 || major > 9 || minor < 0 || minor > 9)
        return 0;
    int level = major * 10 + minor;
    if (level > 22)
        return level <= 24 ? level : 22;
    return level;
}

char *twine_fold(const char *field, const char *raw)
{
    size_t n = strlen(raw);
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    if (strcasecmp(field, "Description") == 0) {
        /* txt.strip().splitlines(), drop an 8-space indent, join '\n'. */
        const char *s = raw, *e = raw + n;
        while (s < e && isspace((unsigned char)*s))
            s++;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        int first = 1;
        while (s < e) {
            const char *nl = memchr(s, '\n', (size_t)(e - s));
            const char *le = nl ? nl : e;
            const char *ls = s;
            if (le - ls >= 8 && memcmp(ls, "        ", 8) == 0)
                ls += 8;
            if (!first)
                *o++ = '\n';
            first = 0;
            size_t len = (size_t)(le - ls);
            if (len && ls[len - 1] == '\r')
                len--;
            memcpy(o, ls, len);
            o += len;
            s = nl ? nl + 1 : e;
        }
    } else {
        /* ' '.join(x.strip() for x in txt.splitlines()) */
        const char *s = raw, *e = raw + n;
        int first = 1;
        do {
            const char *nl = memchr(s, '\n', (size_t)(e - s));
            const char *le = nl ? nl : e;
            const char *a = s, *b = le;
            while (a < b && isspace((unsigned char)*a))
                a++;
            while (b > a && isspace((unsigned char)b[-1]))
                b--;
            if (!first)
                *o++ = ' ';
            first = 0;
            memcpy(o, a, (size_t)(b - a));
            o += b - a;
            s = nl ? nl + 1 : e;
        } while (s < e);
    }
    *o = '\0';
    return out;
}

static int add(twine_form *f, const char *name, char *value)
{
    if (!value)
        return -1;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 48;
        s2n_form_field *nf = realloc(f->fields, cap * sizeof *nf);
        if (!nf) {
            free(value);
            return -1;
        }
        f->fields = nf;
        f->cap = cap;
    }
    f->fields[f->n].name = name;
    f->fields[f->n].value = value;
    f->n++;
    return 0;
}

/* A single-valued field: first value folded; '' when absent, not read
 * at this metadata level, or "UNKNOWN". */
static int single(twine_form *f, const s2n_coremeta *m, int level, const char *form_name,
                  const char *header, int since)
{
    const char *raw = level >= since ? s2n_coremeta_get(m, header) : NULL;
    char *v = raw ? twine_fold(header, raw) : strdup("");
    if (v && strcmp(v, "UNKNOWN") == 0) {
        free(v);
        v = strdup("");
    }
    return add(f, form_name, v);
}

/* A list field: every value folded, repeated; nothing when absent. */
static int multi(twine_form *f, const s2n_coremeta *m, int level, const char *form_name,
                 const char *header, int since)
{
    if (level < since)
        return 0;
    const char *raw;
    for (size_t i = 0; (raw = s2n_coremeta_get_nth(m, header, i)); i++)
        if (add(f, form_name, twine_fold(header, raw)) != 0)
            return -1;
    return 0;
}

/* pkg_resources.safe_name: runs of [^A-Za-z0-9.] become '-'. */
static char *safe_name(const char *name)
{
    char *out = malloc(strlen(name) + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = name; *p;) {
        if (isalnum((unsigned char)*p) || *p == '.') {
            *o++ = *p++;
            continue;
        }
        *o++ = '-';
        while (*p && !(isalnum((unsigned char)*p) || *p == '.'))
            p++;
    }
    *o = '\0';
    return out;
}

/*
 * twine 4.0.2 sends wheel_file_re's "pyver" group (twine/wheel.py), or
 * "any" when the name does not match:
 *
 *   ^(?P<name>.+?)(-(?P<ver>\d.+?))?((-(?P<build>\d.*?))?
 *    -(?P<pyver>.+?)-(?P<abi>.+?)-(?P<plat>.+?)\.whl|\.dist-info)$
 *
 * For invalid names the lazy groups give surprising answers
 * ("foo-bar-1.0-py3-none-any.whl" sends "bar"), and the form must be
 * twine's, so this walks the alternatives in the order Python's
 * backtracking tries them.  Every group but the last ends where a '-'
 * follows, so only '-' positions are tried; `.` matches no newline.
 */
typedef struct pyver_match {
    const char *s;
    size_t n;     /* the name without ".whl"               */
    int *tail;    /* per position: pyver end, -1 none, -2 unknown */
} pyver_match;

/* -(?P<pyver>.+?)-(?P<abi>.+?)-(?P<plat>.+?)$ at e (s[e] == '-'): the
 * shortest pyver after which abi and plat fit.  If the first possible
 * abi end fails for the first pyver end, every later one fails too. */
static int pm_tail(pyver_match *m, size_t e)
{
    if (m->tail[e] != -2)
        return m->tail[e];
    int r = -1;
    for (size_t f = e + 2; f < m->n && r < 0; f++) {
        if (m->s[f] != '-')
            continue;
        for (size_t g = f + 2; g + 1 < m->n; g++)
            if (m->s[g] == '-') {
                r = (int)f;
                break;
            }
        break;
    }
    m->tail[e] = r;
    return r;
}

/* (-(?P<build>\d.*?))? then the tail, at c (s[c] == '-'). */
static int pm_after_ver(pyver_match *m, size_t c, size_t *pe)
{
    if (c + 1 < m->n && isdigit((unsigned char)m->s[c + 1]))
        for (size_t d = c + 2; d < m->n; d++)
            if (m->s[d] == '-' && pm_tail(m, d) >= 0) {
                *pe = d;
                return pm_tail(m, d);
            }
    *pe = c;
    return pm_tail(m, c);
}

static char *wheel_pyver(const char *file_name)
{
    const char *base = strrchr(file_name, '/');
    base = base ? base + 1 : file_name;
    size_t n = strlen(base);
    if (n < 4 || strcmp(base + n - 4, ".whl") != 0 || memchr(base, '\n', n))
        return strdup("any");
    pyver_match m = {base, n - 4, malloc((n - 4 + 1) * sizeof(int))};
    if (!m.tail)
        return NULL;
    for (size_t i = 0; i <= m.n; i++)
        m.tail[i] = -2;
    int f = -1;
    size_t e = 0;
    for (size_t a = 1; a < m.n && f < 0; a++) { /* name: shortest first */
        if (m.s[a] != '-')
            continue;
        /* (-(?P<ver>\d.+?))? : with a version first, then without */
        if (a + 1 < m.n && isdigit((unsigned char)m.s[a + 1]))
            for (size_t b = a + 3; b < m.n && f < 0; b++)
                if (m.s[b] == '-')
                    f = pm_after_ver(&m, b, &e);
        if (f < 0)
            f = pm_after_ver(&m, a, &e);
    }
    free(m.tail);
    return f < 0 ? strdup("any") : strndup(base + e + 1, (size_t)f - e - 1);
}

int twine_form_build(twine_form *f, const s2n_coremeta *m, s2n_dist_kind kind,
                     const char *file_name, const s2n_digests *d)
{
    memset(f, 0, sizeof *f);
    const char *mvraw = s2n_coremeta_get(m, "Metadata-Version");
    char *mv = mvraw ? twine_fold("Metadata-Version", mvraw) : strdup("");
    int level = twine_meta_level(mv);
    const char *nraw = s2n_coremeta_get(m, "Name");
    char *name_f = nraw ? twine_fold("Name", nraw) : strdup("");
    char hex[65];
    int rc = -1;
    if (!mv || !name_f)
        goto out;

    if (add(f, "name", safe_name(name_f)) || single(f, m, level, "version", "Version", 10) ||
        add(f, "filetype", strdup(kind == S2N_DIST_WHEEL ? "bdist_wheel" : "sdist")) ||
        add(f, "pyversion", kind == S2N_DIST_WHEEL ? wheel_pyver(file_name) : strdup("")) ||
        add(f, "metadata_version", strdup(mv)) ||
        single(f, m, level, "summary", "Summary", 10) ||
        single(f, m, level, "home_page", "Home-page", 10) ||
        single(f, m, level, "author", "Author", 10) ||
        single(f, m, level, "author_email", "Author-email", 10) ||
        single(f, m, level, "maintainer", "Maintainer", 12) ||
        single(f, m, level, "maintainer_email", "Maintainer-email", 12) ||
        single(f, m, level, "license", "License", 10))
        goto out;

    /* Description: the body wins (a wheel's body always does, even empty). */
    char *desc;
    if (kind == S2N_DIST_WHEEL || (m->body && *m->body)) {
        desc = strdup(m->body ? m->body : "");
    } else {
        const char *raw = s2n_coremeta_get(m, "Description");
        desc = raw ? twine_fold("Description", raw) : strdup("");
        if (desc && strcmp(desc, "UNKNOWN") == 0) {
            free(desc);
            desc = strdup("");
        }
    }
    if (d)
        s2n_hex(d->sha256, 32, hex);
    if (add(f, "description", desc) || single(f, m, level, "keywords", "Keywords", 10) ||
        multi(f, m, level, "platform", "Platform", 10) ||
        multi(f, m, level, "classifiers", "Classifier", 11) ||
        single(f, m, level, "download_url", "Download-URL", 11) ||
        multi(f, m, level, "supported_platform", "Supported-Platform", 10) ||
        add(f, "comment", strdup("")) || (d && add(f, "sha256_digest", strdup(hex))) ||
        multi(f, m, level, "provides", "Provides", 11) ||
        multi(f, m, level, "requires", "Requires", 11) ||
        multi(f, m, level, "obsoletes", "Obsoletes", 11) ||
        multi(f, m, level, "project_urls", "Project-URL", 12) ||
        multi(f, m, level, "provides_dist", "Provides-Dist", 12) ||
        multi(f, m, level, "obsoletes_dist", "Obsoletes-Dist", 12) ||
        multi(f, m, level, "requires_dist", "Requires-Dist", 12) ||
        multi(f, m, level, "requires_external", "Requires-External", 12) ||
        single(f, m, level, "requires_python", "Requires-Python", 12) ||
        multi(f, m, level, "provides_extras", "Provides-Extra", 21) ||
        single(f, m, level, "description_content_type", "Description-Content-Type", 21) ||
        multi(f, m, level, "dynamic", "Dynamic", 22))
        goto out;
    /* Metadata 2.4 (PEP 639), which twine 4 cannot read; the names are
     * the ones Warehouse's form takes. */
    if (level >= 24) {
        const char *le = s2n_coremeta_get(m, "License-Expression");
        if (le && add(f, "license_expression", twine_fold("License-Expression", le)))
            goto out;
        if (multi(f, m, level, "license_files", "License-File", 24))
            goto out;
    }
    if (d && (d->have & S2N_DIGEST_MD5)) {
        s2n_hex(d->md5, 16, hex);
        if (add(f, "md5_digest", strdup(hex)))
            goto out;
    }
    if (d && (d->have & S2N_DIGEST_BLAKE2)) {
        s2n_hex(d->blake2b_256, 32, hex);
        if (add(f, "blake2_256_digest", strdup(hex)))
            goto out;
    }
    if (add(f, ":action", strdup("file_upload")) ||
        add(f, "protocol_version", strdup("1")))
        goto out;
    rc = 0;
out:
    free(mv);
    free(name_f);
    if (rc != 0)
        twine_form_free(f);
    return rc;
}

void twine_form_free(twine_form *f)
{
    for (size_t i = 0; i < f->n; i++)
        free((char *)f->fields[i].value);
    free(f->fields);
    memset(f, 0, sizeof *f);
}

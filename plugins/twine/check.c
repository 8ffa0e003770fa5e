/*
 * Pre-upload metadata checks.  The long description is not rendered
 * (readme_renderer is Python); what is checked is what makes PyPI refuse
 * the upload or show an empty project page.
 */
#include "plugins/twine/check.h"

#include "plugins/common/names.h"
#include "plugins/twine/form.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const known_versions[] = {"1.0", "1.1", "1.2", "2.0", "2.1",
                                             "2.2", "2.3", "2.4", NULL};

/* text/plain, text/x-rst or text/markdown, with only the parameters PyPI
 * knows (charset=UTF-8; variant=GFM|CommonMark for markdown). */
static int content_type_ok(const char *ct, char *why, size_t cap)
{
    char *s = strdup(ct), *save = NULL;
    if (!s)
        return 0;
    int ok = 1, md = 0;
    char *tok = strtok_r(s, ";", &save);
    for (int first = 1; tok; tok = strtok_r(NULL, ";", &save), first = 0) {
        while (isspace((unsigned char)*tok))
            tok++;
        char *e = tok + strlen(tok);
        while (e > tok && isspace((unsigned char)e[-1]))
            *--e = '\0';
        if (first) {
            md = strcasecmp(tok, "text/markdown") == 0;
            if (!md && strcasecmp(tok, "text/plain") != 0 && strcasecmp(tok, "text/x-rst") != 0) {
                snprintf(why, cap, "unknown type '%s' (expected text/plain, text/x-rst or text/markdown)", tok);
                ok = 0;
                break;
            }
            continue;
        }
        char *eq = strchr(tok, '=');
        if (!eq) {
            snprintf(why, cap, "malformed parameter '%s'", tok);
            ok = 0;
            break;
        }
        *eq = '\0';
        char *key = tok, *val = eq + 1;
        while (*val == ' ' || *val == '"')
            val++;
        size_t vl = strlen(val);
        while (vl && (val[vl - 1] == '"' || val[vl - 1] == ' '))
            val[--vl] = '\0';
        if (strcasecmp(key, "charset") == 0) {
            if (strcasecmp(val, "UTF-8") != 0) {
                snprintf(why, cap, "charset must be UTF-8, not '%s'", val);
                ok = 0;
                break;
            }
        } else if (strcasecmp(key, "variant") == 0) {
            if (!md || (strcasecmp(val, "GFM") != 0 && strcasecmp(val, "CommonMark") != 0)) {
                snprintf(why, cap, "unknown variant '%s' (text/markdown takes GFM or CommonMark)", val);
                ok = 0;
                break;
            }
        } else {
            snprintf(why, cap, "unknown parameter '%s'", key);
            ok = 0;
            break;
        }
    }
    free(s);
    return ok;
}

/* The binary distribution format's file name,
 *   {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl
 * checked as Warehouse's file_upload does through packaging's
 * parse_wheel_filename (its words in parentheses): 5 or 6 '-'-separated
 * parts, a distribution part of letters, digits, '_' and '.' without
 * "__" (the escaping PEP 427 asks for), a build tag that starts with a
 * digit; and none empty, which pip's own name pattern requires.  The name
 * and version parts are compared with the metadata by the caller.
 * Warehouse's platform tag list is not mirrored: it changes over time.
 * Returns the number of parts, 0 when the name is not of this form. */
static int wheel_name_parts(const char *base, char parts[6][256], unsigned *problems,
                            twine_report_fn report, void *ud, const char *file)
{
    static const char *const what6[] = {"distribution", "version", "build tag",
                                        "python tag", "abi tag", "platform tag"};
    static const char *const what5[] = {"distribution", "version", "python tag", "abi tag",
                                        "platform tag"};
    char msg[768];
    size_t n = strlen(base) - 4; /* ".whl" */
    int np = 1;
    for (size_t i = 0; i < n; i++)
        np += base[i] == '-';
    if (np != 5 && np != 6) {
        snprintf(msg, sizeof msg,
                 "invalid wheel file name (wrong number of parts): %d '-'-separated parts, "
                 "expected 5 or 6: {distribution}-{version}(-{build tag})?-{python tag}-"
                 "{abi tag}-{platform tag}.whl",
                 np);
        report(ud, file, msg);
        ++*problems;
        return 0;
    }
    const char *p = base;
    for (int k = 0; k < np; k++) {
        const char *e = memchr(p, '-', (size_t)(base + n - p));
        if (!e)
            e = base + n;
        snprintf(parts[k], 256, "%.*s", (int)(e - p), p);
        p = e + 1;
    }
    int ok = 1;
    for (int k = 0; k < np; k++)
        if (!parts[k][0]) {
            snprintf(msg, sizeof msg, "invalid wheel file name: the %s part is empty",
                     (np == 6 ? what6 : what5)[k]);
            report(ud, file, msg);
            ++*problems;
            ok = 0;
        }
    int name_ok = !strstr(parts[0], "__");
    for (const char *c = parts[0]; *c; c++)
        name_ok &= isalnum((unsigned char)*c) || *c == '_' || *c == '.';
    if (!name_ok) {
        snprintf(msg, sizeof msg,
                 "invalid wheel file name (invalid project name): the distribution part '%.255s' "
                 "may hold only letters, digits, '_' and '.', and no '__'",
                 parts[0]);
        report(ud, file, msg);
        ++*problems;
        ok = 0;
    }
    if (np == 6 && parts[2][0] && !isdigit((unsigned char)parts[2][0])) {
        snprintf(msg, sizeof msg,
                 "invalid wheel file name (invalid build number): the build tag '%.255s' must start "
                 "with a digit",
                 parts[2]);
        report(ud, file, msg);
        ++*problems;
    }
    return ok ? np : 0;
}

/* Name and version parts of a distribution file name: for a wheel after
 * wheel_name_parts said it is well formed, for an sdist
 * NAME-VERSION.tar.gz (or .zip) split at the last '-'. */
static int split_file_name(const char *file, s2n_dist_kind kind, char *name, size_t ncap,
                           char *ver, size_t vcap, unsigned *problems, twine_report_fn report,
                           void *ud)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (kind == S2N_DIST_WHEEL) {
        char parts[6][256];
        if (n < 4 || wheel_name_parts(base, parts, problems, report, ud, file) == 0)
            return 1; /* reported */
        snprintf(name, ncap, "%s", parts[0]);
        snprintf(ver, vcap, "%s", parts[1]);
        return 0;
    }
    size_t ext = n > 4 && strcmp(base + n - 4, ".zip") == 0 ? 4 : 7;
    if (n <= ext)
        return -1;
    n -= ext;
    /* sdist: the version starts after the last '-' (names may hold '-'). */
    const char *d = NULL;
    for (const char *p = base; p < base + n; p++)
        if (*p == '-')
            d = p;
    if (!d)
        return -1;
    snprintf(name, ncap, "%.*s", (int)(d - base), base);
    snprintf(ver, vcap, "%.*s", (int)(base + n - d - 1), d + 1);
    return 0;
}

unsigned twine_check(const s2n_coremeta *m, s2n_dist_kind kind, const char *file,
                     twine_report_fn report, twine_report_fn warn, void *ud)
{
    unsigned problems = 0;
    char msg[512];
#define PROBLEM(...)                                \
    do {                                            \
        snprintf(msg, sizeof msg, __VA_ARGS__);     \
        report(ud, file, msg);                      \
        problems++;                                 \
    } while (0)

    const char *mv = s2n_coremeta_get(m, "Metadata-Version");
    if (!mv || !*mv) {
        PROBLEM("missing required field Metadata-Version");
    } else {
        int known = 0;
        for (size_t i = 0; known_versions[i]; i++)
            known |= strcmp(mv, known_versions[i]) == 0;
        if (!known)
            PROBLEM("unknown Metadata-Version '%s' (expected 1.0 to 2.4)", mv);
    }
    const char *name = s2n_coremeta_get(m, "Name");
    const char *version = s2n_coremeta_get(m, "Version");
    char vnorm[256] = "";
    if (!name || !*name)
        PROBLEM("missing required field Name");
    else if (!s2n_name_valid(name))
        PROBLEM("Name '%s' is not a valid project name (PEP 508: letters, digits, and . _ - inside)", name);
    if (!version || !*version)
        PROBLEM("missing required field Version");
    else if (s2n_version_normalize(version, vnorm, sizeof vnorm) != 0)
        PROBLEM("Version '%s' is not a valid PEP 440 version", version);

    /* The file name must carry the same project and version (PyPI checks). */
    char fname[256], fver[256];
    int split = split_file_name(file, kind, fname, sizeof fname, fver, sizeof fver, &problems,
                                report, ud);
    if (split < 0) {
        PROBLEM("the file name does not have the form NAME-VERSION.tar.gz");
    } else if (split == 0 && name && *name && s2n_name_valid(name)) {
        char a[256], b[256], fv[256];
        s2n_name_normalize(name, a, sizeof a);
        s2n_name_normalize(fname, b, sizeof b);
        if (strcmp(a, b) != 0)
            PROBLEM("the file name is for project '%s' but the metadata says '%s'", fname, name);
        /* Equal as PEP 440 versions, as Warehouse compares them: the
         * release 1.0 takes a file named 1.0.0. */
        else if (*vnorm && (s2n_version_normalize(fver, fv, sizeof fv) != 0 ||
                            s2n_version_compare(fv, vnorm) != 0))
            PROBLEM("the file name is for version '%s' but the metadata says '%s'", fver, version);
        else if (warn && *vnorm) {
            /* PyPI refuses new uploads whose names are not normalized
             * (PEP 491/625); other indexes take them, so only warn. */
            char want[256];
            s2n_name_filename(name, want, sizeof want);
            if (strcmp(fname, want) != 0 || strcmp(fver, vnorm) != 0) {
                char w[600];
                snprintf(w, sizeof w,
                         "the file name is not normalized (expected '%s-%s%s'); PyPI refuses such new uploads",
                         want, vnorm, kind == S2N_DIST_WHEEL ? "-..." : ".tar.gz");
                warn(ud, file, w);
            }
        }
    }

    const char *ct = s2n_coremeta_get(m, "Description-Content-Type");
    char why[256];
    if (ct && !content_type_ok(ct, why, sizeof why))
        PROBLEM("Description-Content-Type '%s': %s", ct, why);
    else if (!ct && warn)
        warn(ud, file, "Description-Content-Type missing: PyPI renders the description as reStructuredText");

    const char *desc = m->body;
    int empty = 1;
    if (desc) {
        for (const char *p = desc; *p; p++)
            if (!isspace((unsigned char)*p)) {
                empty = 0;
                break;
            }
    }
    if (empty) {
        const char *raw = s2n_coremeta_get(m, "Description");
        char *d = raw ? twine_fold("Description", raw) : NULL;
        empty = !d || !*d || strcmp(d, "UNKNOWN") == 0;
        free(d);
    }
    if (empty)
        PROBLEM("the long description is missing or empty (set readme / long_description)");
#undef PROBLEM
    return problems;
}

/*
 * Reading the core metadata out of a wheel (ZIP) or an sdist (tar.gz)
 * with libarchive.  The archive comes from elsewhere (a build, a download),
 * so every member header is checked before we trust the archive at all:
 * no absolute paths, no `..`, no drive letters, no backslashes, valid
 * UTF-8 names, no duplicates, no links leaving the tree, and bounded
 * member count, member size and compression ratio (zip bombs).  Only the
 * one metadata member is ever decompressed, and only up to a cap.
 */
#include "plugins/common/distread.h"

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Limits: generous for real packages, refusing absurd ones. */
#define MAX_MEMBERS 200000u
#define MAX_METADATA (16u << 20)           /* METADATA / PKG-INFO bytes   */
#define MAX_TOTAL ((uint64_t)8 << 30)      /* declared expanded size      */
#define MAX_RATIO 200u                     /* expanded / archive size     */

static void set_err(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || cap == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

s2n_dist_kind s2n_dist_kind_of(const char *path)
{
    if (!path)
        return S2N_DIST_UNKNOWN;
    if (ends_with(path, ".whl"))
        return S2N_DIST_WHEEL;
    if (ends_with(path, ".tar.gz"))
        return S2N_DIST_SDIST;
    return S2N_DIST_UNKNOWN;
}

static int valid_utf8(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s, n;
        if (c < 0x80) {
            s++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            n = 1;
        else if (c >= 0xe0 && c <= 0xef)
            n = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 3;
        else
            return 0;
        for (unsigned k = 1; k <= n; k++)
            if ((s[k] & 0xc0) != 0x80)
                return 0;
        s += n + 1;
    }
    return 1;
}

/* NULL when the member name is acceptable, else why not. */
static const char *bad_name(const char *name)
{
    if (!name || !*name)
        return "empty member name";
    if (!valid_utf8((const unsigned char *)name))
        return "member name is not valid UTF-8";
    if (name[0] == '/')
        return "absolute member path";
    if (strchr(name, '\\'))
        return "backslash in member path";
    if (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':')
        return "drive letter in member path";
    for (const char *p = name; *p;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return "'..' in member path";
        p += n;
        if (*p == '/')
            p++;
    }
    return NULL;
}

/* A link target must stay inside the tree: relative, no climbing above
 * the member's own folder depth. */
static int link_escapes(const char *member, const char *target)
{
    if (!target || target[0] == '/')
        return 1;
    int depth = 0;
    for (const char *p = member; (p = strchr(p, '/')); p++)
        depth++;
    for (const char *p = target; *p;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return 1;
        } else if (n && !(n == 1 && p[0] == '.')) {
            depth++;
        }
        p += n;
        if (*p == '/')
            p++;
    }
    return 0;
}

/* Is `name` the metadata member for this kind?  Wheel: "<x>.dist-info/METADATA"
 * at the top; sdist: "<top>/PKG-INFO". */
static int is_metadata_member(s2n_dist_kind kind, const char *name)
{
    const char *slash = strchr(name, '/');
    if (!slash || slash == name || strchr(slash + 1, '/'))
        return 0;
    if (kind == S2N_DIST_WHEEL) {
        size_t dlen = (size_t)(slash - name);
        return dlen > 10 && memcmp(slash - 10, ".dist-info", 10) == 0 &&
               strcmp(slash + 1, "METADATA") == 0;
    }
    return strcmp(slash + 1, "PKG-INFO") == 0;
}

/* Names seen so far, for the duplicate check (sorted insert would be
 * nicer; a hash set keeps it linear for big wheels). */
typedef struct {
    char **slot;
    size_t cap, count;
} nameset;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* 1 when added, 0 when already there, -1 on OOM. */
static int nameset_add(nameset *ns, const char *name)
{
    if ((ns->count + 1) * 2 > ns->cap) {
        size_t ncap = ns->cap ? ns->cap * 2 : 256;
        char **slot = calloc(ncap, sizeof *slot);
        if (!slot)
            return -1;
        for (size_t i = 0; i < ns->cap; i++)
            if (ns->slot[i]) {
                size_t j = fnv1a(ns->slot[i]) & (ncap - 1);
                while (slot[j])
                    j = (j + 1) & (ncap - 1);
                slot[j] = ns->slot[i];
            }
        free(ns->slot);
        ns->slot = slot;
        ns->cap = ncap;
    }
    size_t j = fnv1a(name) & (ns->cap - 1);
    while (ns->slot[j]) {
        if (strcmp(ns->slot[j], name) == 0)
            return 0;
        j = (j + 1) & (ns->cap - 1);
    }
    if (!(ns->slot[j] = strdup(name)))
        return -1;
    ns->count++;
    return 1;
}

static void nameset_free(nameset *ns)
{
    for (size_t i = 0; i < ns->cap; i++)
        free(ns->slot[i]);
    free(ns->slot);
}

static char *read_member(struct archive *a, const char *name, size_t *len, char *err, size_t errcap)
{
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        set_err(err, errcap, "out of memory");
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_METADATA) {
                set_err(err, errcap, "%s is larger than %u bytes", name, MAX_METADATA);
                free(buf);
                return NULL;
            }
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                set_err(err, errcap, "out of memory");
                return NULL;
            }
            buf = nb;
        }
        la_ssize_t r = archive_read_data(a, buf + n, cap - n);
        if (r < 0) {
            set_err(err, errcap, "%s: %s", name, archive_error_string(a));
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *s2n_dist_read_metadata(const char *path, size_t *len, char *err, size_t errcap)
{
    s2n_dist_kind kind = s2n_dist_kind_of(path);
    if (kind == S2N_DIST_UNKNOWN) {
        set_err(err, errcap, "%s: not a wheel (.whl) or an sdist (.tar.gz)", path);
        return NULL;
    }
    struct stat sb;
    if (stat(path, &sb) != 0) {
        set_err(err, errcap, "%s: %m", path);
        return NULL;
    }
    /* libarchive converts names through the locale; without a UTF-8 one
     * it can fail (or crash in pax conversion) on non-ASCII names. */
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old = utf8 ? uselocale(utf8) : (locale_t)0;

    struct archive *a = archive_read_new();
    if (kind == S2N_DIST_WHEEL) {
        archive_read_support_format_zip_seekable(a);
    } else {
        archive_read_support_filter_gzip(a);
        archive_read_support_format_tar(a);
    }
    char *meta = NULL, *found_name = NULL;
    size_t meta_len = 0;
    nameset seen = {0};
    uint64_t total = 0;
    unsigned members = 0;
    int ok = 0;

    if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
        set_err(err, errcap, "%s: %s", path, archive_error_string(a));
        goto out;
    }
    for (;;) {
        struct archive_entry *e;
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            set_err(err, errcap, "%s: %s", path, archive_error_string(a));
            goto out;
        }
        const char *name = archive_entry_pathname_utf8(e);
        if (!name)
            name = archive_entry_pathname(e);
        const char *why = bad_name(name);
        if (why) {
            set_err(err, errcap, "%s: refusing archive: %s: '%s'", path, why, name ? name : "");
            goto out;
        }
        if (++members > MAX_MEMBERS) {
            set_err(err, errcap, "%s: refusing archive: more than %u members", path, MAX_MEMBERS);
            goto out;
        }
        int added = nameset_add(&seen, name);
        if (added < 0) {
            set_err(err, errcap, "out of memory");
            goto out;
        }
        if (added == 0) {
            set_err(err, errcap, "%s: refusing archive: duplicate member '%s'", path, name);
            goto out;
        }
        const char *sym = archive_entry_symlink(e), *hard = archive_entry_hardlink(e);
        if ((sym && link_escapes(name, sym)) || (hard && bad_name(hard))) {
            set_err(err, errcap, "%s: refusing archive: link '%s' points outside the tree", path, name);
            goto out;
        }
        if (archive_entry_size_is_set(e)) {
            int64_t sz = archive_entry_size(e);
            if (sz > 0)
                total += (uint64_t)sz;
            if (total > MAX_TOTAL ||
                (total > (64u << 20) && total / MAX_RATIO > (uint64_t)sb.st_size)) {
                set_err(err, errcap,
                        "%s: refusing archive: expands to an absurd size (%llu bytes from %lld)",
                        path, (unsigned long long)total, (long long)sb.st_size);
                goto out;
            }
        }
        if (archive_entry_filetype(e) == AE_IFREG && is_metadata_member(kind, name)) {
            if (meta) {
                set_err(err, errcap, "%s: more than one metadata file ('%s' and '%s')", path,
                        found_name, name);
                goto out;
            }
            if (archive_entry_size_is_set(e) && archive_entry_size(e) > (int64_t)MAX_METADATA) {
                set_err(err, errcap, "%s: %s is larger than %u bytes", path, name, MAX_METADATA);
                goto out;
            }
            if (!(meta = read_member(a, name, &meta_len, err, errcap)))
                goto out;
            found_name = strdup(name);
        }
    }
    if (!meta) {
        set_err(err, errcap, "%s: no %s found", path,
                kind == S2N_DIST_WHEEL ? "*.dist-info/METADATA" : "<top>/PKG-INFO");
        goto out;
    }
    ok = 1;
out:
    archive_read_free(a);
    nameset_free(&seen);
    free(found_name);
    if (utf8) {
        uselocale(old);
        freelocale(utf8);
    }
    if (!ok) {
        free(meta);
        return NULL;
    }
    if (len)
        *len = meta_len;
    return meta;
}

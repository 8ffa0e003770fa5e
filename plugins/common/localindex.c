/*
 * Local PEP 503/691/658 index writer.  The project's index.json is the
 * record of what the project holds; index.html is regenerated from it on
 * every change, and the root pages from the list of project folders.
 */
#include "plugins/common/localindex.h"

#include "plugins/common/hash.h"
#include "plugins/common/names.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_err(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || !cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", a, b);
    return p;
}

static int mkdir_p(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    int rc = mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

/* One publish is one change of the index: every file it writes goes to
 * a temporary name first, and only when all of them are written (a full
 * disk fails here) are they renamed into place, files before the pages
 * that link to them.  A failed publish leaves the index as it was. */
#define MAX_STAGED 8
typedef struct staged {
    char *tmp[MAX_STAGED], *dst[MAX_STAGED];
    int n;
} staged;

static int staged_add(staged *s, char *tmp, const char *dst, char *err, size_t errcap)
{
    char *d = s->n < MAX_STAGED ? strdup(dst) : NULL;
    if (!d) {
        set_err(err, errcap, "out of memory");
        unlink(tmp);
        free(tmp);
        return -1;
    }
    s->tmp[s->n] = tmp;
    s->dst[s->n++] = d;
    return 0;
}

static void staged_abort(staged *s)
{
    for (int i = 0; i < s->n; i++) {
        unlink(s->tmp[i]);
        free(s->tmp[i]);
        free(s->dst[i]);
    }
    s->n = 0;
}

static int staged_commit(staged *s, char *err, size_t errcap)
{
    int rc = 0;
    for (int i = 0; i < s->n; i++) {
        if (rc == 0 && rename(s->tmp[i], s->dst[i]) != 0) {
            set_err(err, errcap, "%s: %s", s->dst[i], strerror(errno));
            rc = -1;
        }
        if (rc != 0)
            unlink(s->tmp[i]);
        free(s->tmp[i]);
        free(s->dst[i]);
    }
    s->n = 0;
    return rc;
}

/* Write `len` bytes to `path` atomically: a temp file beside it, fsync,
 * rename.  Readers see the old file or the new one, never a mix.  With
 * `s`, the rename waits for staged_commit. */
static int write_atomic(const char *path, const void *data, size_t len, staged *s, char *err,
                        size_t errcap)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        set_err(err, errcap, "out of memory");
        return -1;
    }
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        set_err(err, errcap, "%s: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            goto fail;
        p += w;
        left -= (size_t)w;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (s)
        return staged_add(s, tmp, path, err, errcap);
    if (rename(tmp, path) != 0)
        goto fail;
    free(tmp);
    return 0;
fail:
    set_err(err, errcap, "%s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return -1;
}

/* Copy a distribution into the index (temp + rename). */
static int copy_atomic(const char *src, const char *dst, staged *s, char *err, size_t errcap)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        set_err(err, errcap, "%s: %s", src, strerror(errno));
        return -1;
    }
    size_t n = strlen(dst) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        close(in);
        set_err(err, errcap, "out of memory");
        return -1;
    }
    snprintf(tmp, n, "%s.tmpXXXXXX", dst);
    int out = mkstemp(tmp);
    if (out < 0) {
        set_err(err, errcap, "%s: %s", dst, strerror(errno));
        goto fail_nofd;
    }
    static __thread char buf[1 << 16];
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            set_err(err, errcap, "%s: %s", src, strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        for (ssize_t off = 0; off < r;) {
            ssize_t w = write(out, buf + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                set_err(err, errcap, "%s: %s", dst, strerror(errno));
                goto fail;
            }
            off += w;
        }
    }
    if (fchmod(out, 0644) != 0 || fsync(out) != 0 || close(out) != 0) {
        out = -1;
        set_err(err, errcap, "%s: %s", dst, strerror(errno));
        goto fail;
    }
    out = -1;
    if (s) {
        close(in);
        return staged_add(s, tmp, dst, err, errcap);
    }
    if (rename(tmp, dst) != 0) {
        set_err(err, errcap, "%s: %s", dst, strerror(errno));
        goto fail;
    }
    close(in);
    free(tmp);
    return 0;
fail:
    if (out >= 0)
        close(out);
    unlink(tmp);
fail_nofd:
    close(in);
    free(tmp);
    return -1;
}

/* HTML-escape into a growing buffer. */
typedef struct {
    char *s;
    size_t len, cap;
    int oom;
} buf_t;

static void b_add(buf_t *b, const char *p, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void b_str(buf_t *b, const char *s)
{
    b_add(b, s, strlen(s));
}

static void b_esc(buf_t *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': b_str(b, "&amp;"); break;
        case '<': b_str(b, "&lt;"); break;
        case '>': b_str(b, "&gt;"); break;
        case '"': b_str(b, "&quot;"); break;
        case '\'': b_str(b, "&#x27;"); break;
        default: b_add(b, s, 1);
        }
    }
}

/* Percent-encode a file name for use in a URL (PEP 503 links). */
static void b_url(buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-_.~+!", c)) {
            b_add(b, s, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            b_add(b, e, 3);
        }
    }
}

static const char *json_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_t *load_json(const char *path, char *err, size_t errcap)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j && access(path, F_OK) == 0)
        set_err(err, errcap, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    return j;
}

static int write_project_pages(const char *pdir, const char *project, json_t *doc, staged *s,
                               char *err, size_t errcap)
{
    json_t *files = json_object_get(doc, "files");
    buf_t h = {0};
    b_str(&h, "<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" "
              "content=\"1.0\">\n<title>Links for ");
    b_esc(&h, project);
    b_str(&h, "</title>\n</head>\n<body>\n<h1>Links for ");
    b_esc(&h, project);
    b_str(&h, "</h1>\n");
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        const char *fn = json_str(f, "filename");
        const char *sha = json_string_value(json_object_get(json_object_get(f, "hashes"), "sha256"));
        const char *rp = json_str(f, "requires-python");
        json_t *cm = json_object_get(f, "core-metadata");
        b_str(&h, "<a href=\"");
        b_url(&h, fn);
        b_str(&h, "#sha256=");
        b_str(&h, sha ? sha : "");
        b_str(&h, "\"");
        if (rp) {
            b_str(&h, " data-requires-python=\"");
            b_esc(&h, rp);
            b_str(&h, "\"");
        }
        if (json_is_object(cm)) {
            /* PEP 714's name, plus PEP 658's original one for pip < 23.2. */
            const char *ms = json_str(cm, "sha256");
            b_str(&h, " data-core-metadata=\"sha256=");
            b_str(&h, ms ? ms : "");
            b_str(&h, "\" data-dist-info-metadata=\"sha256=");
            b_str(&h, ms ? ms : "");
            b_str(&h, "\"");
        }
        b_str(&h, ">");
        b_esc(&h, fn);
        b_str(&h, "</a><br/>\n");
    }
    b_str(&h, "</body>\n</html>\n");
    char *jtext = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);
    char *jp = path_join(pdir, "index.json"), *hp = path_join(pdir, "index.html");
    int rc = -1;
    if (h.oom || !jtext || !jp || !hp)
        set_err(err, errcap, "out of memory");
    else if (write_atomic(jp, jtext, strlen(jtext), s, err, errcap) == 0 &&
             write_atomic(hp, h.s, h.len, s, err, errcap) == 0)
        rc = 0;
    free(jtext);
    free(jp);
    free(hp);
    free(h.s);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Root pages from the project folders that have an index.json, and
 * `adding` (a project whose index.json is still staged). */
static int write_root_pages(const char *simple, const char *adding, staged *s, char *err,
                            size_t errcap)
{
    DIR *d = opendir(simple);
    if (!d) {
        set_err(err, errcap, "%s: %s", simple, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = -1;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char *pd = path_join(simple, de->d_name);
        char *pj = pd ? path_join(pd, "index.json") : NULL;
        int has = pj && (access(pj, F_OK) == 0 || (adding && strcmp(de->d_name, adding) == 0));
        free(pd);
        free(pj);
        if (!has)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                goto out;
            names = nn;
        }
        if (!(names[n] = strdup(de->d_name)))
            goto out;
        n++;
    }
    qsort(names, n, sizeof *names, cmp_str);
    buf_t h = {0};
    json_t *projects = json_array();
    b_str(&h, "<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" "
              "content=\"1.0\">\n<title>Simple index</title>\n</head>\n<body>\n");
    for (size_t i = 0; i < n; i++) {
        b_str(&h, "<a href=\"");
        b_url(&h, names[i]);
        b_str(&h, "/\">");
        b_esc(&h, names[i]);
        b_str(&h, "</a><br/>\n");
        json_array_append_new(projects, json_pack("{s:s}", "name", names[i]));
    }
    b_str(&h, "</body>\n</html>\n");
    json_t *doc = json_pack("{s:{s:s},s:o}", "meta", "api-version", "1.0", "projects", projects);
    char *jtext = doc ? json_dumps(doc, JSON_INDENT(1)) : NULL;
    char *jp = path_join(simple, "index.json"), *hp = path_join(simple, "index.html");
    if (h.oom || !jtext || !jp || !hp)
        set_err(err, errcap, "out of memory");
    else if (write_atomic(jp, jtext, strlen(jtext), s, err, errcap) == 0 &&
             write_atomic(hp, h.s, h.len, s, err, errcap) == 0)
        rc = 0;
    json_decref(doc);
    free(jtext);
    free(jp);
    free(hp);
    free(h.s);
out:
    closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc < 0 && err && !*err)
        set_err(err, errcap, "out of memory");
    return rc;
}

static json_t *find_file(json_t *doc, const char *filename)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(doc, "files"), i, f)
    {
        const char *fn = json_str(f, "filename");
        if (fn && strcmp(fn, filename) == 0)
            return f;
    }
    return NULL;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int cmp_files(const void *a, const void *b)
{
    return strcmp(json_str(*(json_t *const *)a, "filename"), json_str(*(json_t *const *)b, "filename"));
}

/* Keep files sorted by name: stable pages, stable diffs. */
/* Files in name order; entries an older s2nbuild wrote lose the JSON key
 * PEP 714 retired (see publish below). */
static void sort_files(json_t *doc)
{
    json_t *files = json_object_get(doc, "files");
    size_t n = json_array_size(files);
    for (size_t i = 0; i < n; i++)
        json_object_del(json_array_get(files, i), "dist-info-metadata");
    json_t **v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(files, i));
    qsort(v, n, sizeof *v, cmp_files);
    json_array_clear(files);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(files, v[i]);
    free(v);
}

/* The release an sdist file name is for: "<name>-<version>.tar.gz" or
 * ".zip", where <name> normalizes to the project's `norm`.  The split is
 * the first '-' after which the prefix is the project, so legacy names
 * with dashes ("s2n-demo-1.2.0.tar.gz") read right.  0 and the version
 * in `ver`; -1 when the name is no sdist of this project. */
static int sdist_version(const char *fname, const char *norm, char *ver, size_t cap)
{
    size_t n = strlen(fname), ext;
    if (n > 7 && strcasecmp(fname + n - 7, ".tar.gz") == 0)
        ext = 7;
    else if (n > 4 && strcasecmp(fname + n - 4, ".zip") == 0)
        ext = 4;
    else
        return -1;
    size_t stem = n - ext;
    for (size_t i = 1; i + 1 < stem; i++) {
        if (fname[i] != '-')
            continue;
        char prefix[256], pn[256];
        if (i >= sizeof prefix)
            return -1;
        memcpy(prefix, fname, i);
        prefix[i] = '\0';
        if (s2n_name_normalize(prefix, pn, sizeof pn) < sizeof pn && strcmp(pn, norm) == 0) {
            if (stem - i - 1 >= cap)
                return -1;
            memcpy(ver, fname + i + 1, stem - i - 1);
            ver[stem - i - 1] = '\0';
            return 0;
        }
    }
    return -1;
}

/* One release on PyPI is one PEP 440 version: "1.2" and "1.2.0" are the
 * same (Warehouse looks releases up by canonical version).  Versions
 * that are not PEP 440 match only themselves. */
static int same_release(const char *a, const char *b)
{
    char na[256], nb[256];
    if (s2n_version_normalize(a, na, sizeof na) == 0 && s2n_version_normalize(b, nb, sizeof nb) == 0)
        return s2n_version_compare(na, nb) == 0;
    return strcmp(a, b) == 0;
}

/* PyPI's rule: one sdist per release, whatever its file name or format
 * (.tar.gz and .zip alike).  Returns the file already there, or NULL. */
static const char *other_sdist_of_release(json_t *doc, const char *fname, const char *norm,
                                          char *ver, size_t cap)
{
    if (sdist_version(fname, norm, ver, cap) != 0)
        return NULL;
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(doc, "files"), i, f)
    {
        const char *fn = json_str(f, "filename");
        char over[256];
        if (fn && strcmp(fn, fname) != 0 && sdist_version(fn, norm, over, sizeof over) == 0 &&
            same_release(ver, over))
            return fn;
    }
    return NULL;
}

s2n_li_result s2n_localindex_publish(const char *dir, const s2n_li_file *file, int skip_existing,
                                     char *existing_sha256, char *err, size_t errcap)
{
    char norm[256];
    if (existing_sha256)
        existing_sha256[0] = '\0';
    if (!s2n_name_valid(file->project) ||
        s2n_name_normalize(file->project, norm, sizeof norm) >= sizeof norm) {
        set_err(err, errcap, "'%s' is not a valid project name", file->project);
        return S2N_LI_ERROR;
    }
    const char *fname = base_name(file->path);
    if (!*fname || fname[0] == '.' || strchr(fname, '\\')) {
        set_err(err, errcap, "'%s' is not a usable file name", fname);
        return S2N_LI_ERROR;
    }
    char sha[65];
    if (file->sha256) {
        snprintf(sha, sizeof sha, "%s", file->sha256);
    } else {
        uint8_t raw[32];
        if (s2n_sha256_file(file->path, raw, NULL) != 0) {
            set_err(err, errcap, "%s: %s", file->path, strerror(errno));
            return S2N_LI_ERROR;
        }
        s2n_hex(raw, 32, sha);
    }

    s2n_li_result result = S2N_LI_ERROR;
    char *simple = path_join(dir, "simple"), *pdir = NULL, *lockp = path_join(dir, ".lock");
    char *jpath = NULL, *dest = NULL, *mdest = NULL;
    json_t *doc = NULL;
    int lockfd = -1, made_pdir = 0;
    staged st = {0};
    if (!simple || !lockp) {
        set_err(err, errcap, "out of memory");
        goto out;
    }
    pdir = path_join(simple, norm);
    made_pdir = pdir && access(pdir, F_OK) != 0;
    if (!pdir || mkdir_p(pdir) != 0) {
        set_err(err, errcap, "%s: %s", pdir ? pdir : dir, strerror(errno));
        goto out;
    }
    lockfd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lockfd < 0 || flock(lockfd, LOCK_EX) != 0) {
        set_err(err, errcap, "%s: cannot lock: %s", lockp, strerror(errno));
        goto out;
    }
    jpath = path_join(pdir, "index.json");
    dest = path_join(pdir, fname);
    if (!jpath || !dest) {
        set_err(err, errcap, "out of memory");
        goto out;
    }
    if (err)
        err[0] = '\0';
    doc = load_json(jpath, err, errcap);
    if (!doc) {
        if (err && *err)
            goto out;
        doc = json_pack("{s:{s:s},s:s,s:[]}", "meta", "api-version", "1.0", "name", norm, "files");
    }
    json_t *old = find_file(doc, fname);
    if (old) {
        const char *osha = json_string_value(json_object_get(json_object_get(old, "hashes"), "sha256"));
        if (existing_sha256)
            snprintf(existing_sha256, 65, "%s", osha ? osha : "");
        if (osha && strcmp(osha, sha) == 0) {
            /* Identical: repair a missing file, else nothing to do. */
            if (access(dest, F_OK) != 0 && copy_atomic(file->path, dest, NULL, err, errcap) != 0)
                goto out;
            result = S2N_LI_IDENTICAL;
            goto out;
        }
        if (skip_existing) {
            result = S2N_LI_SKIPPED;
            goto out;
        }
        set_err(err, errcap,
                "File already exists ('%s'): the index holds sha256 %s, this file is sha256 %s",
                fname, osha ? osha : "?", sha);
        result = S2N_LI_CONFLICT;
        goto out;
    }
    /* After the file-name rule, as on PyPI; skip_existing does not apply:
     * twine skips only "File already exists" answers, and PyPI answers
     * this one "400 Only one sdist may be uploaded per release.". */
    char ver[256];
    const char *held = other_sdist_of_release(doc, fname, norm, ver, sizeof ver);
    if (held) {
        set_err(err, errcap,
                "Only one sdist may be uploaded per release. The index already holds '%s' for "
                "%s %s (PyPI refuses this upload: 400 Bad Request)",
                held, norm, ver);
        result = S2N_LI_CONFLICT;
        goto out;
    }
    /* Files first, pages after: a page never links to a missing file. */
    if (copy_atomic(file->path, dest, &st, err, errcap) != 0)
        goto out;
    json_t *entry = json_pack("{s:s,s:s,s:{s:s},s:b}", "filename", fname, "url", fname, "hashes",
                              "sha256", sha, "yanked", 0);
    if (file->requires_python && *file->requires_python)
        json_object_set_new(entry, "requires-python", json_string(file->requires_python));
    if (file->metadata) {
        uint8_t mraw[32];
        char msha[65];
        s2n_sha256(file->metadata, file->metadata_len, mraw);
        s2n_hex(mraw, 32, msha);
        size_t mn = strlen(dest) + 10;
        mdest = malloc(mn);
        if (!mdest) {
            set_err(err, errcap, "out of memory");
            json_decref(entry);
            goto out;
        }
        snprintf(mdest, mn, "%s.metadata", dest);
        if (write_atomic(mdest, file->metadata, file->metadata_len, &st, err, errcap) != 0) {
            json_decref(entry);
            goto out;
        }
        /* PEP 714: JSON names it core-metadata only.  The old key crashes
         * pip 22.3-23.1 (Debian 12's pip among them), which read it as the
         * HTML attribute's string; HTML keeps both attribute names. */
        json_object_set_new(entry, "core-metadata", json_pack("{s:s}", "sha256", msha));
    }
    json_array_append_new(json_object_get(doc, "files"), entry);
    sort_files(doc);
    if (write_project_pages(pdir, norm, doc, &st, err, errcap) != 0)
        goto out;
    if (write_root_pages(simple, norm, &st, err, errcap) != 0)
        goto out;
    if (staged_commit(&st, err, errcap) != 0)
        goto out;
    result = S2N_LI_ADDED;
out:
    staged_abort(&st);
    if (result == S2N_LI_ERROR && pdir && made_pdir)
        rmdir(pdir); /* the project folder this publish made, when still empty */
    if (lockfd >= 0)
        close(lockfd); /* releases the flock */
    json_decref(doc);
    free(simple);
    free(pdir);
    free(lockp);
    free(jpath);
    free(dest);
    free(mdest);
    return result;
}

int s2n_localindex_lookup(const char *dir, const char *project, const char *filename, char *out,
                          char *err, size_t errcap)
{
    char norm[256];
    if (s2n_name_normalize(project, norm, sizeof norm) >= sizeof norm) {
        set_err(err, errcap, "project name too long");
        return -1;
    }
    size_t n = strlen(dir) + strlen(norm) + 32;
    char *jp = malloc(n);
    if (!jp) {
        set_err(err, errcap, "out of memory");
        return -1;
    }
    snprintf(jp, n, "%s/simple/%s/index.json", dir, norm);
    if (err)
        err[0] = '\0';
    json_t *doc = load_json(jp, err, errcap);
    free(jp);
    if (!doc)
        return err && *err ? -1 : 0;
    json_t *f = find_file(doc, filename);
    const char *sha = f ? json_string_value(json_object_get(json_object_get(f, "hashes"), "sha256")) : NULL;
    if (sha)
        snprintf(out, 65, "%s", sha);
    json_decref(doc);
    return sha ? 1 : 0;
}

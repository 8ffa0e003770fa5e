#define _GNU_SOURCE
#include "sdist.h"
#include "meta.h"
#include "pgzip.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *sdist_filename(const project *p)
{
    return xasprintf("%s-%s.tar.gz", p->fname, p->version);
}

static int add_entry(struct archive *a, struct archive_entry *e, const char *name, const char *data,
                     size_t len, unsigned mode, time_t mtime, char *err, size_t errcap)
{
    archive_entry_clear(e);
    archive_entry_set_pathname_utf8(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, mode);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_mtime(e, mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_uname(e, "");
    archive_entry_set_gname(e, "");
    if (archive_write_header(a, e) != ARCHIVE_OK ||
        (len && archive_write_data(a, data, len) != (la_ssize_t)len)) {
        snprintf(err, errcap, "sdist member %s: %s", name, archive_error_string(a));
        return -1;
    }
    return 0;
}

static int add_dir(struct archive *a, struct archive_entry *e, const char *name, time_t mtime, char *err,
                   size_t errcap)
{
    archive_entry_clear(e);
    archive_entry_set_pathname_utf8(e, name);
    archive_entry_set_filetype(e, AE_IFDIR);
    archive_entry_set_perm(e, 0755);
    archive_entry_set_mtime(e, mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    if (archive_write_header(a, e) != ARCHIVE_OK) {
        snprintf(err, errcap, "sdist folder %s: %s", name, archive_error_string(a));
        return -1;
    }
    return 0;
}

void sdist_prepare(void)
{
    /* libarchive converts pax names through the locale; without a UTF-8
     * locale non-ASCII names fail or crash (see packaging notes) */
    static int done;
    if (!done)
        setlocale(LC_CTYPE, "C.UTF-8");
    done = 1;
}

/* libarchive writes the tar stream here; pgzip compresses it after. */
typedef struct tarbuf {
    unsigned char *data;
    size_t len, cap;
} tarbuf;

static la_ssize_t tar_append(struct archive *a, void *ctx, const void *buf, size_t n)
{
    (void)a;
    tarbuf *t = ctx;
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 1 << 20;
        while (cap < t->len + n)
            cap *= 2;
        t->data = xrealloc(t->data, cap);
        t->cap = cap;
    }
    memcpy(t->data + t->len, buf, n);
    t->len += n;
    return (la_ssize_t)n;
}

static int choose_threads(size_t len, int threads)
{
    if (threads > 0)
        return threads;
    if (len < (4u << 20))
        return 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : cpus > 16 ? 16 : (int)cpus;
}

int sdist_write(const project *p, const char *path, time_t mtime, int threads, char *err, size_t errcap)
{
    sdist_prepare();
    char *top = xasprintf("%s-%s", p->fname, p->version);
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();
    tarbuf tb = {0};
    int rc = 0;
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_add_filter_none(a) != ARCHIVE_OK ||
        archive_write_open(a, &tb, NULL, tar_append, NULL) != ARCHIVE_OK) {
        snprintf(err, errcap, "%s: %s", path, archive_error_string(a));
        rc = -1;
    }
    if (!rc)
        rc = add_dir(a, e, top, mtime, err, errcap);
    /* folders first time they are seen, then files, all in sorted order;
     * PKG-INFO sorts among them by name */
    strlist dirs = {0};
    char *pkginfo = meta_render(p);
    int pkginfo_done = 0;
    for (size_t i = 0; i <= p->sdist.n && !rc; i++) {
        const char *arc = i < p->sdist.n ? p->sdist.v[i].arc : NULL;
        if (!pkginfo_done && (!arc || strcmp(arc, "PKG-INFO") > 0)) {
            char *name = xasprintf("%s/PKG-INFO", top);
            rc = add_entry(a, e, name, pkginfo, strlen(pkginfo), 0644, mtime, err, errcap);
            free(name);
            pkginfo_done = 1;
        }
        if (!arc || rc)
            continue;
        for (const char *s = strchr(arc, '/'); s && !rc; s = strchr(s + 1, '/')) {
            char *d = xasprintf("%s/%.*s", top, (int)(s - arc), arc);
            if (!sl_has(&dirs, d)) {
                sl_push(&dirs, d);
                rc = add_dir(a, e, d, mtime, err, errcap);
            }
            free(d);
        }
        if (rc)
            break;
        char *src = xasprintf("%s/%s", p->root, p->sdist.v[i].src);
        size_t len = 0;
        char *data = read_file(src, &len);
        struct stat st;
        unsigned mode = stat(src, &st) == 0 && (st.st_mode & 0111) ? 0755 : 0644;
        if (!data) {
            snprintf(err, errcap, "%s: %s", src, strerror(errno));
            rc = -1;
        } else {
            char *name = xasprintf("%s/%s", top, arc);
            rc = add_entry(a, e, name, data, len, mode, mtime, err, errcap);
            free(name);
        }
        free(data);
        free(src);
    }
    free(pkginfo);
    sl_free(&dirs);
    if (archive_write_close(a) != ARCHIVE_OK && !rc) {
        snprintf(err, errcap, "%s: %s", path, archive_error_string(a));
        rc = -1;
    }
    archive_write_free(a);
    archive_entry_free(e);
    free(top);
    if (!rc) {
        FILE *f = fopen(path, "wb");
        if (!f || pgzip_write(f, tb.data, tb.len, 6, choose_threads(tb.len, threads)) != 0) {
            snprintf(err, errcap, "%s: %s", path, strerror(errno ? errno : EIO));
            rc = -1;
        }
        if (f && fclose(f) != 0 && !rc) {
            snprintf(err, errcap, "%s: %s", path, strerror(errno));
            rc = -1;
        }
    }
    free(tb.data);
    if (rc)
        unlink(path);
    return rc;
}

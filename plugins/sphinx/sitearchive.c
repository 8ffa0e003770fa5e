/*
 * Reproducible site archive with libarchive (pax restricted + gzip).
 * libarchive names pax extension headers after the entry (no pid), and
 * the gzip filter's "timestamp" option, when cleared, stores mtime 0, so
 * only what we put into each entry decides the bytes.
 */
#include "plugins/sphinx/sitearchive.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 128

typedef struct walker {
    struct archive *a;
    struct archive_entry *e;
    long long mtime;
    long files;
    char *err;
    size_t errlen;
} walker;

static int cmp_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int failf(walker *w, const char *what, const char *path, const char *why)
{
    snprintf(w->err, w->errlen, "%s %s: %s", what, path, why);
    return -1;
}

static void entry_base(walker *w, const char *rel, const struct stat *sb)
{
    archive_entry_clear(w->e);
    archive_entry_set_pathname(w->e, rel);
    archive_entry_set_mtime(w->e, (time_t)w->mtime, 0);
    archive_entry_set_uid(w->e, 0);
    archive_entry_set_gid(w->e, 0);
    (void)sb;
}

static int add_file(walker *w, const char *abs, const char *rel, const struct stat *sb)
{
    entry_base(w, rel, sb);
    archive_entry_set_filetype(w->e, AE_IFREG);
    archive_entry_set_perm(w->e, (sb->st_mode & 0111) ? 0755 : 0644);
    archive_entry_set_size(w->e, sb->st_size);
    if (archive_write_header(w->a, w->e) != ARCHIVE_OK)
        return failf(w, "archiving", rel, archive_error_string(w->a));
    int fd = open(abs, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return failf(w, "reading", abs, strerror(errno));
    char buf[65536];
    long long left = sb->st_size;
    while (left > 0) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) {
            close(fd);
            return failf(w, "reading", abs, n < 0 ? strerror(errno) : "file shrank while archiving");
        }
        if (n > left)
            n = (ssize_t)left; /* grew meanwhile: keep the size we declared */
        if (archive_write_data(w->a, buf, (size_t)n) != n) {
            close(fd);
            return failf(w, "archiving", rel, archive_error_string(w->a));
        }
        left -= n;
    }
    close(fd);
    w->files++;
    return 0;
}

static int walk(walker *w, const char *abs, const char *rel, int depth)
{
    if (depth > MAX_DEPTH)
        return failf(w, "archiving", abs, "folders nested too deep");
    DIR *d = opendir(abs);
    if (!d)
        return failf(w, "reading", abs, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **nn = realloc(names, ncap * sizeof *names);
            if (!nn) {
                rc = failf(w, "reading", abs, "out of memory");
                break;
            }
            names = nn;
            cap = ncap;
        }
        if (!(names[n] = strdup(de->d_name))) {
            rc = failf(w, "reading", abs, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);

    for (size_t i = 0; i < n && rc == 0; i++) {
        char cabs[PATH_MAX], crel[PATH_MAX];
        if ((size_t)snprintf(cabs, sizeof cabs, "%s/%s", abs, names[i]) >= sizeof cabs ||
            (size_t)snprintf(crel, sizeof crel, "%s%s%s", rel, *rel ? "/" : "", names[i]) >= sizeof crel) {
            rc = failf(w, "archiving", names[i], "path too long");
            break;
        }
        struct stat sb;
        if (lstat(cabs, &sb) != 0) {
            rc = failf(w, "reading", cabs, strerror(errno));
        } else if (S_ISDIR(sb.st_mode)) {
            entry_base(w, crel, &sb);
            archive_entry_set_filetype(w->e, AE_IFDIR);
            archive_entry_set_perm(w->e, 0755);
            if (archive_write_header(w->a, w->e) != ARCHIVE_OK)
                rc = failf(w, "archiving", crel, archive_error_string(w->a));
            else
                rc = walk(w, cabs, crel, depth + 1);
        } else if (S_ISREG(sb.st_mode)) {
            rc = add_file(w, cabs, crel, &sb);
        } else if (S_ISLNK(sb.st_mode)) {
            char target[PATH_MAX];
            ssize_t tl = readlink(cabs, target, sizeof target - 1);
            if (tl < 0) {
                rc = failf(w, "reading", cabs, strerror(errno));
            } else {
                target[tl] = '\0';
                entry_base(w, crel, &sb);
                archive_entry_set_filetype(w->e, AE_IFLNK);
                archive_entry_set_perm(w->e, 0777);
                archive_entry_set_symlink(w->e, target);
                if (archive_write_header(w->a, w->e) != ARCHIVE_OK)
                    rc = failf(w, "archiving", crel, archive_error_string(w->a));
            }
        } /* sockets, fifos, devices: not part of a site */
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

long long site_archive_epoch(const char *sde)
{
    if (!sde || !*sde)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(sde, &end, 10);
    if (errno || *end || v < 0)
        return 0;
    return v;
}

long site_archive_write(const char *dir, const char *out, long long mtime, char *err, size_t errlen)
{
    /* libarchive converts names through the locale; pin UTF-8 so a
     * name's bytes go into the archive unchanged. */
    setlocale(LC_CTYPE, "C.UTF-8");

    char tmp[PATH_MAX];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", out) >= sizeof tmp) {
        snprintf(err, errlen, "%s: path too long", out);
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "creating %s: %s", tmp, strerror(errno));
        return -1;
    }
    walker w = {.a = archive_write_new(), .e = archive_entry_new(), .mtime = mtime, .err = err, .errlen = errlen};
    int rc = -1;
    if (!w.a || !w.e) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (archive_write_set_format_pax_restricted(w.a) != ARCHIVE_OK ||
        archive_write_add_filter_gzip(w.a) != ARCHIVE_OK ||
        archive_write_set_filter_option(w.a, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
        archive_write_open_fd(w.a, fd) != ARCHIVE_OK) {
        snprintf(err, errlen, "libarchive: %s", archive_error_string(w.a));
        goto done;
    }
    rc = walk(&w, dir, "", 0);
    if (archive_write_close(w.a) != ARCHIVE_OK && rc == 0) {
        snprintf(err, errlen, "writing %s: %s", tmp, archive_error_string(w.a));
        rc = -1;
    }
done:
    if (w.e)
        archive_entry_free(w.e);
    if (w.a)
        archive_write_free(w.a);
    if (rc == 0 && fsync(fd) != 0) {
        snprintf(err, errlen, "writing %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    close(fd);
    if (rc == 0 && (chmod(tmp, 0644) != 0 || rename(tmp, out) != 0)) {
        snprintf(err, errlen, "renaming %s to %s: %s", tmp, out, strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        unlink(tmp);
        return -1;
    }
    return w.files;
}

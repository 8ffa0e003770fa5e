#define _GNU_SOURCE
#include "wheel.h"
#include "meta.h"

#include "plugins/common/hash.h"
#include "plugins/common/zipwrite.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

typedef struct witem {
    char *arc;
    char *src;      /* absolute source file, or NULL for generated text */
    char *data;     /* generated text, or the file once read            */
    size_t len;
    unsigned mode;
    uint8_t sha[32];
    s2n_zip_blob blob;
    int failed;     /* errno of a failed read                           */
} witem;

typedef struct wjob {
    witem *items;
    size_t n;
    atomic_size_t next;
} wjob;

char *wheel_filename(const project *p)
{
    return xasprintf("%s-%s-py3-none-any.whl", p->fname, p->version);
}

/* Read (if needed), hash and compress one member. */
static void prepare(witem *it)
{
    if (it->src) {
        it->data = read_file(it->src, &it->len);
        if (!it->data) {
            it->failed = errno ? errno : EIO;
            return;
        }
    }
    s2n_sha256(it->data, it->len, it->sha);
    if (s2n_zip_compress(it->data, it->len, Z_DEFAULT_COMPRESSION, &it->blob) != 0)
        it->failed = ENOMEM;
}

static void *worker(void *arg)
{
    wjob *j = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n)
            return NULL;
        prepare(&j->items[i]);
    }
}

static void run_pool(witem *items, size_t n, int threads)
{
    wjob j = {.items = items, .n = n};
    atomic_init(&j.next, 0);
    pthread_t tid[64];
    int started = 0;
    for (int t = 1; t < threads && t < 64; t++)
        if (pthread_create(&tid[started], NULL, worker, &j) == 0)
            started++;
    worker(&j); /* this thread works too; the pool drains the same queue */
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
}

static int choose_threads(const project *p, int threads)
{
    if (threads > 0)
        return threads;
    uint64_t total = 0;
    for (size_t i = 0; i < p->wheel.n; i++) {
        struct stat st;
        char *path = xasprintf("%s/%s", p->root, p->wheel.v[i].src);
        if (stat(path, &st) == 0)
            total += (uint64_t)st.st_size;
        free(path);
    }
    if (total < (2u << 20)) /* thread start-up costs more than it saves */
        return 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : cpus > 16 ? 16 : (int)cpus;
}

/* RECORD is CSV: a path holding a comma, quote or newline is quoted. */
static void record_path(FILE *f, const char *path)
{
    if (!strpbrk(path, ",\"\r\n")) {
        fputs(path, f);
        return;
    }
    fputc('"', f);
    for (const char *s = path; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static const char *wheel_text(void)
{
    return "Wheel-Version: 1.0\n"
           "Generator: " WHEEL_GENERATOR "\n"
           "Root-Is-Purelib: true\n"
           "Tag: py3-none-any\n";
}

int wheel_write(const project *p, const char *path, time_t mtime, int threads, char *err, size_t errcap)
{
    char *distinfo = xasprintf("%s-%s.dist-info", p->fname, p->version);
    size_t cap = p->wheel.n + p->license_files.n + 4;
    witem *items = xcalloc(cap, sizeof *items);
    size_t n = 0;
    for (size_t i = 0; i < p->wheel.n; i++) {
        items[n].arc = xstrdup(p->wheel.v[i].arc);
        items[n].src = xasprintf("%s/%s", p->root, p->wheel.v[i].src);
        struct stat st;
        items[n].mode = stat(items[n].src, &st) == 0 && (st.st_mode & 0111) ? 0755 : 0644;
        n++;
    }
    /* dist-info, sorted by name, RECORD appended last */
    size_t first_meta = n;
    if (p->entry_points) {
        items[n].arc = xasprintf("%s/entry_points.txt", distinfo);
        items[n].data = xstrdup(p->entry_points);
        items[n].len = strlen(p->entry_points);
        items[n++].mode = 0644;
    }
    for (size_t i = 0; i < p->license_files.n; i++) {
        items[n].arc = xasprintf("%s/%s%s", distinfo, meta_license_dir(p), p->license_files.v[i]);
        items[n].src = xasprintf("%s/%s", p->root, p->license_files.v[i]);
        items[n++].mode = 0644;
    }
    items[n].arc = xasprintf("%s/METADATA", distinfo);
    items[n].data = meta_render(p);
    items[n].len = strlen(items[n].data);
    items[n++].mode = 0644;
    items[n].arc = xasprintf("%s/WHEEL", distinfo);
    items[n].data = xstrdup(wheel_text());
    items[n].len = strlen(items[n].data);
    items[n++].mode = 0644;
    /* sort the dist-info part by name (package part is sorted already) */
    for (size_t i = first_meta + 1; i < n; i++)
        for (size_t k = i; k > first_meta && strcmp(items[k - 1].arc, items[k].arc) > 0; k--) {
            witem t = items[k];
            items[k] = items[k - 1];
            items[k - 1] = t;
        }

    run_pool(items, n, choose_threads(p, threads));

    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        if (items[i].failed) {
            snprintf(err, errcap, "%s: %s", items[i].src ? items[i].src : items[i].arc, strerror(items[i].failed));
            rc = -1;
        }

    s2n_zip *z = NULL;
    if (!rc && !(z = s2n_zip_create(path, mtime))) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    char *record = NULL;
    size_t rlen = 0;
    FILE *rf = open_memstream(&record, &rlen);
    if (!rf)
        abort();
    for (size_t i = 0; i < n && !rc; i++) {
        if (s2n_zip_add_blob(z, items[i].arc, &items[i].blob, items[i].mode) != 0) {
            snprintf(err, errcap, "%s", s2n_zip_error(z));
            rc = -1;
        }
        char b64[48];
        s2n_b64url_nopad(items[i].sha, 32, b64);
        record_path(rf, items[i].arc);
        fprintf(rf, ",sha256=%s,%zu\n", b64, items[i].len);
    }
    char *rec_name = xasprintf("%s/RECORD", distinfo);
    fprintf(rf, "%s,,\n", rec_name);
    if (fclose(rf) != 0)
        abort();
    if (!rc && s2n_zip_add(z, rec_name, record, rlen, 0644) != 0) {
        snprintf(err, errcap, "%s", s2n_zip_error(z));
        rc = -1;
    }
    if (z) {
        if (rc)
            s2n_zip_abort(z);
        else if (s2n_zip_close(z, err, errcap) != 0) {
            unlink(path);
            rc = -1;
        }
    }
    free(rec_name);
    free(record);
    for (size_t i = 0; i < n; i++) {
        free(items[i].arc);
        free(items[i].src);
        free(items[i].data);
        s2n_zip_blob_free(&items[i].blob);
    }
    free(items);
    free(distinfo);
    return rc;
}

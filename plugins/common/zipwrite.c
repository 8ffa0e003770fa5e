/*
 * Deterministic ZIP writer (see zipwrite.h).  Layout per APPNOTE 6.3:
 * local header + data for each member, then the central directory and
 * the end record.  All integers little-endian.
 */
#include "zipwrite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct zip_entry {
    char *name;
    uint32_t crc, csize, usize, offset, attr;
    uint16_t method;
} zip_entry;

struct s2n_zip {
    FILE *f;
    char *path;
    uint16_t dos_time, dos_date;
    uint64_t offset;
    zip_entry *entries;
    size_t n, cap;
    char err[256];
};

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

s2n_zip *s2n_zip_create(const char *path, time_t mtime)
{
    s2n_zip *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->path = strdup(path);
    z->f = fopen(path, "wb");
    if (!z->f || !z->path) {
        int e = errno;
        if (z->f)
            fclose(z->f);
        free(z->path);
        free(z);
        errno = e;
        return NULL;
    }
    struct tm tm;
    if (mtime < 315532800) /* 1980-01-01, the first DOS date */
        mtime = 315532800;
    gmtime_r(&mtime, &tm);
    if (tm.tm_year > 207) { /* DOS dates end in 2107 */
        tm.tm_year = 207;
    }
    z->dos_time = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
    z->dos_date = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
    return z;
}

const char *s2n_zip_error(const s2n_zip *z)
{
    return z->err;
}

int s2n_zip_compress(const void *data, size_t len, int level, s2n_zip_blob *blob)
{
    memset(blob, 0, sizeof *blob);
    blob->raw_size = len;
    blob->crc = (uint32_t)crc32_z(0L, data, len);
    if (len >= 64) {
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        if (deflateInit2(&zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return -1;
        uLong bound = deflateBound(&zs, (uLong)len);
        unsigned char *out = malloc(bound ? bound : 1);
        if (!out) {
            deflateEnd(&zs);
            return -1;
        }
        zs.next_in = (Bytef *)(uintptr_t)data;
        zs.avail_in = (uInt)len;
        zs.next_out = out;
        zs.avail_out = (uInt)bound;
        int rc = deflate(&zs, Z_FINISH);
        size_t clen = zs.total_out;
        deflateEnd(&zs);
        if (rc == Z_STREAM_END && clen < len) {
            blob->data = out;
            blob->size = clen;
            blob->deflated = 1;
            return 0;
        }
        free(out);
    }
    /* stored: keep a copy so the blob owns its bytes either way */
    blob->data = malloc(len ? len : 1);
    if (!blob->data)
        return -1;
    if (len)
        memcpy(blob->data, data, len);
    blob->size = len;
    return 0;
}

void s2n_zip_blob_free(s2n_zip_blob *blob)
{
    free(blob->data);
    blob->data = NULL;
}

static int zip_write(s2n_zip *z, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, z->f) != n) {
        snprintf(z->err, sizeof z->err, "%s: write failed: %s", z->path, strerror(errno));
        return -1;
    }
    z->offset += n;
    return 0;
}

int s2n_zip_add_blob(s2n_zip *z, const char *name, const s2n_zip_blob *blob, unsigned mode)
{
    size_t nlen = strlen(name);
    if (nlen > 0xffff || blob->size > 0xfffffffeu || blob->raw_size > 0xfffffffeu ||
        z->offset > 0xfffffffeu || z->n >= 0xffff) {
        snprintf(z->err, sizeof z->err, "%s: member %s exceeds ZIP (non-ZIP64) limits", z->path, name);
        return -1;
    }
    if (z->n == z->cap) {
        size_t cap = z->cap ? z->cap * 2 : 64;
        zip_entry *e = realloc(z->entries, cap * sizeof *e);
        if (!e) {
            snprintf(z->err, sizeof z->err, "out of memory");
            return -1;
        }
        z->entries = e;
        z->cap = cap;
    }
    zip_entry *e = &z->entries[z->n];
    e->name = strdup(name);
    if (!e->name) {
        snprintf(z->err, sizeof z->err, "out of memory");
        return -1;
    }
    e->crc = blob->crc;
    e->csize = (uint32_t)blob->size;
    e->usize = (uint32_t)blob->raw_size;
    e->offset = (uint32_t)z->offset;
    e->method = blob->deflated ? 8 : 0;
    e->attr = (uint32_t)(0100000 | (mode & 0777)) << 16;
    z->n++;

    unsigned char h[30];
    put32(h, 0x04034b50);
    put16(h + 4, 20);          /* version needed: 2.0 */
    put16(h + 6, 0x0800);      /* flags: UTF-8 names; never bit 3 */
    put16(h + 8, e->method);
    put16(h + 10, z->dos_time);
    put16(h + 12, z->dos_date);
    put32(h + 14, e->crc);
    put32(h + 18, e->csize);
    put32(h + 22, e->usize);
    put16(h + 26, (uint16_t)nlen);
    put16(h + 28, 0);          /* no extra field: nothing host-specific */
    if (zip_write(z, h, sizeof h) || zip_write(z, name, nlen) || zip_write(z, blob->data, blob->size))
        return -1;
    return 0;
}

int s2n_zip_add(s2n_zip *z, const char *name, const void *data, size_t len, unsigned mode)
{
    s2n_zip_blob b;
    if (s2n_zip_compress(data, len, Z_DEFAULT_COMPRESSION, &b) != 0) {
        snprintf(z->err, sizeof z->err, "%s: cannot compress %s", z->path, name);
        return -1;
    }
    int rc = s2n_zip_add_blob(z, name, &b, mode);
    s2n_zip_blob_free(&b);
    return rc;
}

static void zip_free(s2n_zip *z)
{
    for (size_t i = 0; i < z->n; i++)
        free(z->entries[i].name);
    free(z->entries);
    free(z->path);
    free(z);
}

int s2n_zip_close(s2n_zip *z, char *err, size_t errcap)
{
    int rc = 0;
    uint64_t cd_start = z->offset;
    for (size_t i = 0; i < z->n && rc == 0; i++) {
        const zip_entry *e = &z->entries[i];
        size_t nlen = strlen(e->name);
        unsigned char h[46];
        put32(h, 0x02014b50);
        put16(h + 4, (3 << 8) | 20); /* made by: unix, 2.0 */
        put16(h + 6, 20);
        put16(h + 8, 0x0800);
        put16(h + 10, e->method);
        put16(h + 12, z->dos_time);
        put16(h + 14, z->dos_date);
        put32(h + 16, e->crc);
        put32(h + 20, e->csize);
        put32(h + 24, e->usize);
        put16(h + 28, (uint16_t)nlen);
        put16(h + 30, 0);
        put16(h + 32, 0);
        put16(h + 34, 0);
        put16(h + 36, 0);
        put32(h + 38, e->attr);
        put32(h + 42, e->offset);
        rc = zip_write(z, h, sizeof h) || zip_write(z, e->name, nlen) ? -1 : 0;
    }
    if (rc == 0 && z->offset > 0xfffffffeu) {
        snprintf(z->err, sizeof z->err, "%s: archive exceeds 4 GiB (ZIP64 unsupported)", z->path);
        rc = -1;
    }
    if (rc == 0) {
        unsigned char end[22];
        put32(end, 0x06054b50);
        put16(end + 4, 0);
        put16(end + 6, 0);
        put16(end + 8, (uint16_t)z->n);
        put16(end + 10, (uint16_t)z->n);
        put32(end + 12, (uint32_t)(z->offset - cd_start));
        put32(end + 16, (uint32_t)cd_start);
        put16(end + 20, 0);
        rc = zip_write(z, end, sizeof end);
    }
    if (fclose(z->f) != 0 && rc == 0) {
        snprintf(z->err, sizeof z->err, "%s: %s", z->path, strerror(errno));
        rc = -1;
    }
    z->f = NULL;
    if (rc != 0 && err && errcap)
        snprintf(err, errcap, "%s", z->err);
    zip_free(z);
    return rc;
}

void s2n_zip_abort(s2n_zip *z)
{
    if (!z)
        return;
    if (z->f)
        fclose(z->f);
    remove(z->path);
    zip_free(z);
}

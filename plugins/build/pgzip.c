#include "pgzip.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CHUNK (128u * 1024u)
#define DICT (32u * 1024u)

typedef struct piece {
    unsigned char *out;
    size_t out_len;
    uLong crc;
    size_t in_len;
    int failed;
} piece;

typedef struct pjob {
    const unsigned char *data;
    size_t len, n;
    int level;
    piece *pieces;
    atomic_size_t next;
} pjob;

static void compress_piece(pjob *j, size_t i)
{
    piece *pc = &j->pieces[i];
    size_t off = i * CHUNK;
    size_t in = j->len - off < CHUNK ? j->len - off : CHUNK;
    int last = i + 1 == j->n;
    pc->in_len = in;
    pc->crc = crc32_z(0L, j->data + off, in);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, j->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        pc->failed = 1;
        return;
    }
    if (off) {
        size_t d = off < DICT ? off : DICT;
        deflateSetDictionary(&zs, j->data + off - d, (uInt)d);
    }
    size_t cap = deflateBound(&zs, (uLong)in) + 16;
    pc->out = malloc(cap);
    if (!pc->out) {
        deflateEnd(&zs);
        pc->failed = 1;
        return;
    }
    zs.next_in = (Bytef *)(uintptr_t)(j->data + off);
    zs.avail_in = (uInt)in;
    zs.next_out = pc->out;
    zs.avail_out = (uInt)cap;
    int rc = deflate(&zs, last ? Z_FINISH : Z_SYNC_FLUSH);
    pc->out_len = cap - zs.avail_out;
    if ((last && rc != Z_STREAM_END) || (!last && rc != Z_OK) || zs.avail_in != 0)
        pc->failed = 1;
    deflateEnd(&zs);
}

static void *worker(void *arg)
{
    pjob *j = arg;
    for (size_t i; (i = atomic_fetch_add(&j->next, 1)) < j->n;)
        compress_piece(j, i);
    return NULL;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

int pgzip_write(FILE *out, const unsigned char *data, size_t len, int level, int threads)
{
    pjob j = {.data = data, .len = len, .level = level};
    j.n = len ? (len + CHUNK - 1) / CHUNK : 1;
    j.pieces = calloc(j.n, sizeof *j.pieces);
    if (!j.pieces)
        return -1;
    atomic_init(&j.next, 0);
    pthread_t tid[64];
    int started = 0;
    for (int t = 1; t < threads && t < 64 && (size_t)t < j.n; t++)
        if (pthread_create(&tid[started], NULL, worker, &j) == 0)
            started++;
    worker(&j);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);

    /* header: deflate, no flags, mtime 0, unix */
    static const unsigned char head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    int rc = fwrite(head, 1, sizeof head, out) == sizeof head ? 0 : -1;
    uLong crc = crc32_z(0L, NULL, 0);
    for (size_t i = 0; i < j.n; i++) {
        piece *pc = &j.pieces[i];
        if (pc->failed || (pc->out_len && fwrite(pc->out, 1, pc->out_len, out) != pc->out_len))
            rc = -1;
        crc = crc32_combine(crc, pc->crc, (z_off_t)pc->in_len);
        free(pc->out);
    }
    free(j.pieces);
    unsigned char tail[8];
    put32(tail, (uint32_t)crc);
    put32(tail + 4, (uint32_t)len);
    if (fwrite(tail, 1, sizeof tail, out) != sizeof tail)
        rc = -1;
    return rc;
}

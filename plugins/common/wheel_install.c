/*
 * Native wheel installation; see wheel_install.h for the contract.  The
 * comments name the pip behaviour each step reproduces.
 */
#include "config.h"

#include "plugins/common/wheel_install.h"
#include "plugins/common/hash.h"
#include "plugins/common/wheel_private.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}

/* ------------------------------------------------------------------ */
/* RECORD                                                              */

int s2n_record_split(const char *line, size_t len, char *fields[3])
{
    int nf = 0;
    size_t i = 0;
    while (nf < 3) {
        char *buf = malloc(len + 1);
        size_t n = 0;
        if (i < len && line[i] == '"') {
            i++;
            while (i < len) {
                if (line[i] == '"' && i + 1 < len && line[i + 1] == '"') {
                    buf[n++] = '"';
                    i += 2;
                } else if (line[i] == '"') {
                    i++;
                    break;
                } else
                    buf[n++] = line[i++];
            }
        }
        while (i < len && line[i] != ',')
            buf[n++] = line[i++];
        buf[n] = '\0';
        fields[nf++] = buf;
        if (i >= len)
            break;
        i++; /* the comma */
    }
    for (int k = nf; k < 3; k++)
        fields[k] = strdup("");
    return nf;
}

typedef struct oldrow {
    char *path, *hash, *size;
    int matched;   /* written from the zip */
    char *newpath; /* installed RECORD path */
    char *newhash, *newsize; /* when the file was changed (#!python) */
} oldrow;

static int cmp_oldrow(const void *a, const void *b)
{
    return strcmp(((const oldrow *)a)->path, ((const oldrow *)b)->path);
}

static size_t parse_record(const char *text, oldrow **out)
{
    size_t n = 0, cap = 64;
    oldrow *rows = calloc(cap, sizeof *rows);
    const char *p = text;
    while (rows && *p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        size_t l2 = len;
        if (l2 && p[l2 - 1] == '\r')
            l2--;
        if (l2) {
            if (n == cap) {
                oldrow *nr = realloc(rows, (cap *= 2) * sizeof *nr);
                if (!nr)
                    break;
                rows = nr;
            }
            char *f[3];
            s2n_record_split(p, l2, f);
            rows[n] = (oldrow){.path = f[0], .hash = f[1], .size = f[2]};
            n++;
        }
        p += len + (eol ? 1 : 0);
    }
    *out = rows;
    return n;
}

static void free_oldrows(oldrow *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].path);
        free(r[i].hash);
        free(r[i].size);
        free(r[i].newpath);
        free(r[i].newhash);
        free(r[i].newsize);
    }
    free(r);
}

static int add_row(s2n_installed *ins, const char *path, const char *hash, const char *size)
{
    s2n_record_row *nr = realloc(ins->rows, (ins->nrows + 1) * sizeof *nr);
    if (!nr)
        return -1;
    ins->rows = nr;
    nr[ins->nrows++] = (s2n_record_row){strdup(path), strdup(hash), strdup(size)};
    return 0;
}

/* ------------------------------------------------------------------ */
/* Paths                                                               */

/* Normalize a relative archive path; NULL when it is absolute or climbs
 * out (pip: "trying to install outside the target directory"). */
static char *norm_member(const char *p)
{
    if (p[0] == '/' || p[0] == '\\')
        return NULL;
    char *out = malloc(strlen(p) + 1);
    size_t n = 0;
    while (*p) {
        size_t len = strcspn(p, "/");
        if (len == 0 || (len == 1 && p[0] == '.')) {
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            free(out);
            return NULL;
        } else {
            if (n)
                out[n++] = '/';
            memcpy(out + n, p, len);
            n += len;
        }
        p += len;
        if (*p == '/')
            p++;
    }
    out[n] = '\0';
    if (n == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* os.path.relpath(to, from) for two normalized paths with the same base. */
static char *relpath(const char *from, const char *to)
{
    size_t i = 0, common = 0;
    while (from[i] && to[i] && from[i] == to[i]) {
        i++;
        if ((from[i] == '/' || !from[i]) && (to[i] == '/' || !to[i]))
            common = i;
    }
    if (!from[i] && (to[i] == '/' || !to[i]))
        common = i;
    size_t ups = 0;
    const char *f = from + common;
    if (*f == '/')
        f++;
    if (*f) {
        ups = 1;
        for (const char *q = f; *q; q++)
            ups += *q == '/';
    }
    const char *t = to + common;
    if (*t == '/')
        t++;
    size_t len = ups * 3 + strlen(t) + 2;
    char *out = malloc(len);
    size_t n = 0;
    for (size_t k = 0; k < ups; k++) {
        memcpy(out + n, "../", 3);
        n += 3;
    }
    strcpy(out + n, t);
    n += strlen(t);
    if (n && out[n - 1] == '/')
        out[--n] = '\0';
    if (n == 0)
        strcpy(out, ".");
    return out;
}

static int mkdirs_walk(char *path)
{
    char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return 0;
    *slash = '\0';
    struct stat st;
    int rc = 0;
    if (stat(path, &st) != 0) {
        rc = mkdirs_walk(path);
        if (rc == 0 && mkdir(path, 0777) != 0 && errno != EEXIST)
            rc = -1;
    }
    *slash = '/';
    return rc;
}

/* The parent folders of `path`.  Members come grouped by folder (a
 * package and its __pycache__), so the last few folders made are
 * remembered and most calls cost nothing.  Per thread: wheels are
 * installed by several threads at once. */
static int mkdirs_for(char *path)
{
    static _Thread_local char last[4][PATH_MAX];
    static _Thread_local unsigned next;
    char *slash = strrchr(path, '/');
    if (!slash)
        return 0;
    size_t dl = (size_t)(slash - path);
    if (dl >= PATH_MAX)
        return mkdirs_walk(path);
    for (int i = 0; i < 4; i++)
        if (strncmp(last[i], path, dl) == 0 && last[i][dl] == '\0')
            return 0;
    int rc = mkdirs_walk(path);
    if (rc == 0) {
        char *slot = last[next++ % 4];
        memcpy(slot, path, dl);
        slot[dl] = '\0';
    }
    return rc;
}

/* umask() can only be read by changing it, which must not happen while
 * other threads create files: read once, before any. */
static mode_t umask_value;
static void read_umask(void)
{
    umask_value = umask(022);
    umask(umask_value);
}

static mode_t current_umask(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, read_umask);
    return umask_value;
}

void s2n_wheel_install_init(void)
{
    (void)current_umask();
}

/* sha256=<b64url> and the size, as pip's rehash() spells them. */
static void record_digest(const uint8_t d[32], uint64_t size, char *hash, size_t hcap, char *sz,
                          size_t scap)
{
    char b64[48];
    s2n_b64url_nopad(d, 32, b64);
    snprintf(hash, hcap, "sha256=%s", b64);
    snprintf(sz, scap, "%llu", (unsigned long long)size);
}

/* Write a generated file (temp + rename) and note its RECORD row. */
static int write_generated(s2n_installed *ins, const char *abs, const char *data, size_t len,
                           mode_t mode, char *err, size_t errcap)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.s2n-tmp", abs);
    char *mk = strdup(abs);
    mkdirs_for(mk);
    free(mk);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return fail(err, errcap, "%s: %s", tmp, strerror(errno));
    ssize_t w = len ? write(fd, data, len) : 0;
    if (w != (ssize_t)len || fchmod(fd, mode) != 0 || close(fd) != 0) {
        unlink(tmp);
        return fail(err, errcap, "%s: write failed: %s", tmp, strerror(errno));
    }
    if (rename(tmp, abs) != 0) {
        unlink(tmp);
        return fail(err, errcap, "%s: %s", abs, strerror(errno));
    }
    uint8_t d[32];
    s2n_sha256(data, len, d);
    char hash[64], sz[24];
    record_digest(d, len, hash, sizeof hash, sz, sizeof sz);
    char *rel = relpath(ins->lib_dir, abs);
    int rc = add_row(ins, rel, hash, sz);
    free(rel);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Install                                                             */

static int verify(const oldrow *row, const char *member, const unsigned char *md, unsigned mdlen,
                  const char *algo, uint64_t size, const char *wheel, char *err, size_t errcap)
{
    if (!row || !row->hash[0])
        return 0;
    char b64[EVP_MAX_MD_SIZE * 2];
    s2n_b64url_nopad(md, mdlen, b64);
    const char *eq = strchr(row->hash, '=');
    if (!eq || strncmp(row->hash, algo, (size_t)(eq - row->hash)) != 0
        || strcmp(eq + 1, b64) != 0)
        return fail(err, errcap, "%s: hash mismatch for %s: RECORD says %s, file has %s=%s", wheel,
                    member, row->hash, algo, b64);
    if (row->size[0] && strtoull(row->size, NULL, 10) != size)
        return fail(err, errcap, "%s: size mismatch for %s: RECORD says %s, file has %llu", wheel,
                    member, row->size, (unsigned long long)size);
    return 0;
}

/* State shared by the members of one install. */
typedef struct placer {
    const s2n_wheel_info *w;
    const s2n_wheel_target *t;
    s2n_installed *ins;
    const char *lib_rel;
    s2n_script *scripts;
    size_t nscripts;
    oldrow *old;
    size_t nold;
    char python[PATH_MAX];
    mode_t um;
    char *err;
    size_t errcap;
} placer;

static int read_file(const char *path, unsigned char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 8192, n = 0, k;
    unsigned char *b = malloc(cap);
    while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            unsigned char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
        }
    }
    fclose(f);
    if (!b)
        return -1;
    *data = b;
    *len = n;
    return 0;
}

static int write_all(const char *dest, const unsigned char *out, size_t outlen, int exec, mode_t um)
{
    /* A new file, never a write through an existing name: that name may
     * be a hard link into the wheel cache (pip unlinks first too). */
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST && unlink(dest) == 0)
        fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < outlen) {
        ssize_t k = write(fd, out + done, outlen - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    if (exec)
        fchmod(fd, (0777 & ~um) | 0111);
    if (close(fd) != 0 || done != outlen)
        return -1;
    return 0;
}

/* The member's bytes against its RECORD row (any algorithm OpenSSL knows). */
static int verify_member(placer *c, const oldrow *row, const char *member,
                         const unsigned char *data, size_t len)
{
    const char *algo = "sha256";
    char algobuf[32];
    if (row && row->hash[0]) {
        size_t al = strcspn(row->hash, "=");
        snprintf(algobuf, sizeof algobuf, "%.*s", (int)al, row->hash);
        algo = algobuf;
    }
    const EVP_MD *md = EVP_get_digestbyname(algo);
    if (!md)
        return fail(c->err, c->errcap, "%s: unknown hash algorithm '%s' in RECORD", c->w->path,
                    algo);
    unsigned char dg[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    if (EVP_Digest(len ? data : (const unsigned char *)"", len, dg, &dl, md, NULL) != 1)
        return fail(c->err, c->errcap, "%s: OpenSSL will not compute '%s' here (FIPS mode?) to check %s",
                    c->w->path, algo, member);
    return verify(row, member, dg, dl, algo, len, c->w->path, c->err, c->errcap);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

static void rm_tree(const char *path)
{
    nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS);
}

/* The pyc of `py` in a cache tree, for the target's interpreter. */
static void pyc_path_for(const char *py, const char *cache_tag, char *out, size_t cap)
{
    const char *slash = strrchr(py, '/');
    size_t dl = slash ? (size_t)(slash - py) : 0;
    const char *base = slash ? slash + 1 : py;
    size_t bl = strlen(base) - 3; /* without .py */
    snprintf(out, cap, "%.*s/__pycache__/%.*s.%s.pyc", (int)dl, py, (int)bl, base, cache_tag);
}

/* Put one wheel member in place.  The bytes come from the archive (`data`,
 * verified here against RECORD) or from the unpacked-wheel cache
 * (`cached`, verified when the cache was filled; hard-linked unless the
 * file must change). */
static int place_member(placer *c, const char *member, int exec, const unsigned char *data,
                        size_t len, const char *cached, const char *cache_final, char *dest_out,
                        int *changed_out)
{
    if (dest_out)
        dest_out[0] = '\0';
    if (changed_out)
        *changed_out = 0;
    const s2n_wheel_target *t = c->t;
    const s2n_wheel_info *w = c->w;
    char *norm = norm_member(member);
    if (!norm)
        return fail(c->err, c->errcap, "%s: member %s would install outside the environment",
                    w->path, member);
    /* Destination: root files to lib_dir; <x>.data/<scheme>/<sub>. */
    char dest_rel[PATH_MAX];
    int is_script = 0;
    const char *top_end = strchr(norm, '/');
    if (top_end && top_end - norm >= 5 && strncmp(top_end - 5, ".data", 5) == 0) {
        const char *scheme = top_end + 1;
        const char *sub = strchr(scheme, '/');
        if (!sub) {
            free(norm);
            return fail(c->err, c->errcap,
                        "%s: unexpected file %s (.data contents must be <scheme>/<path>)", w->path,
                        member);
        }
        size_t sl = (size_t)(sub - scheme);
        sub++;
        const char *base = NULL;
        char hdr[PATH_MAX];
        if (sl == 7 && strncmp(scheme, "purelib", 7) == 0)
            base = t->purelib;
        else if (sl == 7 && strncmp(scheme, "platlib", 7) == 0)
            base = t->platlib;
        else if (sl == 7 && strncmp(scheme, "scripts", 7) == 0)
            base = t->scripts, is_script = 1;
        else if (sl == 7 && strncmp(scheme, "headers", 7) == 0) {
            snprintf(hdr, sizeof hdr, "%s/%s", t->include, w->name);
            base = hdr;
        } else if (sl == 4 && strncmp(scheme, "data", 4) == 0)
            base = "";
        if (!base) {
            int rc = fail(c->err, c->errcap,
                          "%s: unknown scheme '%.*s' for %s (expected data, headers, platlib, "
                          "purelib, scripts)", w->path, (int)sl, scheme, member);
            free(norm);
            return rc;
        }
        const char *slash2 = strrchr(sub, '/');
        if (is_script && s2n_script_is_wrapper(slash2 ? slash2 + 1 : sub, c->scripts, c->nscripts)) {
            free(norm); /* setuptools' own wrapper: pip regenerates it */
            return 0;
        }
        if (snprintf(dest_rel, sizeof dest_rel, "%s%s%s", base, *base ? "/" : "", sub)
            >= (int)sizeof dest_rel) {
            free(norm);
            return fail(c->err, c->errcap, "%s: path too long: %s", w->path, member);
        }
    } else if (snprintf(dest_rel, sizeof dest_rel, "%s/%s", c->lib_rel, norm)
               >= (int)sizeof dest_rel) {
        free(norm);
        return fail(c->err, c->errcap, "%s: path too long: %s", w->path, member);
    }
    free(norm);
    char dest[PATH_MAX];
    if (snprintf(dest, sizeof dest, "%s/%s", t->root, dest_rel) >= (int)sizeof dest)
        return fail(c->err, c->errcap, "%s: path too long: %s", w->path, member);

    oldrow key = {.path = (char *)member};
    oldrow *row = bsearch(&key, c->old, c->nold, sizeof *c->old, cmp_oldrow);
    unsigned char *owned = NULL;
    if (!data && cached && is_script) {
        /* may need its #!python line fixed: read it */
        if (read_file(cached, &owned, &len) != 0)
            return fail(c->err, c->errcap, "%s: %s", cached, strerror(errno));
        data = owned;
    }
    if (data && !cached && verify_member(c, row, member, data, len) != 0)
        return -1;

    /* pip's fix_script(): "#!python" becomes the venv interpreter. */
    char *fixed = NULL;
    size_t fixedlen = 0;
    if (is_script && data && len >= 8 && memcmp(data, "#!python", 8) == 0) {
        const unsigned char *nl = memchr(data, '\n', len);
        size_t rest = nl ? len - (size_t)(nl + 1 - data) : 0;
        size_t pl = strlen(c->python);
        fixed = malloc(pl + 3 + rest + 1);
        memcpy(fixed, "#!", 2);
        memcpy(fixed + 2, c->python, pl);
        fixed[2 + pl] = '\n';
        if (rest)
            memcpy(fixed + 3 + pl, nl + 1, rest);
        fixedlen = pl + 3 + rest;
    }
    char *mk = strdup(dest);
    mkdirs_for(mk);
    free(mk);
    int rc = 0;
    if (fixed)
        rc = write_all(dest, (unsigned char *)fixed, fixedlen, exec, c->um);
    else if (data)
        rc = write_all(dest, data, len, exec, c->um);
    else {
        /* the cache copy: a hard link, or a copy across filesystems */
        int lr = link(cached, dest);
        if (lr != 0 && errno == EEXIST && unlink(dest) == 0)
            lr = link(cached, dest);
        if (lr != 0) {
            unsigned char *buf = NULL;
            size_t bl = 0;
            rc = read_file(cached, &buf, &bl) == 0 ? write_all(dest, buf, bl, exec, c->um) : -1;
            free(buf);
        }
    }
    free(owned);
    if (rc == 0 && dest_out)
        snprintf(dest_out, PATH_MAX, "%s", dest);
    if (changed_out)
        *changed_out = fixed != NULL;
    if (rc != 0) {
        free(fixed);
        return fail(c->err, c->errcap, "%s: write failed: %s", dest, strerror(errno));
    }
    s2n_installed *ins = c->ins;
    char *rel = relpath(c->lib_rel, dest_rel);
    if (row && !row->matched) {
        row->matched = 1;
        row->newpath = rel;
        if (fixed) {
            uint8_t d[32];
            s2n_sha256(fixed, fixedlen, d);
            char h[64], sz[24];
            record_digest(d, fixedlen, h, sizeof h, sz, sizeof sz);
            row->newhash = strdup(h);
            row->newsize = strdup(sz);
        }
    } else {
        /* Not in the wheel's RECORD: recorded without a hash, as pip. */
        add_row(ins, rel, "", "");
        free(rel);
    }
    free(fixed);
    size_t dl2 = strlen(dest);
    if (dl2 > 3 && strcmp(dest + dl2 - 3, ".py") == 0 && t->compile) {
        /* A pyc the cache already holds for this interpreter is linked;
         * else the file is compiled later (and its pyc kept in the cache). */
        char cpyc[PATH_MAX], dpyc[PATH_MAX];
        if (cached && t->cache_tag) {
            /* flat cache: files/<k> has its pyc at files/<k>.<tag>.pyc */
            snprintf(cpyc, sizeof cpyc, "%s.%s.pyc", cached, t->cache_tag);
            pyc_path_for(dest, t->cache_tag, dpyc, sizeof dpyc);
            char *mk2 = strdup(dpyc);
            mkdirs_for(mk2);
            free(mk2);
            if (access(cpyc, F_OK) == 0 && link(cpyc, dpyc) == 0) {
                char *prel = relpath(ins->lib_dir, dpyc);
                add_row(ins, prel, "", "");
                free(prel);
                return 0;
            }
        }
        char **np = realloc(ins->pyfiles, (ins->npy + 1) * sizeof *np);
        char **nc = realloc(ins->pycache, (ins->npy + 1) * sizeof *nc);
        if (np)
            ins->pyfiles = np;
        if (nc)
            ins->pycache = nc;
        if (np && nc) {
            np[ins->npy] = strdup(dest);
            const char *src = cached ? cached : cache_final;
            nc[ins->npy] = src ? strdup(src) : NULL;
            ins->npy++;
        }
    }
    return 0;
}

/* Read every file member of the wheel and hand it to place_member(); with
 * `fill` (a cache folder being made, to be renamed to `final`) also keep
 * it there. */
static int from_archive(placer *c, const char *fill, const char *final)
{
    struct archive *a = s2n_wheel_open(c->w->path, c->err, c->errcap);
    if (!a)
        return -1;
    FILE *manifest = NULL;
    if (fill) {
        char mf[PATH_MAX];
        snprintf(mf, sizeof mf, "%s/manifest", fill);
        if (!(manifest = fopen(mf, "w"))) {
            archive_read_free(a);
            return fail(c->err, c->errcap, "%s: %s", mf, strerror(errno));
        }
    }
    struct archive_entry *e;
    int r, rc = 0;
    unsigned char *data = NULL;
    size_t datacap = 0, nmember = 0;
    if (fill) {
        char fd[PATH_MAX];
        snprintf(fd, sizeof fd, "%s/files", fill);
        if (mkdir(fd, 0777) != 0 && errno != EEXIST) {
            archive_read_free(a);
            if (manifest)
                fclose(manifest);
            return fail(c->err, c->errcap, "%s: %s", fd, strerror(errno));
        }
    }
    while (rc == 0 && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *member = archive_entry_pathname(e);
        if (!member || archive_entry_filetype(e) == AE_IFDIR || member[strlen(member) - 1] == '/')
            continue;
        size_t len = 0;
        const void *blk;
        size_t bsz;
        la_int64_t off;
        int br;
        while ((br = archive_read_data_block(a, &blk, &bsz, &off)) == ARCHIVE_OK) {
            size_t end = (size_t)off + bsz;
            if (end > datacap) {
                size_t nc = datacap ? datacap : 65536;
                while (nc < end)
                    nc *= 2;
                unsigned char *nd = realloc(data, nc);
                if (!nd) {
                    rc = fail(c->err, c->errcap, "out of memory");
                    break;
                }
                data = nd, datacap = nc;
            }
            if (bsz == 0)
                continue; /* libarchive may hand out empty blocks */
            if ((size_t)off > len)
                memset(data + len, 0, (size_t)off - len);
            memcpy(data + off, blk, bsz);
            if (end > len)
                len = end;
        }
        if (rc == 0 && br != ARCHIVE_EOF)
            rc = fail(c->err, c->errcap, "%s: cannot read %s: %s", c->w->path, member,
                      archive_error_string(a));
        if (rc != 0)
            break;
        int exec = archive_entry_filetype(e) == AE_IFREG && (archive_entry_perm(e) & 0111);
        if (strchr(member, '\n') || strchr(member, '\t')) {
            rc = fail(c->err, c->errcap, "%s: unusable member name", c->w->path);
            break;
        }
        const unsigned char *bytes = data ? data : (unsigned char *)"";
        if (!fill) {
            rc = place_member(c, member, exec, bytes, len, NULL, NULL, NULL, NULL);
            continue;
        }
        /* Filling the cache: the member is placed (and verified) in the
         * environment, then the cache gets a hard link to it (a link is
         * much cheaper than a second file), or a copy of the original
         * bytes when the placed file was changed or skipped. */
        /* Flat names (files/<k>, k the manifest line): no folders to make. */
        char cp[PATH_MAX], cf[PATH_MAX], dest[PATH_MAX];
        int changed = 0;
        if (snprintf(cp, sizeof cp, "%s/files/%zu", fill, nmember) >= (int)sizeof cp
            || snprintf(cf, sizeof cf, "%s/files/%zu", final, nmember) >= (int)sizeof cf) {
            rc = fail(c->err, c->errcap, "%s: path too long", fill);
            break;
        }
        nmember++;
        rc = place_member(c, member, exec, bytes, len, NULL, cf, dest, &changed);
        if (rc != 0)
            break;
        if ((!dest[0] || changed || link(dest, cp) != 0)
            && write_all(cp, bytes, len, exec, c->um) != 0)
            rc = fail(c->err, c->errcap, "%s: %s", cp, strerror(errno));
        fprintf(manifest, "%d\t%s\n", exec, member);
    }
    if (rc == 0 && r != ARCHIVE_EOF)
        rc = fail(c->err, c->errcap, "%s: broken wheel: %s", c->w->path, archive_error_string(a));
    archive_read_free(a);
    free(data);
    if (manifest && fclose(manifest) != 0 && rc == 0)
        rc = fail(c->err, c->errcap, "%s: cannot write the cache manifest", fill);
    return rc;
}

/* Install from a filled cache entry: every member by its manifest line. */
static int from_cache(placer *c, const char *entry)
{
    char mf[PATH_MAX];
    if (snprintf(mf, sizeof mf, "%s/manifest", entry) >= (int)sizeof mf)
        return fail(c->err, c->errcap, "%s: path too long", entry);
    FILE *f = fopen(mf, "r");
    if (!f)
        return fail(c->err, c->errcap, "%s: %s", mf, strerror(errno));
    char line[PATH_MAX + 8];
    int rc = 0;
    size_t k = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        const char *member = tab + 1;
        char cp[PATH_MAX];
        if (snprintf(cp, sizeof cp, "%s/files/%zu", entry, k++) >= (int)sizeof cp)
            rc = fail(c->err, c->errcap, "%s: bad cache entry %s", entry, member);
        else
            rc = place_member(c, member, line[0] == '1', NULL, 0, cp, NULL, NULL, NULL);
    }
    fclose(f);
    return rc;
}

/* The cache entry of this wheel (keyed by its sha256).  0 with `entry`
 * set when it exists (install from it); 1 when it was new and filled
 * while the members were placed; -1 on error. */
static int use_cache(placer *c, char *entry, size_t cap)
{
    uint8_t d[32];
    char hex[65];
    uint64_t size;
    if (s2n_sha256_file(c->w->path, d, &size) != 0)
        return fail(c->err, c->errcap, "%s: %s", c->w->path, strerror(errno));
    s2n_hex(d, 32, hex);
    /* the suffix is the entry format: bump it when the layout changes */
    snprintf(entry, cap, "%s/%.48s.2", c->t->cache_dir, hex);
    char mf[PATH_MAX], tmp[PATH_MAX];
    if (snprintf(mf, sizeof mf, "%s/manifest", entry) >= (int)sizeof mf
        || snprintf(tmp, sizeof tmp, "%s.tmp-%ld", entry, (long)getpid()) >= (int)sizeof tmp)
        return fail(c->err, c->errcap, "%s: path too long", entry);
    if (access(mf, F_OK) == 0)
        return 0;
    char mk[PATH_MAX + 8];
    snprintf(mk, sizeof mk, "%s/x", tmp);
    rm_tree(tmp);
    if (mkdirs_for(mk) != 0)
        return fail(c->err, c->errcap, "cannot create %s: %s", tmp, strerror(errno));
    if (from_archive(c, tmp, entry) != 0) {
        rm_tree(tmp);
        return -1;
    }
    /* Whoever renames first wins; a loser's copy is just dropped, and its
     * compiled files are not offered to the winner's sources. */
    if (rename(tmp, entry) != 0) {
        rm_tree(tmp);
        for (size_t i = 0; i < c->ins->npy; i++) {
            free(c->ins->pycache[i]);
            c->ins->pycache[i] = NULL;
        }
    }
    return 1; /* placed while filling */
}

int s2n_wheel_install(const s2n_wheel_info *w, const s2n_wheel_target *t, s2n_installed *ins,
                      char *err, size_t errcap)
{
    memset(ins, 0, sizeof *ins);
    placer c = {.w = w, .t = t, .ins = ins, .err = err, .errcap = errcap};
    c.lib_rel = w->root_is_purelib ? t->purelib : t->platlib;
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s/%s", t->root, c.lib_rel);
    ins->lib_dir = strdup(buf);
    snprintf(buf, sizeof buf, "%s/%s/%s", t->root, c.lib_rel, w->distinfo);
    ins->distinfo_dir = strdup(buf);
    ins->root = strdup(t->root);
    ins->final_root = strdup(t->final_root ? t->final_root : t->root);

    c.nold = parse_record(w->record, &c.old);
    qsort(c.old, c.nold, sizeof *c.old, cmp_oldrow);
    if (s2n_entry_scripts(w->entry_points, t->python_xy, &c.scripts, &c.nscripts, err, errcap)
        != 0) {
        free_oldrows(c.old, c.nold);
        return -1;
    }
    snprintf(c.python, sizeof c.python, "%s/%s/python", t->final_root, t->scripts);
    c.um = current_umask();
    mode_t um = c.um;

    int rc;
    if (t->cache_dir) {
        char entry[PATH_MAX];
        rc = use_cache(&c, entry, sizeof entry);
        if (rc == 0)
            rc = from_cache(&c, entry);
        else if (rc == 1)
            rc = 0;
    } else
        rc = from_archive(&c, NULL, NULL);
    if (rc != 0)
        goto bad;

    for (size_t i = 0; i < c.nold; i++) {
        oldrow *o = &c.old[i];
        if (o->matched)
            add_row(ins, o->newpath, o->newhash ? o->newhash : o->hash,
                    o->newsize ? o->newsize : o->size);
        else
            add_row(ins, o->path, o->hash, o->size);
    }

    /* Console and GUI wrappers (distlib SCRIPT_TEMPLATE, mode |= 0555). */
    for (size_t i = 0; i < c.nscripts; i++) {
        size_t n = 0;
        char *text = s2n_script_text(&c.scripts[i], c.python, &n);
        if (!text) {
            fail(err, errcap, "out of memory");
            goto bad;
        }
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s/%s", t->root, t->scripts, c.scripts[i].name);
        int wrc = write_generated(ins, path, text, (size_t)n, ((0666 & ~um) | 0555) & 07777, err,
                                  errcap);
        free(text);
        if (wrc != 0)
            goto bad;
    }

    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/INSTALLER", ins->distinfo_dir);
    char inst[128];
    int il = snprintf(inst, sizeof inst, "%s\n", t->installer ? t->installer : "s2nbuild");
    if (write_generated(ins, path, inst, (size_t)il, 0666 & ~um, err, errcap) != 0)
        goto bad;
    if (t->requested) {
        snprintf(path, sizeof path, "%s/REQUESTED", ins->distinfo_dir);
        if (write_generated(ins, path, "", 0, 0666 & ~um, err, errcap) != 0)
            goto bad;
    }
    if (t->direct_url) {
        snprintf(path, sizeof path, "%s/direct_url.json", ins->distinfo_dir);
        if (write_generated(ins, path, t->direct_url, strlen(t->direct_url), 0666 & ~um, err,
                            errcap) != 0)
            goto bad;
    }
    free_oldrows(c.old, c.nold);
    s2n_scripts_free(c.scripts, c.nscripts);
    return 0;
bad:
    free_oldrows(c.old, c.nold);
    s2n_scripts_free(c.scripts, c.nscripts);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Byte-compiling and the final RECORD                                 */

/* What pip's compileall.compile_file(force=True, quiet=True) does per
 * file — py_compile.compile() with the default invalidation mode, errors
 * skipped — without importing compileall, and split over one forked
 * worker per CPU (up to 4): a compile is CPU plus one new file each. */
static const char compile_script[] =
    "import os, sys, warnings, py_compile\n"
    "from importlib.util import cache_from_source\n"
    "warnings.filterwarnings('ignore')\n"
    "items = [l.split('\\t', 2) for l in open(sys.argv[1], encoding='utf-8').read().splitlines()]\n"
    "def run(part):\n"
    "    out = []\n"
    "    for i, p, d in part:\n"
    "        try:\n"
    "            py_compile.compile(p, dfile=d, doraise=True)\n"
    "        except Exception:\n"
    "            continue\n"
    "        out.append(i + '\\t' + cache_from_source(p) + '\\n')\n"
    "    return ''.join(out)\n"
    "n = min(len(os.sched_getaffinity(0)), 4) if len(items) >= 24 else 1\n"
    "kids = []\n"
    "for k in range(1, n):\n"
    "    r, w = os.pipe()\n"
    "    pid = os.fork()\n"
    "    if pid == 0:\n"
    "        os.close(r)\n"
    "        with os.fdopen(w, 'w', encoding='utf-8') as f:\n"
    "            f.write(run(items[k::n]))\n"
    "        os._exit(0)\n"
    "    os.close(w)\n"
    "    kids.append((pid, r))\n"
    "out = [run(items[0::n])]\n"
    "for pid, r in kids:\n"
    "    with os.fdopen(r, encoding='utf-8') as f:\n"
    "        out.append(f.read())\n"
    "    os.waitpid(pid, 0)\n"
    "sys.stdout.write(''.join(out))\n";

int s2n_wheel_compile(s2n_installed *ins, size_t n, const char *python, const char *tmpdir,
                      const s2n_runner *runner, char *err, size_t errcap)
{
    char list[PATH_MAX];
    snprintf(list, sizeof list, "%s/compile-%ld.txt", tmpdir, (long)getpid());
    FILE *f = fopen(list, "w");
    if (!f)
        return fail(err, errcap, "%s: %s", list, strerror(errno));
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ins[i].npy; k++) {
            if (strpbrk(ins[i].pyfiles[k], "\n\t"))
                continue;
            /* The pyc names the file where it will live, as pip's does
             * (compiled in place): tracebacks of a module loaded without
             * its source name the environment, not its build folder. */
            const char *py = ins[i].pyfiles[k];
            size_t rl = ins[i].root ? strlen(ins[i].root) : 0;
            if (rl && strncmp(py, ins[i].root, rl) == 0 && py[rl] == '/')
                fprintf(f, "%zu.%zu\t%s\t%s%s\n", i, k, py, ins[i].final_root, py + rl);
            else
                fprintf(f, "%zu.%zu\t%s\t%s\n", i, k, py, py);
            total++;
        }
    if (fclose(f) != 0) {
        unlink(list);
        return fail(err, errcap, "%s: write failed", list);
    }
    if (total == 0) {
        unlink(list);
        return 0;
    }
    /* -S: compileall needs no site; it saves the startup of site. */
    const char *argv[] = {python, "-I", "-S", "-c", compile_script, list, NULL};
    char *out = NULL;
    size_t len = 0;
    int rc = runner->run(runner->ctx, argv, &out, &len);
    unlink(list);
    if (rc != 0) {
        free(out);
        return fail(err, errcap, "byte-compiling with %s failed (exit %d)", python, rc);
    }
    for (char *p = out; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        char *tab = strchr(p, '\t');
        if (tab) {
            char *dot;
            size_t i = strtoul(p, &dot, 10);
            size_t k = *dot == '.' ? strtoul(dot + 1, NULL, 10) : (size_t)-1;
            if (i < n) {
                char *rel = relpath(ins[i].lib_dir, tab + 1);
                add_row(&ins[i], rel, "", "");
                free(rel);
                /* keep the pyc beside the cached source for the next
                 * environment (same mtime: the source is a hard link) */
                if (k < ins[i].npy && ins[i].pycache && ins[i].pycache[k]) {
                    /* <dir>/__pycache__/<stem>.<tag>.pyc -> files/<k>.<tag>.pyc */
                    const char *pb = strrchr(tab + 1, '/');
                    const char *py = strrchr(ins[i].pyfiles[k], '/');
                    size_t stem = py ? strlen(py + 1) - 3 : 0;
                    char cpyc[PATH_MAX];
                    if (pb && py && strlen(pb + 1) > stem + 1
                        && snprintf(cpyc, sizeof cpyc, "%s%s", ins[i].pycache[k], pb + 1 + stem)
                               < (int)sizeof cpyc) {
                        if (link(tab + 1, cpyc) != 0 && errno != EEXIST) {
                            /* a cache without pyc only costs a compile */
                        }
                    }
                }
            }
        }
        p = nl ? nl + 1 : NULL;
    }
    free(out);
    return 0;
}

static int cmp_row(const void *a, const void *b)
{
    const s2n_record_row *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (!c)
        c = strcmp(x->hash, y->hash);
    if (!c)
        c = strcmp(x->size, y->size);
    return c;
}

/* Python's csv.writer (excel dialect): quote when needed, CRLF. */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int s2n_installed_finish(s2n_installed *ins, char *err, size_t errcap)
{
    qsort(ins->rows, ins->nrows, sizeof *ins->rows, cmp_row);
    char path[PATH_MAX], tmp[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/RECORD", ins->distinfo_dir);
    snprintf(tmp, sizeof tmp, "%s.s2n-tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return fail(err, errcap, "%s: %s", tmp, strerror(errno));
    for (size_t i = 0; i < ins->nrows; i++) {
        csv_field(f, ins->rows[i].path);
        fputc(',', f);
        csv_field(f, ins->rows[i].hash);
        fputc(',', f);
        csv_field(f, ins->rows[i].size);
        fputs("\r\n", f);
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return fail(err, errcap, "%s: write failed", path);
    }
    return 0;
}

void s2n_installed_free(s2n_installed *ins)
{
    for (size_t i = 0; i < ins->nrows; i++) {
        free(ins->rows[i].path);
        free(ins->rows[i].hash);
        free(ins->rows[i].size);
    }
    free(ins->rows);
    if (ins->pycache)
        s2n_strv_free(ins->pycache, ins->npy);
    s2n_strv_free(ins->pyfiles, ins->npy);
    free(ins->lib_dir);
    free(ins->distinfo_dir);
    free(ins->root);
    free(ins->final_root);
    memset(ins, 0, sizeof *ins);
}

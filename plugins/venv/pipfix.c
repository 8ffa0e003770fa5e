/*
 * Path fix-ups after pip ran against the temporary environment.
 */
#include "config.h"

#include "plugins/venv/pipfix.h"
#include "plugins/common/hash.h"
#include "plugins/common/wheel_install.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct fixed {
    char name[NAME_MAX + 1];
    char hash[64];
    char size[24];
} fixed;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size > (64 << 20)) {
        fclose(f);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!buf || n != (size_t)st.st_size) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Replace `from` with `to` within the first 1 KiB (the shebang, or the
 * /bin/sh exec line distlib uses for long paths). */
static char *rewrite_head(const char *data, size_t len, const char *from, const char *to,
                          size_t *outlen)
{
    size_t fl = strlen(from), tl = strlen(to), head = len < 1024 ? len : 1024;
    size_t hits = 0;
    for (size_t i = 0; i + fl <= head; i++)
        if (memcmp(data + i, from, fl) == 0)
            hits++, i += fl - 1;
    if (!hits)
        return NULL;
    char *out = malloc(len + hits * (tl + 1));
    size_t n = 0, i = 0;
    while (i < len) {
        if (i + fl <= head && memcmp(data + i, from, fl) == 0) {
            memcpy(out + n, to, tl);
            n += tl;
            i += fl;
        } else
            out[n++] = data[i++];
    }
    *outlen = n;
    return out;
}

static int fix_record(const char *record, const fixed *fx, size_t nfx)
{
    size_t len;
    char *text = slurp(record, &len);
    if (!text)
        return -1;
    size_t cap = len + nfx * 128 + 1, n = 0;
    char *out = malloc(cap);
    int changed = 0;
    for (char *p = text; *p;) {
        char *eol = strchr(p, '\n');
        size_t ll = eol ? (size_t)(eol - p + 1) : strlen(p);
        size_t body = ll;
        while (body && (p[body - 1] == '\n' || p[body - 1] == '\r'))
            body--;
        char *fields[3];
        s2n_record_split(p, body, fields);
        const char *base = strrchr(fields[0], '/');
        base = base ? base + 1 : fields[0];
        const fixed *hit = NULL;
        /* scripts are recorded as ../../../bin/NAME */
        if (strstr(fields[0], "bin/") && strncmp(fields[0], "../", 3) == 0)
            for (size_t k = 0; k < nfx; k++)
                if (strcmp(fx[k].name, base) == 0)
                    hit = &fx[k];
        if (hit && fields[1][0]) {
            n += (size_t)sprintf(out + n, "%s,%s,%s%.*s", fields[0], hit->hash, hit->size,
                                 (int)(ll - body), p + body);
            changed = 1;
        } else {
            memcpy(out + n, p, ll);
            n += ll;
        }
        for (int k = 0; k < 3; k++)
            free(fields[k]);
        p += ll;
    }
    int rc = 0;
    if (changed) {
        char tmp[PATH_MAX + 16];
        snprintf(tmp, sizeof tmp, "%s.s2n-tmp", record);
        FILE *f = fopen(tmp, "wb");
        if (!f || fwrite(out, 1, n, f) != n || fclose(f) != 0 || rename(tmp, record) != 0) {
            unlink(tmp);
            rc = -1;
        }
    }
    free(text);
    free(out);
    return rc;
}

int s2n_pipfix_paths(const char *tmp_root, const char *final_root, const char *lib_rel, char *err,
                     size_t errcap)
{
    char bin[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
    snprintf(bin, sizeof bin, "%s/bin", tmp_root);
    snprintf(from, sizeof from, "%s/bin/", tmp_root);
    snprintf(to, sizeof to, "%s/bin/", final_root);
    DIR *d = opendir(bin);
    if (!d) {
        snprintf(err, errcap, "%s: %s", bin, strerror(errno));
        return -1;
    }
    fixed *fx = NULL;
    size_t nfx = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[PATH_MAX];
        struct stat st;
        if (snprintf(path, sizeof path, "%s/%s", bin, e->d_name) >= (int)sizeof path)
            continue;
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        size_t len, nl;
        char *data = slurp(path, &len);
        char *nd = data ? rewrite_head(data, len, from, to, &nl) : NULL;
        if (nd) {
            char tmp[PATH_MAX + 16];
            snprintf(tmp, sizeof tmp, "%s.s2n-tmp", path);
            int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 07777);
            ssize_t w = fd >= 0 ? write(fd, nd, nl) : -1;
            if (fd < 0 || w != (ssize_t)nl || fchmod(fd, st.st_mode & 07777) != 0 || close(fd) != 0
                || rename(tmp, path) != 0) {
                unlink(tmp);
                snprintf(err, errcap, "%s: cannot rewrite: %s", path, strerror(errno));
                free(nd);
                free(data);
                free(fx);
                closedir(d);
                return -1;
            }
            fixed *nf = realloc(fx, (nfx + 1) * sizeof *nf);
            if (nf) {
                fx = nf;
                uint8_t dg[32];
                char b64[48];
                s2n_sha256(nd, nl, dg);
                s2n_b64url_nopad(dg, 32, b64);
                snprintf(fx[nfx].name, sizeof fx[nfx].name, "%s", e->d_name);
                snprintf(fx[nfx].hash, sizeof fx[nfx].hash, "sha256=%s", b64);
                snprintf(fx[nfx].size, sizeof fx[nfx].size, "%zu", nl);
                nfx++;
            }
        }
        free(nd);
        free(data);
    }
    closedir(d);
    if (nfx) {
        char lib[PATH_MAX];
        snprintf(lib, sizeof lib, "%s/%s", tmp_root, lib_rel);
        DIR *ld = opendir(lib);
        while (ld && (e = readdir(ld))) {
            size_t l = strlen(e->d_name);
            if (l > 10 && strcmp(e->d_name + l - 10, ".dist-info") == 0) {
                char rec[PATH_MAX];
                if (snprintf(rec, sizeof rec, "%s/%s/RECORD", lib, e->d_name) >= (int)sizeof rec)
                    continue;
                if (access(rec, F_OK) == 0 && fix_record(rec, fx, nfx) != 0) {
                    snprintf(err, errcap, "%s: cannot update", rec);
                    closedir(ld);
                    free(fx);
                    return -1;
                }
            }
        }
        if (ld)
            closedir(ld);
    }
    free(fx);
    return (int)nfx;
}

/* ---------------------------------------------------- secrets off argv */

/* A URL with user info (scheme://user[:password]@host/...). */
static int has_userinfo(const char *url)
{
    const char *scheme = strstr(url, "://");
    if (!scheme)
        return 0;
    const char *auth = scheme + 3;
    size_t n = strcspn(auth, "/?#");
    return memchr(auth, '@', n) != NULL;
}

/* pip splits these variables at whitespace: a value holding some cannot
 * travel that way (and is no valid URL anyway). */
static int env_safe(const char *v)
{
    return v && *v && !strpbrk(v, " \t\r\n");
}

int s2n_pipfix_link_in_env(const char *link)
{
    return has_userinfo(link) && env_safe(link);
}

/* NAME=<the stage's NAME> v1 v2 ... (only the vs that are set). */
static const char *join_var(s2n_stage *st, const s2n_host *h, const char *name,
                            const char *const *v, size_t n, int (*want)(const char *))
{
    const char *have = h->getenv(st, name);
    char *out = h->str_printf(st, "%s=%s", name, have ? have : "");
    int any = 0;
    for (size_t i = 0; i < n; i++)
        if (want(v[i])) {
            out = h->str_printf(st, "%s%s%s", out, any || (have && *have) ? " " : "", v[i]);
            any = 1;
        }
    return any ? out : NULL;
}

const char **s2n_pipfix_index_env(s2n_stage *st, const s2n_host *h, const char *index_url,
                                  const char *const *extra, size_t nextra,
                                  const char *const *links, size_t nlinks)
{
    const char **env = h->alloc(st, 4 * sizeof *env);
    size_t n = 0;
    if (index_url && *index_url)
        env[n++] = h->str_printf(st, "PIP_INDEX_URL=%s", index_url);
    const char *e = join_var(st, h, "PIP_EXTRA_INDEX_URL", extra, nextra, env_safe);
    if (e)
        env[n++] = e;
    const char *l = join_var(st, h, "PIP_FIND_LINKS", links, nlinks, s2n_pipfix_link_in_env);
    if (l)
        env[n++] = l;
    env[n] = NULL;
    return env;
}

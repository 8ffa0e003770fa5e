#include "config.h"
#include "core/cache.h"
#include "core/interp.h"
#include "core/pathglob.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern const char s2n_version[];

#define CACHE_FORMAT 1

static int no_cache, force_run;

void cache_configure(int nc, int force)
{
    no_cache = nc;
    force_run = force;
}

/* ------------------------------------------------------------ hashing */

typedef struct hasher {
    EVP_MD_CTX *md;
    int bad; /* a digest call failed: no key rather than a wrong one */
} hasher;

static void h_init(hasher *h)
{
    h->md = EVP_MD_CTX_new();
    h->bad = !h->md || !core_sha256() || EVP_DigestInit_ex(h->md, core_sha256(), NULL) != 1;
}

/* Length-prefixed, so "ab"+"c" never equals "a"+"bc". */
static void h_str(hasher *h, const char *s)
{
    size_t n = s ? strlen(s) : (size_t)-1;
    if (h->bad)
        return;
    h->bad = EVP_DigestUpdate(h->md, &n, sizeof n) != 1 ||
             (s && EVP_DigestUpdate(h->md, s, strlen(s)) != 1);
}

static void h_fmt(hasher *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void h_fmt(hasher *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    h_str(h, s);
    free(s);
}

/* The hex key (malloc'd), or NULL when hashing failed. */
static char *h_final(hasher *h)
{
    unsigned char d[32];
    unsigned int n = 0;
    int ok = !h->bad && EVP_DigestFinal_ex(h->md, d, &n) == 1 && n == 32;
    EVP_MD_CTX_free(h->md);
    if (!ok)
        return NULL;
    char *hex = xmalloc(65);
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return hex;
}

static void h_value(hasher *h, const s2n_value *v)
{
    if (!v) {
        h_str(h, "<none>");
        return;
    }
    h_fmt(h, "k%d:%zu", v->kind, v->n);
    if (v->kind == S2N_KIND_STRING)
        h_str(h, v->str);
    for (size_t i = 0; i < v->n; i++) {
        if (v->kind == S2N_KIND_MAP)
            h_str(h, v->keys[i]);
        h_value(h, v->items[i]);
    }
}

/* ---------------------------------------------- file hashes, memoised */

/* Within one process the same file is hashed once (several stages share
 * a workdir); the memo is keyed by path, size, mtime and inode. */
typedef struct memo {
    char *path;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    char sha[65];
} memo;
static memo *memos;
static size_t nmemos, capmemos;

static int file_sha(const char *path, const struct stat *sb, char out[65])
{
    for (size_t i = 0; i < nmemos; i++) {
        memo *m = &memos[i];
        if (m->ino == sb->st_ino && m->dev == sb->st_dev && m->size == sb->st_size &&
            m->mtime.tv_sec == sb->st_mtim.tv_sec && m->mtime.tv_nsec == sb->st_mtim.tv_nsec &&
            strcmp(m->path, path) == 0) {
            memcpy(out, m->sha, 65);
            return 0;
        }
    }
    uint64_t size;
    if (sha256_file_hex(path, out, &size) != 0)
        return -1;
    if (nmemos == capmemos) {
        capmemos = capmemos ? 2 * capmemos : 256;
        memos = xrealloc(memos, capmemos * sizeof *memos);
    }
    memo *m = &memos[nmemos++];
    m->path = xstrdup(path);
    m->dev = sb->st_dev;
    m->ino = sb->st_ino;
    m->size = sb->st_size;
    m->mtime = sb->st_mtim;
    memcpy(m->sha, out, 65);
    return 0;
}

/* ------------------------------------------------------------- inputs */

static const char *const skipped_dirs[] = {
    ".git", ".hg", ".svn", ".s2nbuild", ".venv", "venv", ".tox", ".nox", "__pycache__",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", ".eggs", "node_modules", "build", "dist",
    "_build", "htmlcov"};

static int skip_dir(const char *name, int all)
{
    if (strcmp(name, ".git") == 0 || strcmp(name, ".s2nbuild") == 0)
        return 1;
    if (all)
        return 0;
    size_t n = strlen(name);
    if (n > 9 && strcmp(name + n - 9, ".egg-info") == 0)
        return 1;
    for (size_t i = 0; i < S2N_ARRAY_LEN(skipped_dirs); i++)
        if (strcmp(name, skipped_dirs[i]) == 0)
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Regular files under base/rel, as base-relative paths. */
static void walk(const char *base, const char *rel, int all, strvec *out)
{
    char *dir = *rel ? path_join(base, rel) : xstrdup(base);
    DIR *d = opendir(dir);
    if (!d) {
        free(dir);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *r = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
        char *full = path_join(base, r);
        struct stat sb;
        if (lstat(full, &sb) == 0) {
            if (S_ISDIR(sb.st_mode)) {
                if (!skip_dir(e->d_name, all))
                    walk(base, r, all, out);
                free(r);
            } else if (S_ISREG(sb.st_mode) || S_ISLNK(sb.st_mode)) {
                sv_push(out, r);
            } else {
                free(r);
            }
        } else {
            free(r);
        }
        free(full);
    }
    closedir(d);
    free(dir);
}

static s2n_value *inputs_files(stage_def *s)
{
    s2n_value *in = value_get(s->node, "inputs");
    if (in && in->kind == S2N_KIND_MAP)
        return value_get(in, "files");
    return in;
}

static void hash_inputs(hasher *h, stage_def *s)
{
    s2n_value *in = value_get(s->node, "inputs");
    s2n_value *files = inputs_files(s);
    const char *globs[256];
    size_t ng = 0;
    if (files && files->kind == S2N_KIND_STRING)
        globs[ng++] = files->str;
    for (size_t i = 0; files && files->kind == S2N_KIND_LIST && i < files->n && ng < 256; i++)
        if (files->items[i]->kind == S2N_KIND_STRING)
            globs[ng++] = files->items[i]->str;
    /* Tool state (caches, egg-info, build/) never counts, also under a
     * declared directory: tools write it while they work.  A glob that
     * starts inside such a folder (the wheels in dist) reads it on purpose. */
    strvec all = {0};
    walk(s->workdir, "", 0, &all);
    for (size_t g = 0; g < ng; g++) {
        const char *slash = strchr(globs[g], '/');
        char *first = slash ? xstrndup(globs[g], (size_t)(slash - globs[g])) : xstrdup(globs[g]);
        if (!strpbrk(first, "*?[") && skip_dir(first, 0) && !skip_dir(first, 1))
            walk(s->workdir, first, 1, &all);
        free(first);
    }
    if (all.n)
        qsort(all.v, all.n, sizeof *all.v, cmp_str);
    for (size_t i = 0; i < all.n; i++) {
        int take = !in || (in->kind == S2N_KIND_MAP && !files);
        for (size_t g = 0; !take && g < ng; g++)
            take = pathglob_match_path(globs[g], all.v[i]);
        if (!take)
            continue;
        char *full = path_join(s->workdir, all.v[i]);
        struct stat sb;
        char sha[65] = "unreadable";
        if (stat(full, &sb) == 0 && S_ISREG(sb.st_mode))
            file_sha(full, &sb, sha);
        else if (lstat(full, &sb) == 0 && S_ISLNK(sb.st_mode))
            strcpy(sha, "dangling-link");
        h_fmt(h, "file %s %s", all.v[i], sha);
        free(full);
    }
    sv_free(&all);
    s2n_value *envs = in && in->kind == S2N_KIND_MAP ? value_get(in, "env") : NULL;
    size_t ne = envs && envs->kind == S2N_KIND_LIST ? envs->n : envs ? 1 : 0;
    for (size_t i = 0; i < ne; i++) {
        s2n_value *e = envs->kind == S2N_KIND_LIST ? envs->items[i] : envs;
        if (e->kind != S2N_KIND_STRING)
            continue;
        const char *v = getenv(e->str);
        h_fmt(h, "env %s", e->str);
        h_str(h, v); /* hashed, never stored */
    }
}

/* ------------------------------------------------------------ the key */


/* Expands ${} in a copy of v; -1 when a name is undefined. */
static int expand(s2n_value *v, lookup_ctx *c)
{
    if (!v)
        return 0;
    if (v->kind == S2N_KIND_STRING && strchr(v->str, '$')) {
        char *e = interp_expand(v->str, stage_lookup_cb, c, NULL, NULL);
        if (!e)
            return -1;
        free(v->str);
        v->str = e;
    }
    for (size_t i = 0; i < v->n; i++)
        if (expand(v->items[i], c) != 0)
            return -1;
    return 0;
}

static stage_run *run_of(run *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->st[i].def->name, name) == 0)
            return &r->st[i];
    return NULL;
}

char *cache_key(run *r, stage_run *sr, char **why_not)
{
    stage_def *s = sr->def;
    *why_not = NULL;
    s2n_value *c = value_get(s->node, "cache");
    int on = 1;
    if (c && value_to_bool(c, &on) == 0 && !on) {
        *why_not = xstrdup("cache: false");
        return NULL;
    }
    if (!s->plugin) {
        *why_not = xstrdup("no plugin");
        return NULL;
    }
    const s2n_plugin *d = s->plugin->desc;
    if (S2N_HAS_MEMBER(d, s2n_plugin, flags) && (d->flags & S2N_PLUGIN_NO_CACHE)) {
        *why_not = xasprintf("the %s plugin acts on the outside world (never cached)", d->type);
        return NULL;
    }
    hasher h;
    h_init(&h);
    h_fmt(&h, "s2nbuild-stage-cache %d %s", CACHE_FORMAT, s2n_version);
    struct stat sb;
    if (stat(s->plugin->file, &sb) != 0) {
        EVP_MD_CTX_free(h.md);
        *why_not = xasprintf("plugin %s: %s", s->plugin->file, strerror(errno));
        return NULL;
    }
    h_fmt(&h, "plugin %s %lld %lld.%09ld %s %u.%u", s->plugin->file, (long long)sb.st_size,
          (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec, s->plugin->desc->version,
          s->plugin->desc->abi_major, s->plugin->desc->abi_minor);
    h_fmt(&h, "stage %s %s %s", s->type, s->name, s->workdir);
    /* a limit can make a stage fail (or a tool behave differently) */
    for (int k = 0; k < LIMIT_COUNT; k++)
        if (s->limits.set & (1u << k))
            h_fmt(&h, "limit %s %llu", limit_names[k], s->limits.value[k]);
    lookup_ctx lc = {r, s};
    s2n_value *opts = value_copy(s->opts ? s->opts : s->with);
    s2n_value *penv = value_copy(r->p->env), *senv = value_copy(s->env);
    int bad = expand(opts, &lc) || expand(penv, &lc) || expand(senv, &lc);
    h_value(&h, opts);
    h_value(&h, penv);
    h_value(&h, senv);
    value_free(opts);
    value_free(penv);
    value_free(senv);
    if (bad) {
        EVP_MD_CTX_free(h.md);
        *why_not = xstrdup("an option refers to an undefined variable");
        return NULL;
    }
    hash_inputs(&h, s);
    /* Variables that change what Python tools do without any option
     * saying so; hashed, never stored. */
    static const char *const tool_env[] = {
        "PATH", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "SOURCE_DATE_EPOCH", "PIP_INDEX_URL",
        "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX", "PIP_CONSTRAINT", "LANG",
        "LC_ALL", "TZ"};
    for (size_t i = 0; i < S2N_ARRAY_LEN(tool_env); i++) {
        h_fmt(&h, "tool-env %s", tool_env[i]);
        h_str(&h, getenv(tool_env[i]));
    }
    for (size_t i = 0; i < s->needs.n; i++) {
        stage_run *up = run_of(r, s->needs.v[i]);
        if (!up)
            continue;
        h_fmt(&h, "upstream %s %s", up->def->name, outcome_good(up->outcome) ? "good" : "bad");
        for (size_t k = 0; k < up->narts; k++)
            h_fmt(&h, "artifact %s %s %s", up->arts[k].name, up->arts[k].kind, up->arts[k].sha256);
        for (size_t k = 0; k < up->out_keys.n; k++)
            h_fmt(&h, "output %s=%s", up->out_keys.v[k], up->out_vals.v[k]);
    }
    char *key = h_final(&h);
    if (!key)
        *why_not = xstrdup("the cache key could not be computed (sha256 failed)");
    return key;
}

/* ------------------------------------------------------------ storage */

static char *entry_path(run *r, const char *key)
{
    return xasprintf("%s/cache/stages/%s.json", r->state_dir, key);
}

static char *blob_path(run *r, const char *sha)
{
    return xasprintf("%s/cache/blobs/%.2s/%s", r->state_dir, sha, sha);
}

/* Copies src to dst through a temporary file and rename.  On failure
 * errno tells why and nothing is left under dst's name. */
static int copy_file(const char *src, const char *dst)
{
    char *dir = xstrdup(dst);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        if (mkdir_p(dir, 0755) != 0) { /* read-only, full: the real reason */
            int e = errno;
            free(dir);
            errno = e;
            return -1;
        }
    }
    free(dir);
    char *tmp = xasprintf("%s.tmp.%ld", dst, (long)getpid());
    /* a hard link costs nothing when both sides share a file system */
    if (link(src, tmp) != 0) {
        int in = open(src, O_RDONLY | O_CLOEXEC);
        int out = in < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        int ok = in >= 0 && out >= 0;
        char buf[65536];
        ssize_t n = 0;
        while (ok && (n = read(in, buf, sizeof buf)) > 0) {
            ssize_t w = write(out, buf, (size_t)n);
            if (w != n) {
                if (w >= 0) /* a short write is a full disk */
                    errno = ENOSPC;
                ok = 0;
            }
        }
        if (n < 0)
            ok = 0;
        int e = errno;
        if (in >= 0)
            close(in);
        if (out >= 0 && close(out) != 0) {
            e = ok ? errno : e;
            ok = 0;
        }
        if (!ok) {
            unlink(tmp);
            free(tmp);
            errno = e;
            return -1;
        }
    }
    int rc = rename(tmp, dst);
    if (rc != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
    }
    free(tmp);
    return rc;
}

static int starts_with_dir(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

static json_t *artifact_json(run *r, stage_run *sr, const artifact_rec *a)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:I}", "name", a->name, "kind", a->kind, "sha256",
                          a->sha256, "size", (json_int_t)a->size);
    char *runs = path_join(r->state_dir, "runs");
    if (sr->dir && starts_with_dir(a->path, sr->dir)) {
        json_object_set_new(j, "base", json_string("stage"));
        json_object_set_new(j, "path", json_string(a->path + strlen(sr->dir) + 1));
    } else if (starts_with_dir(a->path, r->p->workspace) && !starts_with_dir(a->path, runs)) {
        json_object_set_new(j, "base", json_string("workspace"));
        json_object_set_new(j, "path", json_string(a->path + strlen(r->p->workspace) + 1));
    } else {
        json_object_set_new(j, "base", json_string("absolute"));
        json_object_set_new(j, "path", json_string(a->path));
    }
    free(runs);
    return j;
}

/* A stage's result that cannot be stored is said, and the run goes on:
 * the stage's own result stands. */
static void store_failed(stage_run *sr, const char *path)
{
    fprintf(stderr, "s2nbuild: warning: stage %s not stored in the cache: %s: %s\n",
            sr->def->name, path, strerror(errno));
}

/* Keeps a file's bytes under blobs/ (content-addressed). */
static int keep_blob(run *r, stage_run *sr, const char *path, const char *sha)
{
    char *b = blob_path(r, sha);
    int rc = 0;
    if (access(b, F_OK) != 0 && (rc = copy_file(path, b)) != 0) {
        store_failed(sr, b);
        char *slash = strrchr(b, '/');
        *slash = '\0';
        rmdir(b); /* the blobs/xx/ made for it, when it stayed empty */
    }
    free(b);
    return rc;
}

typedef struct pending {
    stage_run *sr;
    char *key;
} pending;
static pending *pend;
static size_t npend;

static void remember(stage_run *sr, char *key)
{
    for (size_t i = 0; i < npend; i++)
        if (pend[i].sr == sr) {
            free(pend[i].key);
            pend[i].key = key;
            return;
        }
    pend = xrealloc(pend, (npend + 1) * sizeof *pend);
    pend[npend++] = (pending){sr, key};
}

static char *take_key(stage_run *sr)
{
    for (size_t i = 0; i < npend; i++)
        if (pend[i].sr == sr) {
            char *k = pend[i].key;
            pend[i] = pend[--npend];
            return k;
        }
    return NULL;
}

void cache_forget(run *r)
{
    (void)r;
    for (size_t i = 0; i < npend; i++)
        free(pend[i].key);
    free(pend);
    pend = NULL;
    npend = 0;
    for (size_t i = 0; i < nmemos; i++)
        free(memos[i].path);
    free(memos);
    memos = NULL;
    nmemos = capmemos = 0;
}

int cache_end(run *r, stage_run *sr)
{
    char *key = take_key(sr);
    if (!key || no_cache || sr->outcome != OUT_OK) {
        free(key);
        return 0;
    }
    json_t *arts = json_array(), *outs = json_object(), *junit = json_array();
    int rc = 0;
    for (size_t i = 0; i < sr->narts && rc == 0; i++) {
        rc = keep_blob(r, sr, sr->arts[i].path, sr->arts[i].sha256);
        json_array_append_new(arts, artifact_json(r, sr, &sr->arts[i]));
    }
    for (size_t i = 0; i < sr->out_keys.n; i++)
        json_object_set_new(outs, sr->out_keys.v[i], json_string(sr->out_vals.v[i]));
    for (size_t i = 0; i < sr->junit.n && rc == 0; i++) {
        char sha[65];
        uint64_t size;
        if (sha256_file_hex(sr->junit.v[i], sha, &size) != 0)
            continue;
        const char *base = strrchr(sr->junit.v[i], '/');
        rc = keep_blob(r, sr, sr->junit.v[i], sha);
        json_array_append_new(junit, json_pack("{s:s,s:s}", "name", base ? base + 1 : sr->junit.v[i],
                                               "sha256", sha));
    }
    json_t *e = json_pack("{s:i,s:s,s:s,s:s,s:s,s:I,s:o,s:o,s:o}", "format", CACHE_FORMAT, "key",
                          key, "stage", sr->def->name, "type", sr->def->type, "run_id",
                          r->id ? r->id : "", "created", (json_int_t)time(NULL), "artifacts", arts,
                          "outputs", outs, "junit", junit);
    if (sr->message)
        json_object_set_new(e, "message", json_string(sr->message));
    if (sr->has_tests)
        json_object_set_new(e, "tests", json_pack("{s:i,s:i,s:i,s:i}", "passed", sr->tests[0],
                                                  "failed", sr->tests[1], "skipped", sr->tests[2],
                                                  "errors", sr->tests[3]));
    if (rc == 0) {
        char *text = json_dumps(e, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        /* outputs and messages pass the mask like every record */
        size_t n;
        char *m = mask_apply(r->mask, text, strlen(text), &n);
        char *path = entry_path(r, key);
        char *dir = xasprintf("%s/cache/stages", r->state_dir);
        mkdir_p(dir, 0755);
        rc = write_file_atomic(path, m, n);
        if (rc != 0)
            store_failed(sr, path);
        free(dir);
        free(path);
        free(m);
        free(text);
    }
    json_decref(e);
    free(key);
    return rc;
}

/* Puts one artifact back; its absolute path (malloc'd) or NULL. */
static char *restore_artifact(run *r, stage_run *sr, json_t *a)
{
    const char *base = json_string_value(json_object_get(a, "base"));
    const char *rel = json_string_value(json_object_get(a, "path"));
    const char *sha = json_string_value(json_object_get(a, "sha256"));
    if (!base || !rel || !sha)
        return NULL;
    char *target = strcmp(base, "stage") == 0       ? path_join(sr->dir, rel)
                   : strcmp(base, "workspace") == 0 ? path_join(r->p->workspace, rel)
                                                    : xstrdup(rel);
    char have[65];
    uint64_t size;
    if (sha256_file_hex(target, have, &size) == 0 && strcmp(have, sha) == 0)
        return target;
    char *b = blob_path(r, sha);
    int ok = copy_file(b, target) == 0;
    free(b);
    if (!ok) {
        free(target);
        return NULL;
    }
    return target;
}

static void clear_results(stage_run *sr)
{
    for (size_t i = 0; i < sr->narts; i++) {
        free(sr->arts[i].path), free(sr->arts[i].name), free(sr->arts[i].kind);
        free(sr->arts[i].sha256);
    }
    free(sr->arts);
    sr->arts = NULL;
    sr->narts = 0;
    sv_free(&sr->out_keys);
    sv_free(&sr->out_vals);
    sv_free(&sr->junit);
    sr->has_tests = 0;
}

static int restore(run *r, stage_run *sr, json_t *e, const char *key)
{
    /* a published path (a venv) that is gone makes the entry useless */
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(e, "outputs"), k, v)
    {
        const char *s = json_string_value(v);
        if (s && s[0] == '/' && access(s, F_OK) != 0)
            return 0;
    }
    if (!sr->dir) {
        sr->log_path = xasprintf("%s/%s.log", r->dir, sr->def->name);
        sr->dir = xasprintf("%s/%s", r->dir, sr->def->name);
    }
    clear_results(sr);
    json_t *arts = json_object_get(e, "artifacts"), *a;
    size_t i;
    sr->arts = xcalloc(json_array_size(arts) + 1, sizeof *sr->arts);
    json_array_foreach(arts, i, a)
    {
        char *path = restore_artifact(r, sr, a);
        if (!path) {
            clear_results(sr);
            return 0;
        }
        artifact_from_json(&sr->arts[sr->narts++], a, path);
    }
    json_array_foreach(json_object_get(e, "junit"), i, a)
    {
        const char *name = json_string_value(json_object_get(a, "name"));
        const char *sha = json_string_value(json_object_get(a, "sha256"));
        if (!name || !sha || strchr(name, '/'))
            continue;
        char *target = path_join(sr->dir, name), *b = blob_path(r, sha);
        if (copy_file(b, target) == 0)
            sv_push(&sr->junit, target);
        else
            free(target);
        free(b);
    }
    stage_outputs_tests_from_json(sr, e);
    const char *msg = json_string_value(json_object_get(e, "message"));
    const char *from = json_string_value(json_object_get(e, "run_id"));
    free(sr->message);
    sr->message = xasprintf("cached from run %s%s%s", from && *from ? from : "?", msg ? ": " : "",
                            msg ? msg : "");
    FILE *log = fopen(sr->log_path, "w");
    if (log) {
        fprintf(log, "restored from the stage cache (key %s, run %s)\n", key, from ? from : "?");
        fclose(log);
    }
    sr->outcome = OUT_CACHED;
    sr->phase = PH_DONE;
    sr->start = sr->end = now_monotonic();
    return 1;
}

/* `s2nbuild stage TYPE ...` is a one-off try of a plugin: never cached
 * (args.c names its pipeline "command line"). */
static int one_off(const run *r)
{
    return r->p && r->p->file && strcmp(r->p->file, "command line") == 0;
}

int cache_begin(run *r, stage_run *sr)
{
    if (no_cache || one_off(r))
        return 0;
    char *why = NULL;
    char *key = cache_key(r, sr, &why);
    if (!key) {
        free(why);
        return 0;
    }
    if (!force_run) {
        char *path = entry_path(r, key);
        json_t *e = json_load_file(path, 0, NULL);
        free(path);
        int hit = e && json_integer_value(json_object_get(e, "format")) == CACHE_FORMAT &&
                  restore(r, sr, e, key);
        json_decref(e);
        if (hit) {
            free(key);
            return 1;
        }
    }
    remember(sr, key);
    return 0;
}

/* ---------------------------------------------------------- checking */

void cache_check_stage(stage_def *s, diag *d)
{
    s2n_value *c = value_get(s->node, "cache");
    int on;
    if (c && value_to_bool(c, &on) != 0)
        diag_error(d, c, "cache: expected true or false");
    s2n_value *in = value_get(s->node, "inputs");
    if (!in || in->kind == S2N_KIND_NULL)
        return;
    s2n_value *files = in, *env = NULL;
    if (in->kind == S2N_KIND_MAP) {
        static const char *const keys[] = {"files", "env"};
        for (size_t i = 0; i < in->n; i++)
            if (strcmp(in->keys[i], "files") != 0 && strcmp(in->keys[i], "env") != 0) {
                const char *sug = diag_suggest(in->keys[i], keys, 2);
                if (sug)
                    diag_error(d, in->keynodes[i], "unknown key '%s' in inputs (did you mean '%s'?)",
                               in->keys[i], sug);
                else
                    diag_error(d, in->keynodes[i], "unknown key '%s' in inputs; allowed: files, env",
                               in->keys[i]);
            }
        files = value_get(in, "files");
        env = value_get(in, "env");
    }
    size_t nf = !files ? 0 : files->kind == S2N_KIND_LIST ? files->n : 1;
    for (size_t i = 0; i < nf; i++) {
        s2n_value *g = files->kind == S2N_KIND_LIST ? files->items[i] : files;
        if (g->kind != S2N_KIND_STRING) {
            diag_error(d, g, "inputs: expected file globs (strings)");
            continue;
        }
        const char *why = pathglob_check(g->str);
        if (why)
            diag_error(d, g, "inputs: bad pattern '%s': %s", g->str, why);
        else if (g->str[0] == '/' || strncmp(g->str, "../", 3) == 0)
            diag_error(d, g, "inputs: '%s': give paths inside the stage's workdir", g->str);
    }
    size_t ne = !env ? 0 : env->kind == S2N_KIND_LIST ? env->n : 1;
    for (size_t i = 0; i < ne; i++) {
        s2n_value *e = env->kind == S2N_KIND_LIST ? env->items[i] : env;
        if (e->kind != S2N_KIND_STRING || !*e->str || strchr(e->str, '='))
            diag_error(d, e, "inputs.env: expected variable names");
    }
}

/*
 * twine — publishes wheels and sdists: to a PyPI-compatible index through
 * the legacy upload API (what `twine upload` does), or, with no repository
 * configured anywhere, into the local index under .s2nbuild/index that pip
 * and the venv stage can install from.
 *
 * Every file is read and checked first (metadata, name, version, long
 * description); one bad file stops the stage before anything is sent.
 * Then each file is published idempotently: the same bytes already there
 * count as done, the same name with other bytes is an error naming both
 * hashes (or a skip, with skip_existing).
 */
#include <s2nbuild/plugin.h>

#include "plugins/common/coremeta.h"
#include "plugins/common/distread.h"
#include "plugins/common/hash.h"
#include "plugins/common/localindex.h"
#include "plugins/twine/check.h"
#include "plugins/twine/digest.h"
#include "plugins/twine/settings.h"
#include "plugins/twine/form.h"
#include "plugins/twine/remote.h"

#include <curl/curl.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TWINE_VERSION "1.0.0"

static const char *const digest_choices[] = {"all", "sha256", NULL};

static const s2n_option twine_options[] = {
    {.name = "repository", .kind = S2N_KIND_STRING,
     .help = "a .pypirc name (pypi, testpypi, ...), an upload URL, or 'local'; env TWINE_REPOSITORY"},
    {.name = "repository_url", .kind = S2N_KIND_STRING,
     .help = "upload URL (e.g. https://upload.pypi.org/legacy/); env TWINE_REPOSITORY_URL"},
    {.name = "index_url", .kind = S2N_KIND_STRING,
     .help = "simple index asked for existing files (guessed for PyPI and .../legacy/ URLs)"},
    {.name = "username", .kind = S2N_KIND_STRING, .help = "env TWINE_USERNAME; __token__ for tokens"},
    {.name = "password", .kind = S2N_KIND_SECRET, .help = "env TWINE_PASSWORD"},
    {.name = "token", .kind = S2N_KIND_SECRET, .help = "an API token (sent as user __token__)"},
    {.name = "config_file", .kind = S2N_KIND_PATH, .help = ".pypirc to read (default ~/.pypirc)"},
    {.name = "cert", .kind = S2N_KIND_PATH, .help = "CA bundle for TLS; env TWINE_CERT"},
    {.name = "insecure", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "skip TLS verification (prints a warning; never for real indexes)"},
    {.name = "files", .kind = S2N_KIND_LIST,
     .help = "globs of distributions, relative to the workdir (default dist/* without from)"},
    {.name = "from", .kind = S2N_KIND_STRING, .help = "publish the artifacts of this stage"},
    {.name = "skip_existing", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "leave files whose name is already on the index (other bytes) and say so"},
    {.name = "retries", .kind = S2N_KIND_INT, .default_value = "3",
     .help = "retries on connection errors, 5xx and 429"},
    {.name = "timeout", .kind = S2N_KIND_INT, .default_value = "60",
     .help = "seconds a request may stall (no bytes moving) before it is retried"},
    {.name = "check", .kind = S2N_KIND_BOOL, .default_value = "true",
     .help = "check metadata like `twine check` before sending anything"},
    {.name = "digests", .kind = S2N_KIND_STRING, .flags = S2N_OPT_ENUM, .default_value = "all",
     .choices = digest_choices,
     .help = "all: md5, sha256 and blake2b-256 like twine; sha256: that one alone (accepted by "
             "PyPI; a third of the hashing on large files)"},
    {.name = "index_dir", .kind = S2N_KIND_PATH,
     .help = "local index folder (default .s2nbuild/index of the workspace)"},
    {.name = NULL},
};

static int twine_validate(s2n_stage *st, const s2n_host *h)
{
    if (h->option(st, "token") && h->option(st, "password")) {
        h->error(st, "token", "give either token or password, not both");
        return S2N_ERROR;
    }
    if (h->option(st, "repository") && h->option(st, "repository_url")) {
        h->error(st, "repository_url", "give either repository or repository_url, not both");
        return S2N_ERROR;
    }
    long long v;
    if (h->opt_int(st, "retries", &v) == 0 && (v < 0 || v > 20)) {
        h->error(st, "retries", "expected 0 to 20, got %lld", v);
        return S2N_ERROR;
    }
    if (h->opt_int(st, "timeout", &v) == 0 && v <= 0) {
        h->error(st, "timeout", "expected a positive number of seconds, got %lld", v);
        return S2N_ERROR;
    }
    /* Where to publish is known before anything runs: a missing .pypirc
     * section or a bad URL is a configuration error, not a failed run.
     * (Reading .pypirc has no side effects.)  Values that use ${...} are
     * only known when the stage starts; run() checks those. */
    static const char *const deferred[] = {"repository", "repository_url", "config_file",
                                           "username", "index_dir", NULL};
    for (size_t i = 0; deferred[i]; i++) {
        const char *s = h->opt_string(st, deferred[i]);
        if (s && strstr(s, "${"))
            return S2N_OK;
    }
    twine_config c;
    return twine_config_resolve(st, h, &c);
}

/* ------------------------------------------------------------------ */
/* Which files                                                          */

typedef struct {
    char **paths;
    const char **sha256; /* recorded by the host for artifacts, else NULL */
    size_t n, cap;
} pathlist;

static int pl_add(pathlist *l, const char *p, const char *sha256)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->paths[i], p) == 0)
            return 0; /* the same file twice is once */
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **np = realloc(l->paths, cap * sizeof *np);
        if (!np)
            return -1;
        l->paths = np;
        const char **ns = realloc(l->sha256, cap * sizeof *ns);
        if (!ns)
            return -1;
        l->sha256 = ns;
        l->cap = cap;
    }
    if (!(l->paths[l->n] = strdup(p)))
        return -1;
    l->sha256[l->n] = sha256;
    l->n++;
    return 0;
}

static void pl_free(pathlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    free(l->sha256);
}

static int collect_files(s2n_stage *st, const s2n_host *h, pathlist *out)
{
    const char *from = h->opt_string(st, "from");
    const s2n_value *files = h->option(st, "files");
    if (from && *from) {
        size_t n = h->artifact_count(st, from);
        for (size_t i = 0; i < n; i++) {
            const s2n_artifact *a = h->artifact_at(st, from, i);
            if (a && s2n_dist_kind_of(a->path) != S2N_DIST_UNKNOWN &&
                pl_add(out, a->path, a->sha256) != 0)
                return S2N_ERROR;
        }
        if (n == 0) {
            h->error(st, "from", "stage '%s' declared no artifacts", from);
            return S2N_ERROR;
        }
    }
    int defaulted = !files && !(from && *from);
    size_t nf = files ? h->value_len(files) : defaulted ? 1 : 0;
    for (size_t i = 0; i < nf; i++) {
        const char *pat = files ? h->value_str(h->value_at(files, i)) : "dist/*";
        if (!pat)
            continue;
        const char *abs = h->resolve(st, pat);
        glob_t g;
        int r = glob(abs, 0, NULL, &g);
        if (r == GLOB_NOMATCH) {
            h->log(st, S2N_LOG_ERROR, "files: '%s' matches no file", pat);
            return S2N_FAILED;
        }
        if (r != 0) {
            h->log(st, S2N_LOG_ERROR, "files: cannot expand '%s'", pat);
            return S2N_ERROR;
        }
        for (size_t k = 0; k < g.gl_pathc; k++) {
            const char *p = g.gl_pathv[k];
            if (s2n_dist_kind_of(p) == S2N_DIST_UNKNOWN) {
                size_t pl = strlen(p);
                if (defaulted || (pl > 4 && strcmp(p + pl - 4, ".asc") == 0))
                    continue; /* dist/ may hold other things; signatures are not dists */
                h->log(st, S2N_LOG_ERROR, "%s: not a wheel (.whl) or an sdist (.tar.gz)", p);
                globfree(&g);
                return S2N_FAILED;
            }
            if (pl_add(out, p, NULL) != 0) {
                globfree(&g);
                return S2N_ERROR;
            }
        }
        globfree(&g);
    }
    if (out->n == 0) {
        h->log(st, S2N_LOG_ERROR, "no distributions to publish (give files: or from:)");
        return S2N_FAILED;
    }
    return S2N_OK;
}

/* ------------------------------------------------------------------ */
/* Reading and checking                                                 */

typedef struct {
    twine_dist d;
    s2n_dist_kind kind;
    char *metadata;
    size_t metadata_len;
    s2n_coremeta meta;
    char *requires_python;
} dist_item;

typedef struct {
    s2n_stage *st;
    const s2n_host *h;
} report_ctx;

static void report_problem(void *ud, const char *file, const char *msg)
{
    report_ctx *r = ud;
    const char *b = strrchr(file, '/');
    r->h->log(r->st, S2N_LOG_ERROR, "%s: %s", b ? b + 1 : file, msg);
}

static void report_warning(void *ud, const char *file, const char *msg)
{
    report_ctx *r = ud;
    const char *b = strrchr(file, '/');
    r->h->log(r->st, S2N_LOG_WARN, "%s: %s", b ? b + 1 : file, msg);
}

static double mono_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* 0 ok, 1 a problem was reported, -1 internal error. */
static int load_dist(s2n_stage *st, const s2n_host *h, const char *path, const char *expect,
                     const twine_config *c, dist_item *it)
{
    char err[1024];
    report_ctx rc = {st, h};
    const char *from = h->opt_string(st, "from");
    int may_defer = !c->local;
    memset(it, 0, sizeof *it);
    it->d.path = path;
    it->d.want = c->digests;
    if (expect && strlen(expect) == 64) {
        memcpy(it->d.expect_sha256, expect, 65);
        it->d.expect_from = from;
    }
    const char *b = strrchr(path, '/');
    it->d.file_name = b ? b + 1 : path;
    it->kind = s2n_dist_kind_of(path);
    it->metadata = s2n_dist_read_metadata(path, &it->metadata_len, err, sizeof err);
    if (!it->metadata) {
        h->log(st, S2N_LOG_ERROR, "%s", err);
        return 1;
    }
    if (s2n_coremeta_parse(it->metadata, it->metadata_len, &it->meta, err, sizeof err) != 0) {
        h->log(st, S2N_LOG_ERROR, "%s: %s: %s", path,
               it->kind == S2N_DIST_WHEEL ? "METADATA" : "PKG-INFO", err);
        return 1;
    }
    if (c->check && twine_check(&it->meta, it->kind, path, report_problem, report_warning, &rc) > 0)
        return 1;
    const char *name = s2n_coremeta_get(&it->meta, "Name");
    if (!name || !*name) {
        h->log(st, S2N_LOG_ERROR, "%s: metadata has no Name", path);
        return 1;
    }
    it->d.project = name;
    const char *rp = s2n_coremeta_get(&it->meta, "Requires-Python");
    if (rp && !(it->requires_python = twine_fold("Requires-Python", rp)))
        return -1;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        h->log(st, S2N_LOG_ERROR, "%s: %s", path, strerror(errno));
        return 1;
    }
    it->d.size = (unsigned long long)sb.st_size;
    /* A large file is hashed while it is being sent (see remote.c). */
    if (may_defer && sb.st_size >= (off_t)TWINE_DIGEST_THREADED_MIN) {
        it->d.deferred = 1;
        return twine_form_build(&it->d.form, &it->meta, it->kind, path, NULL) == 0 ? 0 : -1;
    }
    double t0 = mono_now();
    if (twine_dist_digests(&it->d) != 0) {
        h->log(st, S2N_LOG_ERROR, "%s", twine_dist_digest_error(&it->d, err, sizeof err));
        return 1;
    }
    h->log(st, S2N_LOG_DEBUG, "%s: digests of %llu bytes in %.3f s", it->d.file_name, it->d.size,
           mono_now() - t0);
    return twine_form_build(&it->d.form, &it->meta, it->kind, path, &it->d.digests) == 0 ? 0 : -1;
}

static void free_item(dist_item *it)
{
    if (it->d.job) { /* never leave hashing threads behind */
        s2n_digests dg;
        twine_digests_finish(it->d.job, &dg);
        it->d.job = NULL;
    }
    twine_form_free(&it->d.form);
    s2n_coremeta_free(&it->meta);
    free(it->metadata);
    free(it->requires_python);
}

/* ------------------------------------------------------------------ */
/* Publishing                                                           */

static twine_outcome publish_local(s2n_stage *st, const s2n_host *h, const twine_config *c,
                                   dist_item *it)
{
    char err[512] = "", existing[65];
    s2n_li_file f = {
        .path = it->d.path,
        .project = it->d.project,
        .requires_python = it->requires_python,
        /* PEP 658 metadata for wheels only: an sdist's PKG-INFO may be
         * incomplete (Dynamic) and pip would trust it. */
        .metadata = it->kind == S2N_DIST_WHEEL ? it->metadata : NULL,
        .metadata_len = it->metadata_len,
        .sha256 = it->d.sha256,
    };
    switch (s2n_localindex_publish(c->index_dir, &f, c->skip_existing, existing, err, sizeof err)) {
    case S2N_LI_ADDED:
        h->log(st, S2N_LOG_INFO, "published %s to the local index", it->d.file_name);
        return TWINE_UPLOADED;
    case S2N_LI_IDENTICAL:
        h->log(st, S2N_LOG_INFO, "%s: already in the local index with the same sha256: nothing to do",
               it->d.file_name);
        return TWINE_PRESENT;
    case S2N_LI_SKIPPED:
        h->log(st, S2N_LOG_WARN,
               "%s: skipped (skip_existing): the local index already has a file of this name "
               "with other bytes (index sha256 %s, ours %s)",
               it->d.file_name, existing, it->d.sha256);
        return TWINE_SKIPPED;
    case S2N_LI_CONFLICT:
    case S2N_LI_ERROR:
    default:
        h->log(st, S2N_LOG_ERROR, "%s: %s", it->d.file_name, err);
        return TWINE_FAILED;
    }
}

static int cmp_wheels_first(const void *a, const void *b)
{
    const dist_item *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind == S2N_DIST_WHEEL ? -1 : 1;
    return 0;
}

static int twine_run(s2n_stage *st, const s2n_host *h)
{
    twine_config c;
    if (twine_config_resolve(st, h, &c) != S2N_OK)
        return S2N_ERROR;
    /* What twine does where FIPS takes md5 away: indexes verify the
     * digests that are sent, and PyPI ignores md5 anyway.  Asked here, not
     * in validate: the core validates in its own process, which need not
     * start OpenSSL for that. */
    int md5_refused = (c.digests & S2N_DIGEST_MD5) && !s2n_md_md5();
    if (md5_refused)
        c.digests &= ~(unsigned)S2N_DIGEST_MD5;
    pathlist files = {0};
    int result = collect_files(st, h, &files);
    if (result != S2N_OK) {
        pl_free(&files);
        return result;
    }

    dist_item *items = calloc(files.n, sizeof *items);
    if (!items) {
        pl_free(&files);
        return S2N_ERROR;
    }
    unsigned bad = 0;
    size_t loaded = 0;
    result = S2N_OK;
    for (size_t i = 0; i < files.n; i++, loaded++) {
        int r = load_dist(st, h, files.paths[i], files.sha256[i], &c, &items[i]);
        if (r < 0) {
            result = S2N_ERROR;
            loaded++;
            goto out;
        }
        bad += (unsigned)r;
    }
    if (bad) {
        h->set_message(st, "%u of %zu file(s) failed the checks; nothing was uploaded", bad, files.n);
        result = S2N_FAILED;
        goto out;
    }
    /* Like twine: wheels go first, so an index never shows an sdist-only
     * release that installers would build from source. */
    qsort(items, loaded, sizeof *items, cmp_wheels_first);

    twine_target t = {0};
    if (!c.local) {
        if (c.insecure)
            h->log(st, S2N_LOG_WARN, "insecure: TLS certificates are NOT verified for %s",
                   c.upload_url);
        t.upload_url = c.upload_url;
        t.index_url = c.index_url;
        t.index_guessed = c.index_guessed;
        t.retries = (int)c.retries;
        t.skip_existing = c.skip_existing;
        /* The core shows in-place progress only on a user's terminal;
         * elsewhere (CI, pipes) each file gets its one "uploaded" line. */
        const char *tty = getenv("S2NBUILD_TTY");
        t.tty = tty && strcmp(tty, "1") == 0;
        t.http.username = c.username;
        t.http.password = c.password;
        t.http.cafile = c.cafile;
        t.http.insecure = c.insecure;
        t.http.timeout = (long)c.timeout;
        t.http.user_agent = "s2nbuild-twine/" TWINE_VERSION;
        curl_global_init(CURL_GLOBAL_DEFAULT);
        h->log(st, S2N_LOG_INFO, "publishing %zu file(s) to %s%s%s", loaded, c.repo_label,
               c.username ? " as " : "", c.username ? c.username : "");
        if (md5_refused)
            h->log(st, S2N_LOG_INFO,
                   "md5 is not available from OpenSSL here (FIPS mode?): md5_digest is not sent, "
                   "as twine does; sha256_digest and blake2_256_digest are");
        if (c.note)
            h->log(st, S2N_LOG_INFO, "%s", c.note);
    } else {
        h->log(st, S2N_LOG_INFO, "%spublishing %zu file(s) to the local index %s",
               c.chosen ? "" : "no repository configured: ", loaded, c.index_dir);
        if (c.note)
            h->log(st, S2N_LOG_WARN, "%s", c.note);
    }

    unsigned counts[4] = {0};
    for (size_t i = 0; i < loaded; i++) {
        twine_outcome o = c.local ? publish_local(st, h, &c, &items[i])
                                  : twine_remote_publish(st, h, &t, &items[i].d);
        counts[o]++;
        if (o == TWINE_FAILED)
            break; /* like twine: stop at the first failure */
    }
    char uploaded[16];
    snprintf(uploaded, sizeof uploaded, "%u", counts[TWINE_UPLOADED]);
    h->set_output(st, "uploaded", uploaded);
    h->set_output(st, "repository", c.local ? c.index_dir : c.upload_url);
    if (c.local)
        h->set_output(st, "index_url", h->str_printf(st, "file://%s/simple", c.index_dir));
    h->set_message(st, "%u uploaded, %u already there, %u skipped%s -> %s", counts[TWINE_UPLOADED],
                   counts[TWINE_PRESENT], counts[TWINE_SKIPPED],
                   counts[TWINE_FAILED] ? ", 1 failed" : "", c.repo_label);
    result = counts[TWINE_FAILED] ? S2N_FAILED : S2N_OK;
    if (!c.local)
        curl_global_cleanup();
out:
    for (size_t i = 0; i < loaded && i < files.n; i++)
        free_item(&items[i]);
    free(items);
    pl_free(&files);
    return result;
}

static int twine_plan(s2n_stage *st, const s2n_host *h)
{
    const char *url = h->opt_string(st, "repository_url");
    const char *repo = h->opt_string(st, "repository");
    const char *from = h->opt_string(st, "from");
    h->log(st, S2N_LOG_INFO, "would publish %s%s to %s", from ? "the artifacts of " : "the files given",
           from ? from : "", url ? url : repo ? repo : "the configured or local index");
    return S2N_OK;
}

static const s2n_plugin twine_plugin = {
    S2N_PLUGIN_HEAD,
    .flags = S2N_PLUGIN_NO_CACHE, /* publishes: never replayed from the stage cache */
    .type = "twine",
    .version = TWINE_VERSION,
    .summary = "publish wheels and sdists to a package index (or the local one), idempotently",
    .options = twine_options,
    .validate = twine_validate,
    .run = twine_run,
    .plan = twine_plan,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &twine_plugin;
}

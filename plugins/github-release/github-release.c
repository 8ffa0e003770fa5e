/*
 * github-release — creates or updates the GitHub release of a tag, attaches
 * the build's files, sets the notes and publishes it last; idempotent, so a
 * re-run after any failure converges.  Without a token it is a dry run that
 * prints the plan and writes the notes (the README example runs this way).
 *
 * This file is the glue between the host and the logic: options, defaults
 * (repo from the origin remote, tag from the build's version, token from
 * the environment), then release.c or dryrun.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <s2nbuild/plugin.h>

#include "assets.h"
#include "dryrun.h"
#include "http.h"
#include "notes.h"
#include "release.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const make_latest_choices[] = {"true", "false", "legacy", NULL};
static const char *const auth_scheme_choices[] = {"Bearer", "token", NULL};

static const s2n_option ghrel_options[] = {
    {.name = "repo", .kind = S2N_KIND_STRING,
     .help = "owner/name; default: parsed from the origin remote URL"},
    {.name = "tag", .kind = S2N_KIND_STRING,
     .help = "tag of the release; default v<version> of the build stage"},
    {.name = "target", .kind = S2N_KIND_STRING,
     .help = "commit the tag is created at; default GIT_COMMIT, else HEAD"},
    {.name = "name", .kind = S2N_KIND_STRING, .help = "release title; default: the tag"},
    {.name = "notes", .kind = S2N_KIND_STRING,
     .help = "`generate` (GitHub's generated notes), `git` (log since the previous tag, "
             "grouped by conventional-commit type) or a file"},
    {.name = "draft", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "leave the release a draft"},
    {.name = "prerelease", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "mark the release as a prerelease"},
    {.name = "make_latest", .kind = S2N_KIND_STRING, .flags = S2N_OPT_ENUM,
     .default_value = "true", .choices = make_latest_choices,
     .help = "mark it as the latest release when published"},
    {.name = "assets", .kind = S2N_KIND_ANY,
     .help = "files to attach: {from: STAGE}, {path: GLOB, name, label}, or a glob "
             "(`GLOB#label` sets the label)"},
    {.name = "replace_assets", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "replace a same-name asset whose content differs (else: error)"},
    {.name = "token", .kind = S2N_KIND_SECRET,
     .help = "GitHub token; default GITHUB_TOKEN, else GH_TOKEN; none: dry run"},
    {.name = "api_url", .kind = S2N_KIND_STRING,
     .help = "API base; default GITHUB_API_URL, else " GH_API_URL_DEFAULT},
    {.name = "dry_run", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "only print what would be done, even with a token"},
    {.name = "accept", .kind = S2N_KIND_STRING, .default_value = GH_ACCEPT_DEFAULT,
     .help = "Accept header sent to the API"},
    {.name = "auth_scheme", .kind = S2N_KIND_STRING, .flags = S2N_OPT_ENUM,
     .default_value = GH_AUTH_SCHEME_DEFAULT, .choices = auth_scheme_choices,
     .help = "Authorization scheme (`token` for old GitHub Enterprise servers)"},
    {.name = "retries", .kind = S2N_KIND_INT, .default_value = "4",
     .help = "further tries after a connection error, 5xx or rate limit"},
    {.name = "retry_delay_ms", .kind = S2N_KIND_INT, .default_value = "1000",
     .help = "first retry delay in milliseconds; doubles each time"},
    {.name = "max_wait", .kind = S2N_KIND_INT, .default_value = "300",
     .help = "longest single wait in seconds (rate limits); longer: give up"},
    {.name = NULL},
};

typedef struct ghrel_ctx {
    s2n_stage *st;
    const s2n_host *h;
} ghrel_ctx;

static void host_vlog(void *ctx, int level, const char *fmt, va_list ap)
{
    ghrel_ctx *c = ctx;
    c->h->vlog(c->st, level, fmt, ap);
}

/* ---- one asset entry: {from}, {path,name,label} or "glob[#label]" ---- */

static int add_entry(s2n_stage *st, const s2n_host *h, const s2n_value *v, gh_assets *out,
                     int dry)
{
    char err[1024];
    const char *where = h->value_where(v);
    if (h->value_kind(v) == S2N_KIND_MAP) {
        const s2n_value *from = h->value_get(v, "from");
        const s2n_value *path = h->value_get(v, "path");
        const char *name = h->value_str(h->value_get(v, "name"));
        const char *label = h->value_str(h->value_get(v, "label"));
        if (from) {
            const char *stage = h->value_str(from);
            size_t n = h->artifact_count(st, stage);
            if (n == 0 && !dry) {
                h->error(st, "assets", "%s%sstage %s has no artifacts to attach", where,
                         *where ? ": " : "", stage);
                return -1;
            }
            for (size_t i = 0; i < n; i++) {
                const s2n_artifact *a = h->artifact_at(st, stage, i);
                if (gh_assets_add(out, a->path, n == 1 ? name : NULL, label, err, sizeof err)) {
                    h->error(st, "assets", "%s", err);
                    return -1;
                }
            }
        }
        if (path) {
            const char *pattern = h->resolve(st, h->value_str(path));
            if (gh_assets_add_glob(out, pattern, name, label, err, sizeof err) != 0) {
                h->error(st, "assets", "%s%s%s", where, *where ? ": " : "", err);
                return -1;
            }
        }
        return 0;
    }
    const char *s = h->value_str(v);
    const char *hash = strrchr(s, '#');
    char *glob = hash ? h->str_printf(st, "%.*s", (int)(hash - s), s) : h->str_dup(st, s);
    if (gh_assets_add_glob(out, h->resolve(st, glob), NULL, hash ? hash + 1 : NULL, err,
                           sizeof err) != 0) {
        h->error(st, "assets", "%s%s%s", where, *where ? ": " : "", err);
        return -1;
    }
    return 0;
}

static int collect_assets(s2n_stage *st, const s2n_host *h, gh_assets *out, int dry)
{
    const s2n_value *v = h->option(st, "assets");
    if (!v)
        return 0;
    if (h->value_kind(v) == S2N_KIND_LIST) {
        for (size_t i = 0; i < h->value_len(v); i++)
            if (add_entry(st, h, h->value_at(v, i), out, dry) != 0)
                return -1;
    } else if (add_entry(st, h, v, out, dry) != 0) {
        return -1;
    }
    const char *dup = gh_assets_duplicate(out);
    if (dup) {
        h->error(st, "assets", "two assets are named %s; give one a `name`", dup);
        return -1;
    }
    return 0;
}

static int ghrel_validate(s2n_stage *st, const s2n_host *h)
{
    const s2n_value *v = h->option(st, "assets");
    size_t n = v && h->value_kind(v) == S2N_KIND_LIST ? h->value_len(v) : (v ? 1 : 0);
    for (size_t i = 0; i < n; i++) {
        const s2n_value *e = h->value_kind(v) == S2N_KIND_LIST ? h->value_at(v, i) : v;
        if (h->value_kind(e) == S2N_KIND_LIST) {
            h->error(st, "assets", "%s: an asset is {from: STAGE}, {path: GLOB} or a glob, "
                                   "not a list", h->value_where(e));
            return S2N_ERROR;
        }
        if (h->value_kind(e) == S2N_KIND_MAP) {
            for (size_t k = 0; k < h->value_len(e); k++) {
                const char *key = h->value_key_at(e, k);
                if (strcmp(key, "from") && strcmp(key, "path") && strcmp(key, "name") &&
                    strcmp(key, "label")) {
                    h->error(st, "assets", "%s: unknown key `%s` (expected from, path, name, "
                                           "label)", h->value_where(e), key);
                    return S2N_ERROR;
                }
            }
            if (!h->value_get(e, "from") && !h->value_get(e, "path")) {
                h->error(st, "assets", "%s: an asset needs `from: STAGE` or `path: GLOB`",
                         h->value_where(e));
                return S2N_ERROR;
            }
        }
    }
    const char *repo = h->opt_string(st, "repo");
    if (repo && (!strchr(repo, '/') || strchr(repo, '/') != strrchr(repo, '/'))) {
        h->error(st, "repo", "expected owner/name, got `%s`", repo);
        return S2N_ERROR;
    }
    return S2N_OK;
}

/* ---- defaults that need git or upstream stages ---- */

static char *git_capture(s2n_stage *st, const s2n_host *h, const char *const *argv)
{
    /* stderr is captured too: "fatal: not a git repository" is an answer
     * here (no default), not something to alarm the log with. */
    s2n_spawn spec = {.struct_size = sizeof spec, .argv = argv,
                      .flags = S2N_SPAWN_CAPTURE | S2N_SPAWN_MERGE, .timeout = 30};
    char *out = NULL;
    size_t len = 0;
    int code = h->spawn(st, &spec, &out, &len);
    if (code != 0 || !out)
        return NULL;
    while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
        out[--len] = '\0';
    return len ? out : NULL;
}

static const char *default_repo(s2n_stage *st, const s2n_host *h)
{
    static const char *const argv[] = {"git", "remote", "get-url", "origin", NULL};
    char *url = git_capture(st, h, argv);
    char repo[512];
    if (url && gh_repo_from_remote(url, repo, sizeof repo) == 0)
        return h->str_dup(st, repo);
    const char *env = h->getenv(st, "GITHUB_REPOSITORY");
    return env && *env ? env : NULL;
}

static const char *upstream_version(s2n_stage *st, const s2n_host *h)
{
    const s2n_value *v = h->option(st, "assets");
    size_t n = v && h->value_kind(v) == S2N_KIND_LIST ? h->value_len(v) : (v ? 1 : 0);
    /* the stages the assets come from, then a stage called "build" */
    for (size_t i = 0; i <= n; i++) {
        const char *stage = "build";
        if (i < n) {
            const s2n_value *e = h->value_kind(v) == S2N_KIND_LIST ? h->value_at(v, i) : v;
            stage = h->value_kind(e) == S2N_KIND_MAP ? h->value_str(h->value_get(e, "from")) : NULL;
        }
        if (!stage)
            continue;
        const char *ver = h->get_output(st, stage, "version");
        if (ver && *ver)
            return ver;
        for (size_t k = 0; k < h->artifact_count(st, stage); k++) {
            char buf[128];
            const s2n_artifact *a = h->artifact_at(st, stage, k);
            if (gh_version_from_dist(a->name, buf, sizeof buf) == 0)
                return h->str_dup(st, buf);
        }
    }
    return NULL;
}

static const char *default_tag(s2n_stage *st, const s2n_host *h, const gh_assets *assets)
{
    const char *ver = upstream_version(st, h);
    char buf[128];
    for (size_t i = 0; !ver && i < assets->count; i++)
        if (gh_version_from_dist(assets->items[i].name, buf, sizeof buf) == 0)
            ver = buf;
    return ver ? h->str_printf(st, "v%s", ver) : NULL;
}

static const char *default_target(s2n_stage *st, const s2n_host *h)
{
    const char *env = h->getenv(st, "GIT_COMMIT");
    if (env && *env)
        return env;
    static const char *const argv[] = {"git", "rev-parse", "HEAD", NULL};
    return git_capture(st, h, argv);
}

static const char *default_token(s2n_stage *st, const s2n_host *h)
{
    const char *t = h->opt_string(st, "token");
    if (!t || !*t)
        t = h->getenv(st, "GITHUB_TOKEN");
    if (!t || !*t)
        t = h->getenv(st, "GH_TOKEN");
    if (t && *t) {
        h->add_secret(st, t);
        return t;
    }
    return NULL;
}

/* ---- notes ---- */

static char *git_notes(s2n_stage *st, const s2n_host *h, const char *tag, const char *target)
{
    const char *rev = target ? target : "HEAD";
    const char *const describe[] = {"git", "describe", "--tags", "--abbrev=0", "--exclude", tag,
                                    rev, NULL};
    char *prev = git_capture(st, h, describe);
    char *range = prev ? h->str_printf(st, "%s..%s", prev, rev) : h->str_dup(st, rev);
    const char *const log[] = {"git", "log", "--no-merges", "--format=%h%x09%s", range, NULL};
    s2n_spawn spec = {.struct_size = sizeof spec, .argv = log, .flags = S2N_SPAWN_CAPTURE,
                      .timeout = 60};
    char *out = NULL;
    size_t len = 0;
    if (h->spawn(st, &spec, &out, &len) != 0) {
        h->log(st, S2N_LOG_ERROR, "notes: git log %s failed (is the workdir a git checkout?)",
               range);
        return NULL;
    }
    char *md = gh_notes_from_log(out ? out : "", tag, prev);
    char *res = h->str_dup(st, md);
    free(md);
    return res;
}

static char *read_notes_file(s2n_stage *st, const s2n_host *h, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        h->error(st, "notes", "%s: %s (expected `generate`, `git` or a file)", path,
                 strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t cap = 0, len = 0, got;
    char chunk[8192];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + got + 1 > cap) {
            cap = (len + got + 1) * 2;
            char *n = realloc(text, cap);
            if (!n)
                break;
            text = n;
        }
        memcpy(text + len, chunk, got);
        len += got;
        text[len] = '\0';
    }
    fclose(f);
    char *res = h->str_dup(st, text ? text : "");
    free(text);
    return res;
}

/* Written through a temporary file and renamed: never half a file. */
static const char *write_stage_file(s2n_stage *st, const s2n_host *h, const char *name,
                                    const char *text, const char *kind)
{
    const char *path = h->str_printf(st, "%s/%s", h->stage_dir(st), name);
    const char *tmp = h->str_printf(st, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
        h->log(st, S2N_LOG_ERROR, "%s: %s", path, strerror(errno));
        remove(tmp);
        return NULL;
    }
    h->add_artifact(st, path, kind);
    return path;
}

/* ---- run ---- */

static int ghrel_run(s2n_stage *st, const s2n_host *h)
{
    ghrel_ctx lc = {st, h};
    gh_assets assets = {0};
    gh_release_spec s = {0};
    int result = S2N_ERROR, dry = 0;
    const char *token = default_token(st, h);
    h->opt_bool(st, "dry_run", &dry);
    dry = dry || !token;

    if (collect_assets(st, h, &assets, dry) != 0)
        goto out;
    s.assets = &assets;
    s.repo = h->opt_string(st, "repo");
    if (!s.repo)
        s.repo = default_repo(st, h);
    if (!s.repo && !dry) {
        h->error(st, "repo", "not set, and no GitHub owner/name in the origin remote URL "
                             "or GITHUB_REPOSITORY");
        goto out;
    }
    s.tag = h->opt_string(st, "tag");
    if (!s.tag)
        s.tag = default_tag(st, h, &assets);
    if (!s.tag) {
        h->error(st, "tag", "not set, and no version from the build stage or a wheel/sdist "
                            "file name to make v<version> of");
        goto out;
    }
    s.target = h->opt_string(st, "target");
    if (!s.target)
        s.target = default_target(st, h);
    s.name = h->opt_string(st, "name");
    h->opt_bool(st, "draft", &s.draft);
    h->opt_bool(st, "prerelease", &s.prerelease);
    h->opt_bool(st, "replace_assets", &s.replace_assets);
    s.make_latest = h->opt_string(st, "make_latest");

    const char *notes = h->opt_string(st, "notes");
    const char *notes_path = NULL;
    if (notes && strcmp(notes, "generate") == 0) {
        s.generate_notes = 1;
        if (dry) { /* no API to ask: show what git says instead */
            char *md = git_notes(st, h, s.tag, s.target);
            if (md)
                notes_path = write_stage_file(st, h, "release-notes.md", md, "release-notes");
        }
    } else if (notes) {
        s.body = strcmp(notes, "git") == 0 ? git_notes(st, h, s.tag, s.target)
                                            : read_notes_file(st, h, h->resolve(st, notes));
        if (!s.body)
            goto out;
        notes_path = write_stage_file(st, h, "release-notes.md", s.body, "release-notes");
    }

    const char *api = h->opt_string(st, "api_url");
    if (!api || !*api)
        api = h->getenv(st, "GITHUB_API_URL");
    if (!api || !*api)
        api = GH_API_URL_DEFAULT;
    char *base = h->str_dup(st, api);
    for (size_t n = strlen(base); n && base[n - 1] == '/';)
        base[--n] = '\0';

    if (dry) {
        char *plan = gh_dry_run_plan(base, &s, notes_path);
        fputs(plan ? plan : "", stdout);
        fflush(stdout);
        if (plan)
            write_stage_file(st, h, "release-plan.txt", plan, "release-plan");
        free(plan);
        h->set_message(st, "dry run: release %s of %s with %zu asset(s) planned", s.tag,
                       s.repo ? s.repo : "(repo unknown)", assets.count);
        h->set_output(st, "tag", s.tag);
        result = S2N_OK;
        goto out;
    }

    long long retries = 4, delay = 1000, max_wait = 300;
    h->opt_int(st, "retries", &retries);
    h->opt_int(st, "retry_delay_ms", &delay);
    h->opt_int(st, "max_wait", &max_wait);
    gh_client c = {.api_url = base, .token = token,
                   .accept = h->opt_string(st, "accept"),
                   .auth_scheme = h->opt_string(st, "auth_scheme"),
                   .attempts = (int)(retries < 0 ? 1 : retries + 1),
                   .backoff_ms = (long)delay, .max_wait_s = (long)max_wait,
                   .log = {host_vlog, &lc}};
    if (gh_client_init(&c) != 0) {
        h->log(st, S2N_LOG_ERROR, "cannot initialise libcurl");
        goto out;
    }
    gh_release_result res;
    if (gh_release_sync(&c, &s, &res) != 0) {
        h->log(st, S2N_LOG_ERROR, "%s", res.message);
        h->set_message(st, "release %s: %s", s.tag, res.message);
        /* A re-run converges, so the stage's `retries:` may repeat it. */
        if (res.transient)
            h->set_retryable(st, 1);
        result = S2N_FAILED;
    } else {
        if (s.generate_notes && res.body)
            write_stage_file(st, h, "release-notes.md", res.body, "release-notes");
        char rid[32];
        snprintf(rid, sizeof rid, "%lld", res.id);
        h->set_output(st, "tag", s.tag);
        h->set_output(st, "release_id", rid);
        if (res.html_url)
            h->set_output(st, "release_url", res.html_url);
        h->set_message(st, "release %s: %s%s%u uploaded, %u replaced, %u kept (%u calls)", s.tag,
                       res.created ? "created, " : "", res.published ? "published, " : "",
                       res.uploaded, res.replaced, res.kept, res.calls);
        result = S2N_OK;
    }
    gh_release_result_free(&res);
    gh_client_free(&c);
out:
    gh_assets_free(&assets);
    return result;
}

static const s2n_plugin ghrel_plugin = {
    S2N_PLUGIN_HEAD,
    .flags = S2N_PLUGIN_NO_CACHE, /* publishes: never replayed from the stage cache */
    .type = "github-release",
    .version = "1.0.0",
    .summary = "idempotent GitHub release: draft, assets, notes, publish last",
    .options = ghrel_options,
    .validate = ghrel_validate,
    .run = ghrel_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &ghrel_plugin;
}

/*
 * build — the sdist and wheel of a Python project.  Pure-Python PEP 621
 * projects are built natively (project.c/layout.c read pyproject.toml by
 * the conventions of their backend, wheel.c and sdist.c write the files);
 * anything else goes through the project's PEP 517 backend (pep517.c).
 * Outputs are written under temporary names and renamed into place only
 * when everything succeeded.
 */
#define _GNU_SOURCE
#include <s2nbuild/plugin.h>

#include "pep517.h"
#include "project.h"
#include "sdist.h"
#include "wheel.h"

#include "plugins/common/names.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const backend_choices[] = {"auto", "native", "pep517", "build", NULL};

static const s2n_option build_options[] = {
    {.name = "srcdir", .kind = S2N_KIND_PATH, .default_value = ".",
     .help = "project folder holding pyproject.toml (or setup.py)"},
    {.name = "outdir", .kind = S2N_KIND_PATH,
     .help = "where the sdist and wheel go (default: dist/ in the stage folder)"},
    {.name = "sdist", .kind = S2N_KIND_BOOL, .default_value = "true", .help = "build the sdist (.tar.gz)"},
    {.name = "wheel", .kind = S2N_KIND_BOOL, .default_value = "true", .help = "build the wheel (.whl)"},
    {.name = "backend", .kind = S2N_KIND_STRING, .flags = S2N_OPT_ENUM, .default_value = "auto",
     .help = "auto: native when possible, else PEP 517; native: fail if not possible; "
             "pep517: call the project's backend; build: python -m build --no-isolation",
     .choices = backend_choices},
    {.name = "tag_must_match", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "fail when the commit is tagged v<X> and X differs from the project version"},
    {.name = "python", .kind = S2N_KIND_STRING, .default_value = "/usr/bin/python3",
     .help = "interpreter for the PEP 517 fallback"},
    {.name = "jobs", .kind = S2N_KIND_INT, .default_value = "0",
     .help = "threads compressing wheel members (0: by size and CPU count)"},
    {.name = NULL},
};

static int opt_flag(s2n_stage *st, const s2n_host *h, const char *name, int dflt)
{
    int v;
    return h->opt_bool(st, name, &v) == 0 ? v : dflt;
}

static int build_validate(s2n_stage *st, const s2n_host *h)
{
    if (!opt_flag(st, h, "sdist", 1) && !opt_flag(st, h, "wheel", 1)) {
        h->error(st, "wheel", "both sdist and wheel are false: nothing to build");
        return S2N_ERROR;
    }
    long long jobs = 0;
    if (h->opt_int(st, "jobs", &jobs) == 0 && (jobs < 0 || jobs > 64)) {
        h->error(st, "jobs", "expected 0 (automatic) to 64, got %lld", jobs);
        return S2N_ERROR;
    }
    return S2N_OK;
}

/* First line of a command's output in the source folder, or NULL. */
static char *capture_line(s2n_stage *st, const s2n_host *h, const char *cwd, const char *const *argv)
{
    char *out = NULL;
    size_t len = 0;
    s2n_spawn spec = {.struct_size = sizeof spec, .argv = argv, .cwd = cwd,
                      .flags = S2N_SPAWN_CAPTURE};
    if (h->spawn(st, &spec, &out, &len) != 0 || !out || !*out)
        return NULL;
    out[strcspn(out, "\r\n")] = '\0';
    return out;
}

/* SOURCE_DATE_EPOCH, else the last commit's time, else 1980-01-01 (the
 * ZIP epoch): the same sources always give the same bytes. */
static time_t build_epoch(s2n_stage *st, const s2n_host *h, const char *srcdir, const char **why)
{
    const char *sde = h->getenv(st, "SOURCE_DATE_EPOCH");
    char *end;
    if (sde && *sde) {
        long long v = strtoll(sde, &end, 10);
        if (*end == '\0' && v >= 0) {
            *why = "SOURCE_DATE_EPOCH";
            return (time_t)v;
        }
        h->log(st, S2N_LOG_WARN, "SOURCE_DATE_EPOCH=%s is not a number of seconds; ignored", sde);
    }
    char *git = h->str_printf(st, "%s/.git", srcdir);
    if (access(git, F_OK) == 0 || access(h->str_printf(st, "%s/../.git", srcdir), F_OK) == 0) {
        static const char *const argv[] = {"git", "log", "-1", "--format=%ct", NULL};
        char *line = capture_line(st, h, srcdir, argv);
        if (line && *line) {
            long long v = strtoll(line, &end, 10);
            if (*end == '\0') {
                *why = "last commit";
                return (time_t)v;
            }
        }
    }
    *why = "fixed 1980-01-01 (no SOURCE_DATE_EPOCH, no git)";
    return 315532800;
}

/* The release tag of this build, if any: Jenkins TAG_NAME, GitHub's
 * GITHUB_REF_NAME for tag refs, else a v* tag on HEAD. */
static const char *release_tag(s2n_stage *st, const s2n_host *h, const char *srcdir)
{
    const char *t = h->getenv(st, "TAG_NAME");
    if (t && *t)
        return t;
    const char *type = h->getenv(st, "GITHUB_REF_TYPE");
    if (type && strcmp(type, "tag") == 0 && (t = h->getenv(st, "GITHUB_REF_NAME")) && *t)
        return t;
    static const char *const argv[] = {"git", "tag", "--points-at", "HEAD", "--list", "v*", NULL};
    return capture_line(st, h, srcdir, argv);
}

static int check_tag(s2n_stage *st, const s2n_host *h, const char *srcdir, const char *version)
{
    const char *tag = release_tag(st, h, srcdir);
    if (!tag) {
        h->log(st, S2N_LOG_INFO, "tag_must_match: no release tag on this commit; nothing to compare");
        return 0;
    }
    char norm[256];
    const char *tv = (tag[0] == 'v' || tag[0] == 'V') ? tag + 1 : tag;
    if (s2n_version_normalize(tv, norm, sizeof norm) != 0 || strcmp(norm, version) != 0) {
        h->log(st, S2N_LOG_ERROR, "tag %s does not match the project version %s", tag, version);
        h->set_message(st, "tag %s != version %s", tag, version);
        return -1;
    }
    h->log(st, S2N_LOG_INFO, "tag %s matches version %s", tag, version);
    return 0;
}

typedef struct output {
    char *tmp;   /* written here first */
    char *final; /* renamed to this    */
    const char *kind;
} output;

static void outputs_discard(output *o, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (o[i].tmp)
            unlink(o[i].tmp);
        free(o[i].tmp);
        free(o[i].final);
    }
}

/* Rename every temporary into place and declare it. */
static int outputs_commit(s2n_stage *st, const s2n_host *h, output *o, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (rename(o[i].tmp, o[i].final) != 0) {
            h->log(st, S2N_LOG_ERROR, "%s: %s", o[i].final, strerror(errno));
            for (size_t k = 0; k < i; k++) /* nothing half-done stays */
                unlink(o[k].final);
            outputs_discard(o, n);
            return -1;
        }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        h->log(st, S2N_LOG_INFO, "%s: %s", o[i].kind, o[i].final);
        if (h->add_artifact(st, o[i].final, o[i].kind) != 0)
            rc = -1;
        h->set_output(st, o[i].kind, o[i].final);
        free(o[i].tmp);
        o[i].tmp = NULL;
        free(o[i].final);
    }
    return rc;
}

/* The sdist is written by its own thread while the wheel's pool works:
 * both are mostly deflate, so on several cores they overlap. */
typedef struct sdist_job {
    const project *p;
    const char *path;
    time_t epoch;
    int threads;
    int rc;
    char err[1024];
} sdist_job;

static void *sdist_thread(void *arg)
{
    sdist_job *j = arg;
    j->rc = sdist_write(j->p, j->path, j->epoch, j->threads, j->err, sizeof j->err);
    return NULL;
}

static int build_native(s2n_stage *st, const s2n_host *h, project *p, const char *outdir, time_t epoch,
                        int want_sdist, int want_wheel)
{
    output o[2];
    size_t n = 0;
    char err[1024];
    long long jobs = 0;
    h->opt_int(st, "jobs", &jobs);
    sdist_job sj = {.p = p, .epoch = epoch, .threads = (int)jobs};
    pthread_t tid;
    int threaded = 0;
    if (want_sdist) {
        char *name = sdist_filename(p);
        o[n].final = xasprintf("%s/%s", outdir, name);
        o[n].tmp = xasprintf("%s/.%s.%ld.tmp", outdir, name, (long)getpid());
        o[n].kind = "sdist";
        free(name);
        sj.path = o[n++].tmp;
        sdist_prepare(); /* process-wide locale, before any thread starts */
        if (jobs != 1 && want_wheel && pthread_create(&tid, NULL, sdist_thread, &sj) == 0)
            threaded = 1;
        else
            sdist_thread(&sj);
    }
    int wrc = 0;
    if (want_wheel) {
        char *name = wheel_filename(p);
        o[n].final = xasprintf("%s/%s", outdir, name);
        o[n].tmp = xasprintf("%s/.%s.%ld.tmp", outdir, name, (long)getpid());
        o[n].kind = "wheel";
        free(name);
        wrc = wheel_write(p, o[n++].tmp, epoch, (int)jobs, err, sizeof err);
    }
    if (threaded)
        pthread_join(tid, NULL);
    if (want_sdist && sj.rc != 0) {
        h->log(st, S2N_LOG_ERROR, "%s", sj.err);
        h->set_message(st, "sdist failed: %s", sj.err);
        outputs_discard(o, n);
        return S2N_FAILED;
    }
    if (wrc != 0) {
        h->log(st, S2N_LOG_ERROR, "%s", err);
        h->set_message(st, "wheel failed: %s", err);
        outputs_discard(o, n);
        return S2N_FAILED;
    }
    if (outputs_commit(st, h, o, n) != 0)
        return S2N_ERROR;
    h->set_message(st, "%s %s (native, %zu wheel members)", p->name, p->version, p->wheel.n);
    return S2N_OK;
}

/* Name and Version from the METADATA of a built wheel (libarchive reads
 * the ZIP); 0 when both were found.  Values go to the stage arena. */
static int wheel_name_version(s2n_stage *st, const s2n_host *h, const char *whl, char **name, char **version)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    struct archive_entry *e;
    int found = -1;
    if (archive_read_open_filename(a, whl, 1 << 16) == ARCHIVE_OK) {
        while (found && archive_read_next_header(a, &e) == ARCHIVE_OK) {
            const char *path = archive_entry_pathname(e);
            const char *slash = path ? strchr(path, '/') : NULL;
            if (!slash || strcmp(slash, "/METADATA") != 0 || slash - path < 10 ||
                strncmp(slash - 10, ".dist-info", 10) != 0)
                continue;
            char buf[8192];
            la_ssize_t n = archive_read_data(a, buf, sizeof buf - 1);
            if (n <= 0)
                break;
            buf[n] = '\0';
            /* the header block ends at the first empty line */
            char *end = strstr(buf, "\n\n");
            if (end)
                *end = '\0';
            for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
                if (strncmp(line, "Name: ", 6) == 0)
                    *name = h->str_dup(st, line + 6);
                else if (strncmp(line, "Version: ", 9) == 0)
                    *version = h->str_dup(st, line + 9);
            }
            found = *name && *version ? 0 : -1;
            break;
        }
    }
    archive_read_free(a);
    return found;
}

/* Name and version back from a built file name ("{name}-{version}-…"). */
static void name_version_of(s2n_stage *st, const s2n_host *h, const char *file, char **name, char **version)
{
    char *s = h->str_dup(st, file);
    char *dash = strchr(s, '-');
    if (!dash)
        return;
    size_t sl = strlen(s);
    if (sl > 7 && strcmp(s + sl - 7, ".tar.gz") == 0) {
        s[sl - 7] = '\0'; /* {name}-{version}: names may hold '-' (old setuptools) */
        dash = strrchr(s, '-');
    }
    *dash = '\0';
    char *v = dash + 1;
    v[strcspn(v, "-")] = '\0';
    *name = s;
    *version = v;
}

static int build_fallback(s2n_stage *st, const s2n_host *h, project *p, const char *srcdir, const char *outdir,
                          time_t epoch, int want_sdist, int want_wheel, int use_build, int tag_must_match)
{
    char *tmpdir = xasprintf("%s/.s2nbuild-pep517-XXXXXX", outdir);
    if (!mkdtemp(tmpdir)) {
        h->log(st, S2N_LOG_ERROR, "%s: %s", tmpdir, strerror(errno));
        free(tmpdir);
        return S2N_ERROR;
    }
    char epoch_s[32];
    snprintf(epoch_s, sizeof epoch_s, "%lld", (long long)epoch);
    pep517_req r = {.python = h->opt_string(st, "python"), .srcdir = srcdir, .tmpdir = tmpdir,
                    .sdist = want_sdist, .wheel = want_wheel, .use_build = use_build, .epoch = epoch_s};
    int rc = pep517_build(st, h, p, &r);
    output o[2];
    size_t n = 0;
    char *name = NULL, *version = NULL;
    if (rc == 0) {
        struct dirent **ents = NULL;
        int ne = scandir(tmpdir, &ents, NULL, alphasort);
        for (int i = 0; i < ne; i++) {
            const char *f = ents[i]->d_name;
            size_t fl = strlen(f);
            const char *kind = fl > 4 && !strcmp(f + fl - 4, ".whl")        ? "wheel"
                               : fl > 7 && !strcmp(f + fl - 7, ".tar.gz") ? "sdist"
                                                                           : NULL;
            if (kind && n < 2 && ((kind[0] == 'w' && want_wheel) || (kind[0] == 's' && want_sdist))) {
                o[n].tmp = xasprintf("%s/%s", tmpdir, f);
                o[n].final = xasprintf("%s/%s", outdir, f);
                o[n++].kind = kind;
                name_version_of(st, h, f, &name, &version);
            }
            free(ents[i]);
        }
        free(ents);
        for (size_t i = 0; i < n; i++) /* the wheel's METADATA says it exactly */
            if (strcmp(o[i].kind, "wheel") == 0)
                wheel_name_version(st, h, o[i].tmp, &name, &version);
        if ((size_t)(want_sdist + want_wheel) != n) {
            h->log(st, S2N_LOG_ERROR, "the backend did not produce the expected %s%s%s", want_sdist ? "sdist" : "",
                   want_sdist && want_wheel ? " and " : "", want_wheel ? "wheel" : "");
            rc = -1;
        }
    }
    int tag_failed = 0;
    if (rc == 0 && tag_must_match && version) {
        char norm[256];
        if (s2n_version_normalize(version, norm, sizeof norm) == 0)
            rc = tag_failed = check_tag(st, h, srcdir, norm);
    }
    int result = S2N_FAILED;
    if (rc == 0 && outputs_commit(st, h, o, n) == 0) {
        result = S2N_OK;
        if (name)
            h->set_output(st, "name", name);
        if (version)
            h->set_output(st, "version", version);
        h->set_message(st, "%s %s (PEP 517: %s)", name ? name : "?", version ? version : "?", p->backend_spec);
    } else {
        if (rc == 0) { /* the renames failed; outputs_commit cleaned up */
            result = S2N_ERROR;
        } else {
            outputs_discard(o, n);
            if (!tag_failed) /* check_tag said what was wrong */
                h->set_message(st, "PEP 517 build with %s failed", p->backend_spec);
        }
    }
    remove_tree(tmpdir);
    free(tmpdir);
    return result;
}

static int build_run(s2n_stage *st, const s2n_host *h)
{
    const char *src_opt = h->opt_string(st, "srcdir");
    char srcdir[PATH_MAX];
    if (!realpath(src_opt ? src_opt : h->workdir(st), srcdir)) {
        h->error(st, "srcdir", "%s: %s", src_opt, strerror(errno));
        return S2N_ERROR;
    }
    const char *out_opt = h->opt_string(st, "outdir");
    const char *outdir = out_opt ? out_opt : h->str_printf(st, "%s/dist", h->stage_dir(st));
    if (mkdirs(outdir, 0755) != 0) {
        h->error(st, "outdir", "%s: %s", outdir, strerror(errno));
        return S2N_ERROR;
    }
    int want_sdist = opt_flag(st, h, "sdist", 1), want_wheel = opt_flag(st, h, "wheel", 1);
    int tag_must_match = opt_flag(st, h, "tag_must_match", 0);
    const char *mode = h->opt_string(st, "backend");
    if (!mode)
        mode = "auto";

    project p;
    char err[1024];
    char outdir_real[PATH_MAX];
    if (!realpath(outdir, outdir_real))
        snprintf(outdir_real, sizeof outdir_real, "%s", outdir);
    if (project_load(&p, srcdir, outdir_real, err, sizeof err) != 0) {
        h->log(st, S2N_LOG_ERROR, "%s", err);
        h->set_message(st, "%s", err);
        project_free(&p);
        return S2N_FAILED;
    }
    const char *why_epoch;
    time_t epoch = build_epoch(st, h, srcdir, &why_epoch);
    int result;
    if (strcmp(mode, "native") == 0 && p.fallback) {
        h->log(st, S2N_LOG_ERROR, "backend: native was asked, but %s", p.fallback);
        h->set_message(st, "cannot build natively: %s", p.fallback);
        result = S2N_FAILED;
    } else if (strcmp(mode, "pep517") == 0 || strcmp(mode, "build") == 0 || p.fallback) {
        h->log(st, S2N_LOG_INFO, "path: PEP 517 fallback via %s (%s)",
               strcmp(mode, "build") == 0 ? "python -m build --no-isolation" : p.backend_spec,
               p.fallback ? p.fallback : "asked by the backend option");
        result = build_fallback(st, h, &p, srcdir, outdir, epoch, want_sdist, want_wheel, strcmp(mode, "build") == 0,
                                tag_must_match);
    } else {
        h->log(st, S2N_LOG_INFO, "path: native (%s conventions) for %s %s, version from %s, timestamp from %s",
               backend_name(p.backend), p.name, p.version, p.version_from, why_epoch);
        h->set_output(st, "name", p.name);
        h->set_output(st, "version", p.version);
        if (p.license_expr)
            h->log(st, S2N_LOG_WARN,
                   "license = \"%s\" (PEP 639) needs Metadata-Version 2.4, which Debian's twine 4.0.2 "
                   "cannot upload; license = {text = \"...\"} keeps 2.1", p.license_expr);
        if (tag_must_match && check_tag(st, h, srcdir, p.version) != 0)
            result = S2N_FAILED;
        else
            result = build_native(st, h, &p, outdir, epoch, want_sdist, want_wheel);
    }
    project_free(&p);
    return result;
}

static const s2n_plugin build_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "build",
    .version = "1.0.0",
    .summary = "build the sdist and wheel (native for pure-Python PEP 621 projects, else PEP 517)",
    .options = build_options,
    .validate = build_validate,
    .run = build_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &build_plugin;
}

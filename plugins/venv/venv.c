/*
 * venv — a virtual environment made natively (no `python -m venv`), with
 * requirements installed natively when they are pinned wheels, by pip
 * otherwise.  An environment is keyed by interpreter, requirement contents
 * and options: an unchanged key reuses it as is; a new one is built beside
 * the old and swapped in with one rename, so a failed install never leaves
 * a half-made environment at `path`.
 *
 * Publishes `python` (<venv>/bin/python) and `venv` for downstream stages.
 */
#include "config.h"

#include <s2nbuild/plugin.h>

#include "plugins/common/hash.h"
#include "plugins/venv/editable.h"
#include "plugins/venv/native.h"
#include "plugins/venv/pipfix.h"
#include "plugins/venv/venvdir.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define VENV_PLUGIN_VERSION "1.0.0"

static const s2n_option venv_options[] = {
    {.name = "path", .kind = S2N_KIND_PATH,
     .help = "where the environment lives (default: .s2nbuild/venvs/<stage name>)"},
    {.name = "python", .kind = S2N_KIND_STRING, .default_value = "/usr/bin/python3",
     .help = "base interpreter (absolute path or a name looked up in PATH)"},
    {.name = "system_site_packages", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "let the environment see the interpreter's own site-packages"},
    {.name = "requirements", .kind = S2N_KIND_LIST,
     .help = "requirement files (-r/-c nesting, --hash, markers)"},
    {.name = "constraints", .kind = S2N_KIND_LIST, .help = "constraint files"},
    {.name = "lock", .kind = S2N_KIND_PATH,
     .help = "a PEP 751 pylock.toml to install exactly (instead of requirements/packages)"},
    {.name = "packages", .kind = S2N_KIND_LIST,
     .help = "requirement lines to install, e.g. \"attrs==23.1.0\""},
    {.name = "index_url", .kind = S2N_KIND_STRING,
     .help = "package index (PEP 503); default $PIP_INDEX_URL, then pip's"},
    {.name = "extra_index_url", .kind = S2N_KIND_LIST,
     .help = "more indexes; added to $PIP_EXTRA_INDEX_URL"},
    {.name = "find_links", .kind = S2N_KIND_LIST,
     .help = "folders, pages or files with distributions; added to $PIP_FIND_LINKS"},
    {.name = "no_index", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "use find_links only (like pip --no-index)"},
    {.name = "install_project", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "install the workdir's project in editable mode (through pip)"},
    {.name = "build_isolation", .kind = S2N_KIND_BOOL, .default_value = "true",
     .help = "build the project in an isolated environment (pip --no-build-isolation when false)"},
    {.name = "native", .kind = S2N_KIND_BOOL, .default_value = "true",
     .help = "install pinned local wheels without pip when possible"},
    {.name = "compile", .kind = S2N_KIND_BOOL, .default_value = "true",
     .help = "byte-compile installed modules, as pip does"},
    {.name = "wheel_cache", .kind = S2N_KIND_BOOL, .default_value = "true",
     .help = "unpack each wheel once into .s2nbuild/cache/unpacked and hard-link it into environments"},
    {.name = "prompt", .kind = S2N_KIND_STRING,
     .help = "prompt prefix of the activate scripts (default: folder name)"},
    {.name = NULL},
};

/* ------------------------------------------------------------------ */
/* The host as a runner for the common code                           */

typedef struct host_ctx {
    s2n_stage *st;
    const s2n_host *h;
} host_ctx;

static int host_run(void *ctx, const char *const *argv, char **out, size_t *out_len)
{
    host_ctx *c = ctx;
    s2n_spawn spec = {.struct_size = sizeof spec, .argv = argv, .flags = S2N_SPAWN_CAPTURE};
    char *o = NULL;
    size_t len = 0;
    int rc = c->h->spawn(c->st, &spec, &o, &len);
    if (out)
        *out = o ? strdup(o) : NULL;
    if (out_len)
        *out_len = len;
    return rc;
}

static const char *host_getenv(void *ctx, const char *name)
{
    host_ctx *c = ctx;
    return c->h->getenv(c->st, name);
}

/* ------------------------------------------------------------------ */

typedef struct venv_job {
    s2n_stage *st;
    const s2n_host *h;
    host_ctx hc;
    s2n_runner runner;
    const char *path; /* final */
    const char *python;
    int ssp, no_index, install_project, build_isolation, native, compile, wheel_cache;
    s2n_pyinfo py;
    s2n_reqset rs;
    s2n_finder finder;
    const char **req_files, **cons_files, **packages, **links, **extra_index;
    size_t nreq, ncons, npackages, nlinks, nextra_index;
    const char *index_url;
    const char *lock;
} venv_job;

static const char **list_opt(venv_job *j, const char *name, size_t *n, int resolve)
{
    const s2n_value *v = j->h->option(j->st, name);
    *n = v ? j->h->value_len(v) : 0;
    const char **out = j->h->alloc(j->st, (*n + 1) * sizeof *out);
    for (size_t i = 0; i < *n; i++) {
        const char *s = j->h->value_str(j->h->value_at(v, i));
        if (s && resolve && !strstr(s, "://"))
            s = j->h->resolve(j->st, s);
        out[i] = s ? s : "";
    }
    return out;
}

static int opt_flag(venv_job *j, const char *name)
{
    int b = 0;
    j->h->opt_bool(j->st, name, &b);
    return b;
}

/* pip's env lists are whitespace-separated. */
static void env_list(venv_job *j, const char *var, void (*add)(s2n_finder *, const char *))
{
    const char *v = j->h->getenv(j->st, var);
    if (!v)
        return;
    char *copy = strdup(v), *save = NULL;
    for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save))
        add(&j->finder, t);
    free(copy);
}

static int truthy(const char *v)
{
    return v && (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes")
                 || !strcasecmp(v, "on"));
}

static void setup_finder(venv_job *j)
{
    s2n_finder_init(&j->finder);
    /* remote wheels are kept here, reused when their index hash matches */
    char *dl = j->h->str_printf(j->st, "%s/cache/wheels", j->h->state_dir(j->st));
    if (s2n_mkdirs(dl) == 0)
        j->finder.download_dir = strdup(dl);
    for (size_t i = 0; i < j->nlinks; i++)
        s2n_finder_add_link(&j->finder, j->links[i]);
    for (size_t i = 0; i < j->rs.nfind_links; i++)
        s2n_finder_add_link(&j->finder, j->rs.find_links[i]);
    env_list(j, "PIP_FIND_LINKS", s2n_finder_add_link);
    int no_index = j->no_index || j->rs.no_index || truthy(j->h->getenv(j->st, "PIP_NO_INDEX"));
    if (no_index)
        return;
    const char *index = j->index_url ? j->index_url
                        : j->rs.index_url ? j->rs.index_url
                        : j->h->getenv(j->st, "PIP_INDEX_URL");
    s2n_finder_add_index(&j->finder, index ? index : "https://pypi.org/simple");
    for (size_t i = 0; i < j->nextra_index; i++)
        s2n_finder_add_index(&j->finder, j->extra_index[i]);
    for (size_t i = 0; i < j->rs.nextra_index; i++)
        s2n_finder_add_index(&j->finder, j->rs.extra_index[i]);
    env_list(j, "PIP_EXTRA_INDEX_URL", s2n_finder_add_index);
}

static int read_requirements(venv_job *j)
{
    s2n_marker_env env = {j->py.markers, ""};
    s2n_reqset_init(&j->rs, &env);
    j->rs.getenv = host_getenv;
    j->rs.getenv_ctx = &j->hc;
    char err[1024];
    for (size_t i = 0; i < j->nreq; i++)
        if (s2n_reqset_add_file(&j->rs, j->req_files[i], 0, err, sizeof err) != 0)
            goto bad;
    for (size_t i = 0; i < j->ncons; i++)
        if (s2n_reqset_add_file(&j->rs, j->cons_files[i], 1, err, sizeof err) != 0)
            goto bad;
    for (size_t i = 0; i < j->npackages; i++)
        if (s2n_reqset_add_line(&j->rs, j->packages[i], "packages", (int)i + 1, err, sizeof err)
            != 0)
            goto bad;
    return 0;
bad:
    j->h->log(j->st, S2N_LOG_ERROR, "%s", err);
    j->h->set_message(j->st, "%s", err);
    return -1;
}

static int has_requirements(venv_job *j)
{
    if (j->lock)
        return 1;
    for (size_t i = 0; i < j->rs.n; i++)
        if (!j->rs.items[i].constraint)
            return 1;
    return 0;
}

/* `python -m pip --python VENV/bin/python install ...`, output logged. */
static int run_pip(venv_job *j, const char *tmp, int project)
{
    const char **argv = j->h->alloc(j->st, (40 + 2 * (j->nreq + j->ncons + j->nlinks
                                                   + j->nextra_index) + j->npackages)
                                               * sizeof *argv);
    size_t n = 0;
    /* pip runs from the base interpreter (a venv's own python may lack
     * pip) and installs into the new environment with --python. */
    argv[n++] = j->py.base && j->py.base[0] == '/' ? j->py.base : j->py.path;
    argv[n++] = "-m";
    argv[n++] = "pip";
    argv[n++] = "--python";
    argv[n++] = j->h->str_printf(j->st, "%s/bin/python", tmp);
    argv[n++] = "install";
    argv[n++] = "--disable-pip-version-check";
    argv[n++] = "--no-input";
    argv[n++] = "--root-user-action=ignore";
    if (!j->compile)
        argv[n++] = "--no-compile";
    /* index URLs (maybe with user:password@) go through the environment */
    const char **env = s2n_pipfix_index_env(j->st, j->h, j->index_url, j->extra_index,
                                            j->nextra_index, j->links, j->nlinks);
    for (size_t i = 0; i < j->nextra_index; i++)
        if (strpbrk(j->extra_index[i], " \t\r\n")) { /* cannot travel in PIP_EXTRA_INDEX_URL */
            argv[n++] = "--extra-index-url";
            argv[n++] = j->extra_index[i];
        }
    for (size_t i = 0; i < j->nlinks; i++)
        if (!s2n_pipfix_link_in_env(j->links[i])) {
            argv[n++] = "--find-links";
            argv[n++] = j->links[i];
        }
    if (j->no_index)
        argv[n++] = "--no-index";
    if (project) {
        if (!j->build_isolation)
            argv[n++] = "--no-build-isolation";
        argv[n++] = "--editable";
        argv[n++] = j->h->workdir(j->st);
    } else {
        for (size_t i = 0; i < j->nreq; i++) {
            argv[n++] = "--requirement";
            argv[n++] = j->req_files[i];
        }
        for (size_t i = 0; i < j->ncons; i++) {
            argv[n++] = "--constraint";
            argv[n++] = j->cons_files[i];
        }
        for (size_t i = 0; i < j->npackages; i++)
            argv[n++] = j->packages[i];
    }
    argv[n] = NULL;
    s2n_spawn spec = {.struct_size = sizeof spec, .argv = argv, .env = env};
    int rc = j->h->spawn(j->st, &spec, NULL, NULL);
    if (rc != 0) {
        j->h->set_message(j->st, "pip install %s into %s failed (exit %d)",
                          project ? "of the project" : "of the requirements", j->path, rc);
        return -1;
    }
    return 0;
}

static int pip_then_fix(venv_job *j, const char *tmp, int project)
{
    if (run_pip(j, tmp, project) != 0)
        return -1;
    char err[1024];
    if (s2n_pipfix_paths(tmp, j->path, j->py.purelib, err, sizeof err) < 0) {
        j->h->log(j->st, S2N_LOG_ERROR, "%s", err);
        return -1;
    }
    return 0;
}

/* The editable project joins a native plan when its metadata is static
 * and its dependencies are in the plan.  1 when added, 0 when pip must
 * install it (reason logged), -1 on an error. */
static int add_project(venv_job *j, s2n_native_plan *plan)
{
    char reason[1024];
    char *wheel = NULL, *direct_url = NULL;
    int er = s2n_editable_wheel(j->h->workdir(j->st), j->h->stage_dir(j->st), &wheel,
                                &direct_url, reason, sizeof reason);
    if (er < 0) {
        j->h->log(j->st, S2N_LOG_ERROR, "%s", reason);
        j->h->set_message(j->st, "%s", reason);
        return -1;
    }
    int added = 0;
    if (er == 0) {
        int rc = s2n_native_add_wheel(plan, &j->py, wheel, direct_url, reason, sizeof reason);
        if (rc == S2N_PLAN_ERROR) {
            j->h->log(j->st, S2N_LOG_ERROR, "%s", reason);
            j->h->set_message(j->st, "%s", reason);
            free(wheel);
            free(direct_url);
            return -1;
        }
        added = rc == S2N_PLAN_OK;
    }
    if (!added)
        j->h->log(j->st, S2N_LOG_INFO, "installing the project with pip: %s", reason);
    free(wheel);
    free(direct_url);
    return added;
}

/* The unpacked-wheel cache is a speed-up, never a reason to fail: when
 * its file system is read-only or lacks room for what this install would
 * add (the wheels' files, a quarter more for compiled files and folders),
 * the install goes without it.  NULL when there is room. */
static const char *cache_lacks_room(const char *dir, const s2n_native_plan *plan)
{
    struct statvfs vfs;
    if (statvfs(dir, &vfs) != 0)
        return strerror(errno);
    if (vfs.f_flag & ST_RDONLY)
        return "read-only file system";
    uint64_t nfiles = 0;
    uint64_t need = s2n_native_unpacked_size(plan, &nfiles);
    need += need / 4 + (1u << 20);
    if ((uint64_t)vfs.f_bavail * vfs.f_frsize < need)
        return "not enough free space";
    if (vfs.f_files && (uint64_t)vfs.f_favail < 2 * nfiles + 64)
        return "not enough free inodes";
    return NULL;
}

/* Requirements (and the project) into tmp: natively when the plan allows,
 * else with pip, each with one line saying why.  `site`: what the system
 * site-packages already provide, or NULL. */
static int install_with(venv_job *j, const char *tmp, s2n_sitedists *site)
{
    char msg[2048];
    int plan_rc = S2N_PLAN_OK;
    s2n_native_plan plan = {0};
    if (!has_requirements(j))
        plan_rc = S2N_PLAN_OK; /* an empty plan: maybe the project alone */
    else if (j->lock) /* a lock needs no resolver: native or an error */
        plan_rc = s2n_pylock_plan(j->lock, &j->finder, &j->py, &plan, msg, sizeof msg);
    else if (j->native)
        plan_rc = s2n_native_plan_make(&j->rs, &j->finder, &j->py, site, &plan, msg, sizeof msg);
    else {
        plan_rc = S2N_PLAN_FALLBACK;
        snprintf(msg, sizeof msg, "the native installer is turned off (native: false)");
    }
    if (plan.nsatisfied) {
        j->h->log(j->st, S2N_LOG_INFO, "already satisfied by the system site-packages:");
        for (size_t i = 0; i < plan.nsatisfied; i++)
            j->h->log(j->st, S2N_LOG_INFO, "  %s", plan.satisfied[i]);
    }
    for (size_t i = 0; i < plan.nnotes; i++)
        j->h->log(j->st, S2N_LOG_WARN, "%s", plan.notes[i]);
    if (plan_rc == S2N_PLAN_ERROR) {
        j->h->log(j->st, S2N_LOG_ERROR, "%s", msg);
        j->h->set_message(j->st, "%s", msg);
        return -1;
    }
    if (plan_rc == S2N_PLAN_FALLBACK) {
        j->h->log(j->st, S2N_LOG_INFO, "installing with pip: %s", msg);
        if (pip_then_fix(j, tmp, 0) != 0)
            return -1;
        if (j->install_project) {
            j->h->log(j->st, S2N_LOG_INFO, "installing the project with pip: the requirements "
                                           "went to pip");
            return pip_then_fix(j, tmp, 1);
        }
        return 0;
    }
    int project_native = 0;
    if (j->install_project && j->native) {
        project_native = add_project(j, &plan);
        if (project_native < 0) {
            s2n_native_plan_free(&plan);
            return -1;
        }
    } else if (j->install_project)
        j->h->log(j->st, S2N_LOG_INFO, "installing the project with pip: native: false");
    int rc = 0;
    if (plan.n) {
        s2n_wheel_target t = {.root = tmp, .final_root = j->path, .purelib = j->py.purelib,
                              .platlib = j->py.platlib, .scripts = "bin",
                              .include = j->py.include, .python_xy = j->py.xy,
                              .installer = "s2nbuild", .requested = 1, .compile = j->compile,
                              .cache_tag = j->py.cache_tag};
        if (j->wheel_cache) {
            /* Installed files are hard links into this cache: an
             * environment costs directory entries, not copies. */
            char *dir = j->h->str_printf(j->st, "%s/cache/unpacked", j->h->state_dir(j->st));
            const char *why = s2n_mkdirs(dir) == 0 ? cache_lacks_room(dir, &plan) : strerror(errno);
            if (why)
                j->h->log(j->st, S2N_LOG_WARN, "wheel cache %s: %s; installing without it", dir,
                          why);
            else
                t.cache_dir = dir;
        }
        char err[1024];
        rc = s2n_native_install(&plan, &t, &j->py, j->compile, tmp, &j->runner, err, sizeof err);
        if (rc != 0) {
            j->h->log(j->st, S2N_LOG_ERROR, "%s", err);
            j->h->set_message(j->st, "%s", err);
        } else
            j->h->log(j->st, S2N_LOG_INFO, "installed %zu wheel(s) natively%s", plan.n,
                      project_native ? " (the project editable among them)" : "");
    }
    s2n_native_plan_free(&plan);
    if (rc == 0 && j->install_project && !project_native)
        rc = pip_then_fix(j, tmp, 1);
    return rc;
}

static int install_all(venv_job *j, const char *tmp)
{
    s2n_sitedists site = {0};
    if (j->ssp)
        s2n_sitedists_scan(&site, j->py.site, j->py.nsite);
    int rc = install_with(j, tmp, j->ssp ? &site : NULL);
    s2n_sitedists_free(&site);
    return rc;
}

/* Only an environment (or nothing, or an empty folder) may be replaced. */
static int is_our_venv_or_absent(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return 1;
    char cfg[PATH_MAX];
    snprintf(cfg, sizeof cfg, "%s/pyvenv.cfg", path);
    if (access(cfg, F_OK) == 0)
        return 1;
    DIR *d = S_ISDIR(st.st_mode) ? opendir(path) : NULL;
    if (!d)
        return 0;
    struct dirent *e;
    int empty = 1;
    while (empty && (e = readdir(d)))
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

/* Folders a killed run left beside the environment (PATH.s2n-new-PID of
 * a process that is gone) are removed. */
static void remove_stale(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return;
    *slash = '\0';
    const char *base = slash + 1;
    size_t bl = strlen(base);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, base, bl) != 0
            || (strncmp(e->d_name + bl, ".s2n-new-", 9) != 0
                && strncmp(e->d_name + bl, ".s2n-old-", 9) != 0))
            continue;
        long pid = strtol(e->d_name + bl + 9, NULL, 10);
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        char full[PATH_MAX];
        if (snprintf(full, sizeof full, "%s/%s", dir, e->d_name) < (int)sizeof full)
            s2n_rmtree(full);
    }
    if (d)
        closedir(d);
}

static void publish(venv_job *j)
{
    j->h->set_output(j->st, "venv", j->path);
    j->h->set_output(j->st, "python", j->h->str_printf(j->st, "%s/bin/python", j->path));
}

/* A growing text buffer for the key material. */
typedef struct keybuf {
    char *s;
    size_t len, cap;
} keybuf;

static void kb_add(keybuf *k, const char *label, const char *v)
{
    size_t need = strlen(label) + (v ? strlen(v) : 1) + 3;
    if (k->len + need > k->cap) {
        size_t nc = (k->len + need) * 2;
        char *ns = realloc(k->s, nc);
        if (!ns)
            return;
        k->s = ns, k->cap = nc;
    }
    k->len += (size_t)sprintf(k->s + k->len, "%s=%s\n", label, v ? v : "-");
}

static void kb_file(keybuf *k, const char *label, const char *path)
{
    uint8_t d[32];
    char hex[65];
    uint64_t size;
    if (s2n_sha256_file(path, d, &size) != 0)
        snprintf(hex, sizeof hex, "absent");
    else
        s2n_hex(d, 32, hex);
    kb_add(k, label, hex);
}

/* Everything that changes what the environment contains: plugin version,
 * interpreter build, options, requirement files (all includes), the local
 * sources' listing, the pip settings from the environment, the project's
 * metadata files for an editable install. */
static void compute_key(venv_job *j, char out[65])
{
    keybuf k = {0};
    struct stat st;
    char buf[64];
    kb_add(&k, "plugin", "venv/" VENV_PLUGIN_VERSION);
    kb_add(&k, "path", j->path);
    kb_add(&k, "python", j->py.realpath);
    kb_add(&k, "python-link", j->py.path);
    kb_add(&k, "python-version", j->py.version);
    if (stat(j->py.realpath, &st) == 0) {
        snprintf(buf, sizeof buf, "%lld/%lld", (long long)st.st_mtime, (long long)st.st_size);
        kb_add(&k, "python-stat", buf);
    }
    snprintf(buf, sizeof buf, "%d%d%d%d%d%d", j->ssp, j->no_index, j->install_project,
             j->build_isolation, j->native, j->compile);
    kb_add(&k, "flags", buf);
    /* What the system site-packages provide can change under us (apt):
     * adding or removing a distribution changes its folder's mtime. */
    for (size_t i = 0; j->ssp && i < j->py.nsite; i++)
        if (stat(j->py.site[i], &st) == 0) {
            snprintf(buf, sizeof buf, "%lld.%09ld", (long long)st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec);
            kb_add(&k, j->py.site[i], buf);
        }
    kb_add(&k, "prompt", j->h->opt_string(j->st, "prompt"));
    kb_add(&k, "index_url", j->index_url);
    for (size_t i = 0; i < j->nextra_index; i++)
        kb_add(&k, "extra_index_url", j->extra_index[i]);
    for (size_t i = 0; i < j->nlinks; i++)
        kb_add(&k, "find_links", j->links[i]);
    static const char *const envs[] = {"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS",
                                       "PIP_NO_INDEX", "PIP_CONSTRAINT", "PIP_REQUIRE_HASHES"};
    for (size_t i = 0; i < sizeof envs / sizeof *envs; i++)
        kb_add(&k, envs[i], j->h->getenv(j->st, envs[i]));
    uint8_t d[32];
    char hex[65];
    s2n_sha256(j->rs.fingerprint ? j->rs.fingerprint : "", j->rs.fingerprint_len, d);
    s2n_hex(d, 32, hex);
    kb_add(&k, "requirements", hex);
    char *fp = s2n_finder_fingerprint(&j->finder);
    s2n_sha256(fp, strlen(fp), d);
    s2n_hex(d, 32, hex);
    free(fp);
    kb_add(&k, "sources", hex);
    if (j->lock)
        kb_file(&k, "lock", j->lock);
    if (j->install_project) {
        const char *wd = j->h->workdir(j->st);
        kb_add(&k, "project", wd);
        kb_file(&k, "pyproject.toml", j->h->str_printf(j->st, "%s/pyproject.toml", wd));
        kb_file(&k, "setup.cfg", j->h->str_printf(j->st, "%s/setup.cfg", wd));
        kb_file(&k, "setup.py", j->h->str_printf(j->st, "%s/setup.py", wd));
    }
    s2n_sha256(k.s ? k.s : "", k.len, d);
    s2n_hex(d, 32, out);
    free(k.s);
}

static int venv_run(s2n_stage *st, const s2n_host *h)
{
    setlocale(LC_CTYPE, "C.UTF-8");
    /* libarchive converts every member's DOS time with mktime(), and with
     * TZ unset glibc stats /etc/localtime each time; naming the same zone
     * file explicitly makes it read once. */
    if (!getenv("TZ"))
        setenv("TZ", ":/etc/localtime", 0);
    venv_job job = {.st = st, .h = h};
    venv_job *j = &job;
    j->hc = (host_ctx){st, h};
    j->runner = (s2n_runner){host_run, &j->hc};
    j->path = h->opt_string(st, "path");
    if (!j->path || !*j->path)
        j->path = h->str_printf(st, "%s/venvs/%s", h->state_dir(st), h->stage_name(st));
    j->python = h->opt_string(st, "python");
    j->ssp = opt_flag(j, "system_site_packages");
    j->no_index = opt_flag(j, "no_index");
    j->install_project = opt_flag(j, "install_project");
    j->build_isolation = opt_flag(j, "build_isolation");
    j->native = opt_flag(j, "native");
    j->compile = opt_flag(j, "compile");
    j->wheel_cache = opt_flag(j, "wheel_cache");
    j->index_url = h->opt_string(st, "index_url");
    j->lock = h->opt_string(st, "lock");
    if (j->lock && !*j->lock)
        j->lock = NULL;
    if (j->index_url && !*j->index_url)
        j->index_url = NULL;
    j->req_files = list_opt(j, "requirements", &j->nreq, 1);
    j->cons_files = list_opt(j, "constraints", &j->ncons, 1);
    j->packages = list_opt(j, "packages", &j->npackages, 0);
    j->links = list_opt(j, "find_links", &j->nlinks, 1);
    j->extra_index = list_opt(j, "extra_index_url", &j->nextra_index, 0);

    int result = S2N_ERROR;
    char err[1024];
    char *cache = h->str_printf(st, "%s/cache", h->state_dir(st));
    mkdir(h->state_dir(st), 0777);
    mkdir(cache, 0777);
    if (s2n_pyinfo_get(j->python, cache, &j->runner, &j->py, err, sizeof err) != 0) {
        h->log(st, S2N_LOG_ERROR, "%s", err);
        h->set_message(st, "%s", err);
        return S2N_ERROR;
    }
    if (read_requirements(j) != 0)
        goto out;
    setup_finder(j);

    if (!is_our_venv_or_absent(j->path)) {
        h->set_message(st, "%s exists and is not a virtual environment; not replacing it", j->path);
        h->log(st, S2N_LOG_ERROR, "%s exists and is not a virtual environment", j->path);
        goto out;
    }
    char key[65];
    compute_key(j, key);
    char *have = s2n_venv_cfg_get(j->path, "s2nbuild-key");
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s/bin/python", j->path);
    if (have && strcmp(have, key) == 0 && access(probe, X_OK) == 0) {
        free(have);
        h->log(st, S2N_LOG_INFO, "environment %s is up to date (key %.12s)", j->path, key);
        h->set_message(st, "reused %s", j->path);
        publish(j);
        result = S2N_OK;
        goto out;
    }
    free(have);

    /* Build beside, then swap. */
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", j->path);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        s2n_mkdirs(parent);
    }
    remove_stale(j->path);
    char *tmp = h->str_printf(st, "%s.s2n-new-%ld", j->path, (long)getpid());
    s2n_rmtree(tmp);
    s2n_venv_spec spec = {.root = tmp, .final_root = j->path, .py = &j->py,
                          .system_site_packages = j->ssp, .prompt = h->opt_string(st, "prompt"),
                          .command = h->str_printf(st, "s2nbuild stage venv path=%s", j->path)};
    if (s2n_venv_create(&spec, err, sizeof err) != 0) {
        h->log(st, S2N_LOG_ERROR, "%s", err);
        h->set_message(st, "%s", err);
        goto fail;
    }
    result = S2N_FAILED;
    if (install_all(j, tmp) != 0)
        goto fail;
    /* The key goes in last: its presence means the environment is whole. */
    if (s2n_venv_cfg_set(tmp, "s2nbuild-key", key, err, sizeof err) != 0) {
        h->log(st, S2N_LOG_ERROR, "%s", err);
        result = S2N_ERROR;
        goto fail;
    }
    if (s2n_swap_in(tmp, j->path, err, sizeof err) != 0) {
        h->log(st, S2N_LOG_ERROR, "%s", err);
        h->set_message(st, "%s", err);
        result = S2N_ERROR;
        goto fail;
    }
    h->set_message(st, "created %s (Python %s)", j->path, j->py.version);
    publish(j);
    result = S2N_OK;
    goto out;
fail:
    s2n_rmtree(tmp);
out:
    s2n_finder_free(&j->finder);
    s2n_reqset_free(&j->rs);
    s2n_pyinfo_free(&j->py);
    return result;
}

/* `s2nbuild plan`: what run() would do, without touching anything. */
static int venv_plan(s2n_stage *st, const s2n_host *h)
{
    const char *path = h->opt_string(st, "path");
    const s2n_value *req = h->option(st, "requirements");
    const s2n_value *pk = h->option(st, "packages");
    const char *lock = h->opt_string(st, "lock");
    int project = 0;
    h->opt_bool(st, "install_project", &project);
    h->log(st, S2N_LOG_INFO, "environment %s%s from %s; %s%zu requirement file(s), %zu package "
           "line(s)%s; reused when its key is unchanged",
           path && *path ? path : h->state_dir(st), path && *path ? "" : "/venvs/<stage>",
           h->opt_string(st, "python"), lock && *lock ? "lock file, " : "",
           req ? h->value_len(req) : 0, pk ? h->value_len(pk) : 0,
           project ? ", the project editable" : "");
    return S2N_OK;
}

static int venv_validate(s2n_stage *st, const s2n_host *h)
{
    const s2n_value *lock = h->option(st, "lock");
    if (lock && (h->option(st, "requirements") || h->option(st, "packages")
                 || h->option(st, "constraints"))) {
        h->error(st, "lock", "a lock file is installed exactly; drop requirements, constraints "
                             "and packages, or the lock");
        return S2N_ERROR;
    }
    return S2N_OK;
}

static const s2n_plugin venv_plugin = {
    S2N_PLUGIN_HEAD,
    .flags = S2N_PLUGIN_NO_CACHE, /* reuses its environment itself, and sees one that was deleted */
    .type = "venv",
    .version = VENV_PLUGIN_VERSION,
    .summary = "create a virtual environment natively and install requirements",
    .options = venv_options,
    .validate = venv_validate,
    .run = venv_run,
    .plan = venv_plan,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &venv_plugin;
}

/*
 * Plugin loading.  A plugin file is first probed in a child process
 * (fork + exec of ourselves with LD_BIND_NOW, like gst-plugin-scanner), so
 * a file that crashes in its entry point, or that references a symbol
 * nobody provides, is refused with a clear message instead of taking the
 * core down or failing later in the middle of a run.  Only then is it
 * opened in this process with libltdl.
 */
#include "config.h"
#include "core/loader.h"
#include "core/plugcache.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <ltdl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef S2N_PLUGINDIR
#define S2N_PLUGINDIR "/usr/local/lib/s2nbuild"
#endif

#define PROBE_TIMEOUT_MS 10000

static int ltdl_ready;

/* The build tree's search entry: plugins/<type>/.libs for every type. */
#define TREE_SUFFIX "/*/.libs"

static int is_tree_pattern(const char *d)
{
    size_t n = strlen(d), k = strlen(TREE_SUFFIX);
    return n > k && strcmp(d + n - k, TREE_SUFFIX) == 0;
}

static void ltdl_init(void)
{
    if (!ltdl_ready) {
        lt_dlinit();
        ltdl_ready = 1;
    }
}

static char *file_for(const char *dir, const char *type)
{
    return xasprintf("%s/s2n-%s.so", dir, type);
}

/* "s2n-foo.so" -> "foo"; NULL when the name has another shape. */
static char *type_of_file(const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (strncmp(base, "s2n-", 4) != 0 || n < 8 || strcmp(base + n - 3, ".so") != 0)
        return NULL;
    return xstrndup(base + 4, n - 7);
}

static void add_dir(registry *r, const char *dir)
{
    if (!dir || !*dir)
        return; /* an empty PATH entry never means "the current directory" */
    if (!sv_contains(&r->dirs, dir))
        sv_push(&r->dirs, xstrdup(dir));
}

static void add_path_list(registry *r, const char *list)
{
    if (!list)
        return;
    char *copy = xstrdup(list), *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
        add_dir(r, d);
    free(copy);
}

/* When this binary is the one in the build tree, plugins are in
 * plugins/<type>/.libs/ beside it: no `make install` needed. */
static void add_build_tree(registry *r)
{
#ifdef S2N_BUILDDIR
    char exe[PATH_MAX], top[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || !realpath(S2N_BUILDDIR, top))
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    if (strcmp(exe, top) != 0)
        return;
    char *pattern = xasprintf("%s/plugins", top);
    sv_push(&r->dirs, xasprintf("%s" TREE_SUFFIX, pattern)); /* expanded in lookup */
    free(pattern);
#else
    (void)r;
#endif
}

void registry_init(registry *r, const strvec *cli_dirs, const strvec *pipeline_dirs)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; cli_dirs && i < cli_dirs->n; i++)
        add_dir(r, cli_dirs->v[i]);
    add_path_list(r, getenv("S2NBUILD_PLUGIN_PATH"));
    for (size_t i = 0; pipeline_dirs && i < pipeline_dirs->n; i++)
        add_dir(r, pipeline_dirs->v[i]);
    add_build_tree(r);
    add_dir(r, S2N_PLUGINDIR);
}

/* A plugin runs with the publishing credentials of the pipeline: never
 * take one from a place other users can write to. */
static char *unsafe_reason(const char *path, int is_dir)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return NULL;
    (void)is_dir;
    if (st.st_mode & S_IWOTH)
        return xasprintf("%s is writable by every user", path);
    if ((st.st_mode & S_IWGRP) && st.st_gid != 0 && st.st_gid != getegid())
        return xasprintf("%s is writable by group %u", path, (unsigned)st.st_gid);
    return NULL;
}

/* Candidate files for a type, in search order (the build tree entry is a
 * pattern over plugin folders). */
static void candidates(registry *r, const char *type, strvec *out)
{
    for (size_t i = 0; i < r->dirs.n; i++) {
        const char *d = r->dirs.v[i];
        size_t n = strlen(d);
        if (is_tree_pattern(d)) {
            char *base = xstrndup(d, n - strlen(TREE_SUFFIX));
            char *f = xasprintf("%s/%s/.libs/s2n-%s.so", base, type, type);
            if (access(f, F_OK) == 0)
                sv_push(out, f);
            else
                free(f);
            free(base);
            continue;
        }
        char *f = file_for(d, type);
        if (access(f, F_OK) == 0)
            sv_push(out, f);
        else
            free(f);
    }
}

static int is_builtin_dir(const char *file)
{
    return strstr(file, "/.libs/s2n-") != NULL || strncmp(file, S2N_PLUGINDIR "/", strlen(S2N_PLUGINDIR) + 1) == 0;
}

char *loader_check_desc(const s2n_plugin *d, const char *file)
{
    if (!d)
        return xasprintf("%s: s2n_plugin_entry() returned NULL (the plugin refused this host, "
                         "ABI %d.%d)", file, S2N_ABI_MAJOR, S2N_ABI_MINOR);
    if (d->magic != S2N_PLUGIN_MAGIC)
        return xasprintf("%s: bad magic 0x%08x in the descriptor (expected 0x%08x): not an "
                         "s2nbuild plugin, or built against a broken header",
                         file, (unsigned)d->magic, S2N_PLUGIN_MAGIC);
    if (d->abi_major != S2N_ABI_MAJOR)
        return xasprintf("%s: built for plugin ABI %u.%u; this s2nbuild speaks ABI %d.%d — "
                         "rebuild the plugin against this s2nbuild's s2nbuild/plugin.h",
                         file, d->abi_major, d->abi_minor, S2N_ABI_MAJOR, S2N_ABI_MINOR);
    if (d->min_host_minor > S2N_ABI_MINOR)
        return xasprintf("%s: needs host ABI %d.%u or newer; this s2nbuild provides %d.%d — "
                         "upgrade s2nbuild", file, S2N_ABI_MAJOR, d->min_host_minor,
                         S2N_ABI_MAJOR, S2N_ABI_MINOR);
    if (d->struct_size < offsetof(s2n_plugin, cleanup))
        return xasprintf("%s: descriptor struct_size %u is smaller than any ABI 1 descriptor",
                         file, (unsigned)d->struct_size);
    if (!d->type || !*d->type)
        return xasprintf("%s: incomplete descriptor: no type", file);
    if (!d->version || !d->run)
        return xasprintf("%s: incomplete descriptor: %s missing", file,
                         !d->version ? "version" : "run()");
    if (d->options && d->option_size < offsetof(s2n_option, help) + sizeof(char *))
        return xasprintf("%s: option_size %u is too small", file, (unsigned)d->option_size);
    char *ft = type_of_file(file);
    if (ft && strcmp(ft, d->type) != 0) {
        char *e = xasprintf("%s: declares type '%s', which does not match its file name "
                            "(expected s2n-%s.so)", file, d->type, d->type);
        free(ft);
        return e;
    }
    free(ft);
    return NULL;
}

/* In the probe child: open with ltdl, bound now (LD_BIND_NOW set by the
 * parent), call the entry, check, print the descriptor. */
int loader_probe_main(const char *file)
{
    ltdl_init();
    lt_dladvise adv;
    lt_dladvise_init(&adv);
    lt_dladvise_local(&adv);
    lt_dlhandle h = lt_dlopenadvise(file, adv);
    lt_dladvise_destroy(&adv);
    if (!h) {
        /* libltdl reports every failed dlopen as "file not found"; ask the
         * dynamic linker itself (bound now, like the probe) for the reason. */
        void *raw = dlopen(file, RTLD_NOW | RTLD_LOCAL);
        const char *e = raw ? NULL : dlerror();
        if (raw)
            dlclose(raw);
        if (!e)
            e = lt_dlerror();
        if (e && strstr(e, "undefined symbol"))
            printf("%s: unresolved symbol: %s — link the plugin against the library that "
                   "provides it (ldd -r %s)\n", file, e, file);
        else
            printf("%s: not a loadable shared object (%s)\n", file, e ? e : "unknown error");
        return 2;
    }
    void *sym = lt_dlsym(h, "s2n_plugin_entry");
    if (!sym) {
        printf("%s: has no entry point s2n_plugin_entry (export it with "
               "-export-symbols-regex '^s2n_plugin_entry$')\n", file);
        return 2;
    }
    const s2n_plugin *(*entry)(unsigned, unsigned) = (const s2n_plugin *(*)(unsigned, unsigned))sym;
    const s2n_plugin *d = entry(S2N_ABI_MAJOR, S2N_ABI_MINOR);
    char *err = loader_check_desc(d, file);
    if (err) {
        printf("%s\n", err);
        free(err); /* LeakSanitizer would exit(1) and lose the buffered line */
        fflush(stdout);
        return 2;
    }
    json_t *j = json_pack("{s:s, s:s, s:i, s:i, s:i}", "type", d->type, "version", d->version,
                          "abi_major", d->abi_major, "abi_minor", d->abi_minor,
                          "min_host_minor", d->min_host_minor);
    char *s = json_dumps(j, JSON_COMPACT);
    printf("%s\n", s);
    free(s);
    json_decref(j);
    return 0;
}

static char *probe(const char *file)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return xasprintf("%s: cannot probe: %s", file, strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return xasprintf("%s: cannot probe: %s", file, strerror(errno));
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2);
        setenv("LD_BIND_NOW", "1", 1);
        execl("/proc/self/exe", "s2nbuild", "__probe", file, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    strbuf out = {0};
    double deadline = now_monotonic() + PROBE_TIMEOUT_MS / 1000.0;
    int timed_out = 0;
    for (;;) {
        struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
        int left = (int)((deadline - now_monotonic()) * 1000);
        if (left <= 0) {
            timed_out = 1;
            kill(pid, SIGKILL);
            break;
        }
        int pr = poll(&pfd, 1, left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        char buf[4096];
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (out.len < 65536)
            sb_add(&out, buf, (size_t)n);
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    char *res = NULL;
    if (timed_out)
        res = xasprintf("%s: hung while probing (no answer from s2n_plugin_entry in %d s)", file,
                        PROBE_TIMEOUT_MS / 1000);
    else if (WIFSIGNALED(status))
        res = xasprintf("%s: crashed while probing (signal %d: %s in s2n_plugin_entry or a "
                        "library constructor)", file, WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char *msg = out.s ? out.s : xstrdup("");
        size_t n = strlen(msg);
        while (n && msg[n - 1] == '\n')
            msg[--n] = '\0';
        res = *msg ? xstrdup(msg) : xasprintf("%s: probe failed (exit %d)", file, WEXITSTATUS(status));
        if (!out.s)
            free(msg);
    }
    sb_free(&out);
    return res;
}

static const plugin *open_checked(registry *r, const char *file, char **err)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->plugins[i]->file, file) == 0)
            return r->plugins[i];
    if (!r->allow_unsafe) {
        char *dir = xstrdup(file);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        char *why = unsafe_reason(dir, 1);
        if (!why)
            why = unsafe_reason(file, 0);
        free(dir);
        if (why) {
            *err = xasprintf("%s: refusing to load: %s (use --allow-unsafe-plugin-path if you "
                             "trust it)", file, why);
            free(why);
            return NULL;
        }
    }
    if (!r->cache_opened) {
        r->cache = plugcache_open();
        r->cache_opened = 1;
    }
    int cached = plugcache_known_good(r->cache, file);
    char *perr = cached ? NULL : probe(file);
    if (perr) {
        *err = perr;
        return NULL;
    }
    ltdl_init();
    lt_dladvise adv;
    lt_dladvise_init(&adv);
    lt_dladvise_local(&adv);
    lt_dlhandle h = lt_dlopenadvise(file, adv);
    lt_dladvise_destroy(&adv);
    if (!h) {
        *err = xasprintf("%s: not a loadable shared object (%s)", file, lt_dlerror());
        return NULL;
    }
    void *sym = lt_dlsym(h, "s2n_plugin_entry");
    const s2n_plugin *d = sym ? ((const s2n_plugin *(*)(unsigned, unsigned))sym)(S2N_ABI_MAJOR,
                                                                                 S2N_ABI_MINOR)
                              : NULL;
    char *cerr = sym ? loader_check_desc(d, file)
                     : xasprintf("%s: has no entry point s2n_plugin_entry", file);
    if (cerr) {
        *err = cerr;
        lt_dlclose(h);
        return NULL;
    }
    if (!cached)
        plugcache_remember(r->cache, file);
    /* One allocation per plugin: callers keep `const plugin *` across
     * later loads, so the array may move but the plugins must not. */
    r->plugins = xrealloc(r->plugins, (r->n + 1) * sizeof *r->plugins);
    plugin *p = r->plugins[r->n++] = xcalloc(1, sizeof *p);
    p->type = xstrdup(d->type);
    p->file = xstrdup(file);
    p->desc = d;
    p->handle = h;
    return p;
}

static char *searched_dirs(const registry *r)
{
    strbuf b = {0};
    for (size_t i = 0; i < r->dirs.n; i++)
        sb_printf(&b, "\n  %s", r->dirs.v[i]);
    return sb_steal(&b);
}

const plugin *registry_get(registry *r, const char *type, char **err)
{
    *err = NULL;
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->plugins[i]->type, type) == 0)
            return r->plugins[i];
    strvec c = {0};
    candidates(r, type, &c);
    if (c.n == 0) {
        char *dirs = searched_dirs(r);
        *err = xasprintf("no plugin for stage type '%s' (looked for s2n-%s.so in:%s)", type, type,
                         dirs);
        free(dirs);
        sv_free(&c);
        return NULL;
    }
    /* An explicit directory may override the stock plugin of a type, but
     * two explicit files for one type are ambiguous. */
    if (c.n > 1 && !is_builtin_dir(c.v[1])) {
        *err = xasprintf("stage type '%s' is claimed by both %s and %s; remove one or reorder "
                         "the plugin path", type, c.v[0], c.v[1]);
        sv_free(&c);
        return NULL;
    }
    const plugin *p = open_checked(r, c.v[0], err);
    sv_free(&c);
    return p;
}

const plugin *registry_open_file(registry *r, const char *file, char **err)
{
    char buf[PATH_MAX];
    *err = NULL;
    if (!realpath(file, buf)) {
        *err = xasprintf("%s: %s", file, strerror(errno));
        return NULL;
    }
    return open_checked(r, buf, err);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The s2n-*.so files of one search entry (a dir, or the build tree's
 * plugins/<type>/.libs pattern). */
static void list_files(const char *entry, strvec *out)
{
    size_t n = strlen(entry);
    int pattern = is_tree_pattern(entry);
    char *dir = pattern ? xstrndup(entry, n - strlen(TREE_SUFFIX)) : xstrdup(entry);
    DIR *dp = opendir(dir);
    for (struct dirent *de; dp && (de = readdir(dp));) {
        if (de->d_name[0] == '.')
            continue;
        if (pattern) {
            char *f = xasprintf("%s/%s/.libs/s2n-%s.so", dir, de->d_name, de->d_name);
            if (access(f, F_OK) == 0)
                sv_push(out, f);
            else
                free(f);
        } else {
            char *t = type_of_file(de->d_name);
            if (t)
                sv_push(out, xasprintf("%s/%s", dir, de->d_name));
            free(t);
        }
    }
    if (dp)
        closedir(dp);
    free(dir);
}

void registry_scan(registry *r, strvec *errs)
{
    strvec types = {0};
    for (size_t i = 0; i < r->dirs.n; i++) {
        strvec files = {0};
        list_files(r->dirs.v[i], &files);
        if (files.n)
            qsort(files.v, files.n, sizeof *files.v, cmp_str);
        for (size_t k = 0; k < files.n; k++) {
            char *t = type_of_file(files.v[k]);
            if (!t || sv_contains(&types, t)) {
                free(t);
                continue;
            }
            char *err = NULL;
            if (registry_get(r, t, &err))
                sv_push(&types, t);
            else {
                sv_push(errs, err);
                free(t);
            }
        }
        sv_free(&files);
    }
    sv_free(&types);
}

void registry_free(registry *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->plugins[i]->type);
        free(r->plugins[i]->file);
        free(r->plugins[i]);
        /* Handles stay open: forked stage children and atexit handlers of
         * plugins may still point into them. */
    }
    free(r->plugins);
    sv_free(&r->dirs);
    plugcache_close(r->cache);
    memset(r, 0, sizeof *r);
}

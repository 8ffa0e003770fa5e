/*
 * minihost — a minimal s2nbuild host for testing the build plugin before
 * (and independently of) the core CLI:
 *     minihost PLUGIN.so key=value ...
 * loads the plugin with dlopen, hands it a host table, runs validate()
 * and run() in this process and prints artifacts/outputs as
 * "artifact KIND PATH" and "output KEY VALUE" lines.  Exit: 0 ok,
 * 1 failed, 2 error.
 */
#define _GNU_SOURCE
#include <s2nbuild/plugin.h>

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct s2n_value {
    char *str;
};

#define MAXOPT 32
static char *keys[MAXOPT];
static struct s2n_value vals[MAXOPT];
static int nopts;
static char cwd[PATH_MAX];
static char stage_dir[PATH_MAX + 64];
static void *arena[4096];
static int narena;

static void *arena_add(void *p)
{
    if (narena < 4096)
        arena[narena++] = p;
    return p;
}

static void h_vlog(s2n_stage *st, int level, const char *fmt, va_list ap)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    fprintf(stderr, "[%s] ", names[level & 3]);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

static void h_log(s2n_stage *st, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    h_vlog(st, level, fmt, ap);
    va_end(ap);
}

static void h_error(s2n_stage *st, const char *option, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[config] %s: ", option ? option : "stage");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void h_set_message(s2n_stage *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[message] ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static const s2n_plugin *plugin;

static const s2n_option *find_opt(const char *name)
{
    for (const s2n_option *o = plugin->options; o && o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

static const s2n_value *h_option(s2n_stage *st, const char *name)
{
    for (int i = 0; i < nopts; i++)
        if (strcmp(keys[i], name) == 0)
            return &vals[i];
    const s2n_option *o = find_opt(name);
    if (o && o->default_value) {
        keys[nopts] = strdup(name);
        vals[nopts].str = strdup(o->default_value);
        return &vals[nopts++];
    }
    return NULL;
}

static const char *h_resolve(s2n_stage *st, const char *path)
{
    char *r;
    if (path[0] == '/')
        return path;
    if (asprintf(&r, "%s/%s", cwd, path) < 0)
        abort();
    return arena_add(r);
}

static const char *h_opt_string(s2n_stage *st, const char *name)
{
    const s2n_value *v = h_option(st, name);
    if (!v)
        return NULL;
    const s2n_option *o = find_opt(name);
    if (o && o->kind == S2N_KIND_PATH)
        return h_resolve(st, v->str);
    return v->str;
}

static int h_opt_int(s2n_stage *st, const char *name, long long *out)
{
    const s2n_value *v = h_option(st, name);
    if (!v)
        return -1;
    *out = atoll(v->str);
    return 0;
}

static int h_opt_bool(s2n_stage *st, const char *name, int *out)
{
    const s2n_value *v = h_option(st, name);
    if (!v)
        return -1;
    *out = strcmp(v->str, "true") == 0 || strcmp(v->str, "1") == 0 || strcmp(v->str, "yes") == 0;
    return 0;
}

static int h_value_kind(const s2n_value *v) { return S2N_KIND_STRING; }
static const char *h_value_str(const s2n_value *v) { return v ? v->str : NULL; }
static size_t h_value_len(const s2n_value *v) { return 1; }
static const s2n_value *h_value_at(const s2n_value *v, size_t i) { return i == 0 ? v : NULL; }
static const char *h_value_key_at(const s2n_value *v, size_t i) { return NULL; }
static const s2n_value *h_value_get(const s2n_value *v, const char *k) { return NULL; }
static const char *h_value_where(const s2n_value *v) { return ""; }
static const char *h_stage_name(s2n_stage *st) { return "build"; }
static const char *h_workdir(s2n_stage *st) { return cwd; }
static const char *h_stage_dir(s2n_stage *st) { return stage_dir; }
static const char *h_getenv(s2n_stage *st, const char *name) { return getenv(name); }

static int h_add_artifact(s2n_stage *st, const char *path, const char *kind)
{
    printf("artifact %s %s\n", kind, path);
    return access(path, R_OK) == 0 ? 0 : -1;
}

static int h_set_output(s2n_stage *st, const char *key, const char *value)
{
    printf("output %s %s\n", key, value);
    return 0;
}

static int h_spawn(s2n_stage *st, const s2n_spawn *spec, char **out, size_t *out_len)
{
    int pipefd[2] = {-1, -1};
    if ((spec->flags & S2N_SPAWN_CAPTURE) && pipe(pipefd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (spec->cwd && chdir(spec->cwd) != 0)
            _exit(127);
        for (const char *const *e = spec->env; e && *e; e++)
            putenv((char *)*e);
        if (pipefd[1] >= 0) {
            dup2(pipefd[1], 1);
            close(pipefd[0]);
            if (spec->flags & S2N_SPAWN_MERGE)
                dup2(pipefd[1], 2);
            else
                freopen("/dev/null", "w", stderr);
        } else {
            dup2(2, 1); /* logged output goes to stderr */
        }
        execvp(spec->argv[0], (char *const *)spec->argv);
        _exit(127);
    }
    if (pipefd[0] >= 0) {
        close(pipefd[1]);
        size_t cap = 4096, len = 0;
        char *buf = malloc(cap);
        ssize_t r;
        while ((r = read(pipefd[0], buf + len, cap - len - 1)) > 0) {
            len += (size_t)r;
            if (len + 1 >= cap)
                buf = realloc(buf, cap *= 2);
        }
        buf[len] = '\0';
        close(pipefd[0]);
        *out = arena_add(buf);
        if (out_len)
            *out_len = len;
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void *h_alloc(s2n_stage *st, size_t n) { return arena_add(calloc(1, n ? n : 1)); }
static char *h_str_dup(s2n_stage *st, const char *s) { return arena_add(strdup(s)); }
static char *h_str_printf(s2n_stage *st, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    return arena_add(s);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: minihost PLUGIN.so key=value ...\n");
        return 2;
    }
    void *dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        fprintf(stderr, "minihost: %s\n", dlerror());
        return 2;
    }
    const s2n_plugin *(*entry)(unsigned, unsigned) =
        (const s2n_plugin *(*)(unsigned, unsigned))dlsym(dl, "s2n_plugin_entry");
    if (!entry || !(plugin = entry(S2N_ABI_MAJOR, S2N_ABI_MINOR)) || plugin->magic != S2N_PLUGIN_MAGIC) {
        fprintf(stderr, "minihost: %s is not a plugin\n", argv[1]);
        return 2;
    }
    if (!getcwd(cwd, sizeof cwd))
        return 2;
    snprintf(stage_dir, sizeof stage_dir, "%s/.s2nbuild/runs/minihost/build", cwd);
    for (int i = 2; i < argc && nopts < MAXOPT; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq || !find_opt((*eq = '\0', argv[i]))) {
            fprintf(stderr, "minihost: unknown option %s\n", argv[i]);
            return 2;
        }
        keys[nopts] = argv[i];
        vals[nopts++].str = eq + 1;
    }
    s2n_host h = {
        .struct_size = sizeof h, .abi_major = S2N_ABI_MAJOR, .abi_minor = S2N_ABI_MINOR,
        .log = h_log, .vlog = h_vlog, .error = h_error, .set_message = h_set_message,
        .option = h_option, .opt_string = h_opt_string, .opt_int = h_opt_int, .opt_bool = h_opt_bool,
        .value_kind = h_value_kind, .value_str = h_value_str, .value_len = h_value_len,
        .value_at = h_value_at, .value_key_at = h_value_key_at, .value_get = h_value_get,
        .value_where = h_value_where, .stage_name = h_stage_name, .workspace = h_workdir,
        .workdir = h_workdir, .stage_dir = h_stage_dir, .state_dir = h_workdir, .getenv = h_getenv,
        .resolve = h_resolve, .add_artifact = h_add_artifact, .set_output = h_set_output,
        .spawn = h_spawn, .alloc = h_alloc, .str_dup = h_str_dup, .str_printf = h_str_printf,
    };
    int rc = plugin->validate ? plugin->validate(NULL, &h) : S2N_OK;
    if (rc == S2N_OK)
        rc = plugin->run(NULL, &h);
    fflush(stdout);
    for (int i = 0; i < narena; i++)
        free(arena[i]);
    dlclose(dl);
    return rc == S2N_OK ? 0 : rc == S2N_FAILED ? 1 : 2;
}

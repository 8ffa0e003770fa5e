/*
 * minihost — a small stand-in for `s2nbuild stage TYPE key=value ...`,
 * used by the pytest and sphinx plugin tests while the core's CLI is not
 * on this branch.  It dlopens one plugin file, builds option values from
 * key=value arguments (lists: repeat the key or use commas; maps: dotted
 * keys such as publish.branch=gh-pages), checks them against the option
 * table, runs validate() and run(), and prints what the plugin reported
 * as "== key: value" lines on stdout.  Exit: 0 OK/SKIPPED, 1 FAILED,
 * 2 ERROR or bad usage.
 *
 *   minihost [-C DIR] [--name NAME] [--stage-dir DIR] [--output KEY=VALUE]
 *            [--plugin-dir DIR] TYPE|PLUGIN.so [key=value ...]
 *
 * A TYPE is looked up as DIR/TYPE/.libs/s2n-TYPE.so (the build tree).
 */
#define _GNU_SOURCE 1 /* vasprintf, strndup */
#include <s2nbuild/plugin.h>

#include "plugins/common/hash.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct s2n_value {
    int kind; /* STRING, LIST or MAP */
    char *str;
    char *key;
    struct s2n_value **items;
    size_t n;
};

struct s2n_stage {
    const s2n_plugin *plugin;
    const char *name, *workdir, *stage_dir, *state_dir;
    s2n_value *options; /* MAP */
    char **outputs;     /* upstream KEY=VALUE */
    size_t noutputs;
    int errors;
};

static void die(const char *msg)
{
    fprintf(stderr, "minihost: %s\n", msg);
    exit(2);
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p)
        die("out of memory");
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        die("out of memory");
    return p;
}

static s2n_value *val_new(int kind, const char *str)
{
    s2n_value *v = xcalloc(1, sizeof *v);
    v->kind = kind;
    v->str = str ? xstrdup(str) : NULL;
    return v;
}

static void val_push(s2n_value *parent, s2n_value *child)
{
    parent->items = realloc(parent->items, (parent->n + 1) * sizeof *parent->items);
    if (!parent->items)
        die("out of memory");
    parent->items[parent->n++] = child;
}

static s2n_value *map_get(const s2n_value *m, const char *key)
{
    if (!m || m->kind != S2N_KIND_MAP)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->items[i]->key, key) == 0)
            return m->items[i];
    return NULL;
}

static const s2n_option *find_option(const s2n_plugin *p, const char *name)
{
    const char *base = (const char *)p->options;
    for (size_t i = 0; base; i++) {
        const s2n_option *o = (const s2n_option *)(base + i * p->option_size);
        if (!o->name)
            break;
        if (strcmp(o->name, name) == 0)
            return o;
    }
    return NULL;
}

/* "[a, b]" or "a" as written in a default. */
static s2n_value *parse_default(const s2n_option *o)
{
    const char *d = o->default_value;
    if (o->kind == S2N_KIND_LIST) {
        s2n_value *l = val_new(S2N_KIND_LIST, NULL);
        char *copy = xstrdup(d), *s = copy;
        if (*s == '[')
            s++;
        char *end = strrchr(s, ']');
        if (end)
            *end = '\0';
        for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
            while (*tok == ' ')
                tok++;
            if (*tok)
                val_push(l, val_new(S2N_KIND_STRING, tok));
        }
        free(copy);
        return l;
    }
    return val_new(S2N_KIND_STRING, d);
}

static void set_option(s2n_stage *st, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq)
        die("options are key=value");
    char *key = strndup(arg, (size_t)(eq - arg));
    const char *value = eq + 1;
    char *dot = strchr(key, '.');
    if (dot)
        *dot = '\0';
    const s2n_option *o = find_option(st->plugin, key);
    if (!o) {
        fprintf(stderr, "minihost: unknown option '%s' for %s\n", key, st->plugin->type);
        exit(2);
    }
    s2n_value *v = map_get(st->options, key);
    if (dot) {
        if (o->kind != S2N_KIND_MAP && o->kind != S2N_KIND_ANY)
            die("dotted key for an option that is not a map");
        if (!v) {
            v = val_new(S2N_KIND_MAP, NULL);
            v->key = xstrdup(key);
            val_push(st->options, v);
        }
        s2n_value *item = val_new(S2N_KIND_STRING, value);
        item->key = xstrdup(dot + 1);
        val_push(v, item);
    } else if (o->kind == S2N_KIND_LIST) {
        if (!v) {
            v = val_new(S2N_KIND_LIST, NULL);
            v->key = xstrdup(key);
            val_push(st->options, v);
        }
        char *copy = xstrdup(value);
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
            val_push(v, val_new(S2N_KIND_STRING, tok));
        free(copy);
    } else {
        if (v)
            die("option given twice");
        if (o->kind == S2N_KIND_INT) {
            char *end;
            errno = 0;
            (void)strtoll(value, &end, 10);
            if (errno || *end || end == value) {
                fprintf(stderr, "minihost: %s: expected an integer\n", key);
                exit(2);
            }
        }
        if (o->kind == S2N_KIND_BOOL && strcmp(value, "true") && strcmp(value, "false")) {
            fprintf(stderr, "minihost: %s: expected true or false\n", key);
            exit(2);
        }
        if (o->flags & S2N_OPT_ENUM) {
            int ok = 0;
            for (const char *const *c = o->choices; c && *c; c++)
                ok |= strcmp(*c, value) == 0;
            if (!ok) {
                fprintf(stderr, "minihost: %s: '%s' is not one of the allowed values\n", key, value);
                exit(2);
            }
        }
        v = val_new(S2N_KIND_STRING, value);
        v->key = xstrdup(key);
        val_push(st->options, v);
    }
    free(key);
}

static void apply_defaults(s2n_stage *st)
{
    const char *base = (const char *)st->plugin->options;
    for (size_t i = 0; base; i++) {
        const s2n_option *o = (const s2n_option *)(base + i * st->plugin->option_size);
        if (!o->name)
            break;
        if (map_get(st->options, o->name))
            continue;
        if ((o->flags & S2N_OPT_REQUIRED)) {
            fprintf(stderr, "minihost: missing required option '%s'\n", o->name);
            exit(2);
        }
        if (o->default_value) {
            s2n_value *v = parse_default(o);
            v->key = xstrdup(o->name);
            val_push(st->options, v);
        }
    }
}

/* ---- host functions ---------------------------------------------------- */

static const char *level_name(int level)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    return level >= 0 && level <= 3 ? names[level] : "?";
}

static void h_vlog(s2n_stage *st, int level, const char *fmt, va_list ap)
{
    fprintf(stderr, "[%s] %s: ", level_name(level), st->name);
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
    printf("== error: %s%s", option ? option : "", option ? ": " : "");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    st->errors++;
}

static void h_set_message(s2n_stage *st, const char *fmt, ...)
{
    (void)st;
    va_list ap;
    va_start(ap, fmt);
    printf("== message: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}

static void h_set_retryable(s2n_stage *st, int r)
{
    (void)st;
    printf("== retryable: %d\n", r);
}

static void h_report_tests(s2n_stage *st, unsigned p, unsigned f, unsigned s, unsigned e)
{
    (void)st;
    printf("== tests: passed=%u failed=%u skipped=%u errors=%u\n", p, f, s, e);
}

static int h_add_junit(s2n_stage *st, const char *path)
{
    (void)st;
    printf("== junit: %s\n", path);
    return access(path, R_OK);
}

static const s2n_value *h_option(s2n_stage *st, const char *name)
{
    return map_get(st->options, name);
}

static char *arena_printf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        die("out of memory");
    va_end(ap);
    return s; /* leaked on purpose: the stage arena lives until exit */
}

static const char *h_resolve(s2n_stage *st, const char *path)
{
    if (path[0] == '/')
        return path;
    return arena_printf("%s/%s", st->workdir, path);
}

static const char *h_opt_string(s2n_stage *st, const char *name)
{
    const s2n_value *v = h_option(st, name);
    if (!v || v->kind != S2N_KIND_STRING)
        return NULL;
    const s2n_option *o = find_option(st->plugin, name);
    if (o && o->kind == S2N_KIND_PATH)
        return h_resolve(st, v->str);
    return v->str;
}

static int h_opt_int(s2n_stage *st, const char *name, long long *out)
{
    const s2n_value *v = h_option(st, name);
    if (!v || v->kind != S2N_KIND_STRING)
        return -1;
    *out = strtoll(v->str, NULL, 10);
    return 0;
}

static int h_opt_bool(s2n_stage *st, const char *name, int *out)
{
    const s2n_value *v = h_option(st, name);
    if (!v || v->kind != S2N_KIND_STRING)
        return -1;
    *out = strcmp(v->str, "true") == 0;
    return 0;
}

static int h_value_kind(const s2n_value *v) { return v ? v->kind : 0; }
static const char *h_value_str(const s2n_value *v) { return v && v->kind == S2N_KIND_STRING ? v->str : NULL; }
static size_t h_value_len(const s2n_value *v) { return v && v->kind != S2N_KIND_STRING ? v->n : 0; }
static const s2n_value *h_value_at(const s2n_value *v, size_t i) { return v && i < v->n ? v->items[i] : NULL; }
static const char *h_value_key_at(const s2n_value *v, size_t i)
{
    return v && v->kind == S2N_KIND_MAP && i < v->n ? v->items[i]->key : NULL;
}
static const s2n_value *h_value_get(const s2n_value *v, const char *key) { return map_get(v, key); }
static const char *h_value_where(const s2n_value *v) { (void)v; return ""; }

static const char *h_stage_name(s2n_stage *st) { return st->name; }
static const char *h_workspace(s2n_stage *st) { return st->workdir; }
static const char *h_workdir(s2n_stage *st) { return st->workdir; }
static const char *h_stage_dir(s2n_stage *st) { return st->stage_dir; }
static const char *h_state_dir(s2n_stage *st) { return st->state_dir; }
static const char *h_getenv(s2n_stage *st, const char *name) { (void)st; return getenv(name); }

static int h_add_artifact(s2n_stage *st, const char *path, const char *kind)
{
    (void)st;
    uint8_t d[32];
    uint64_t size;
    char hex[65];
    if (s2n_sha256_file(path, d, &size) != 0) {
        printf("== artifact-error: %s: %s\n", path, strerror(errno));
        return -1;
    }
    s2n_hex(d, 32, hex);
    printf("== artifact: %s %s %s\n", kind, path, hex);
    return 0;
}

static size_t h_artifact_count(s2n_stage *st, const char *n) { (void)st; (void)n; return 0; }
static const s2n_artifact *h_artifact_at(s2n_stage *st, const char *n, size_t i)
{
    (void)st; (void)n; (void)i;
    return NULL;
}

static int h_set_output(s2n_stage *st, const char *key, const char *value)
{
    (void)st;
    printf("== output: %s=%s\n", key, value);
    return 0;
}

static const char *h_get_output(s2n_stage *st, const char *stage, const char *key)
{
    (void)stage;
    size_t kl = strlen(key);
    for (size_t i = 0; i < st->noutputs; i++)
        if (strncmp(st->outputs[i], key, kl) == 0 && st->outputs[i][kl] == '=')
            return st->outputs[i] + kl + 1;
    return NULL;
}

static int h_spawn(s2n_stage *st, const s2n_spawn *spec, char **out, size_t *out_len)
{
    int pfd[2] = {-1, -1};
    int capture = (spec->flags & S2N_SPAWN_CAPTURE) && out;
    if (capture && pipe(pfd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setpgid(0, 0);
        const char *cwd = spec->cwd ? spec->cwd : st->workdir;
        if (chdir(cwd) != 0) {
            fprintf(stderr, "minihost: cd %s: %s\n", cwd, strerror(errno));
            _exit(127);
        }
        for (const char *const *e = spec->env; e && *e; e++) {
            const char *eq = strchr(*e, '=');
            if (eq) {
                char *name = strndup(*e, (size_t)(eq - *e));
                setenv(name, eq + 1, 1);
            } else {
                unsetenv(*e);
            }
        }
        int in = open(spec->stdin_path ? spec->stdin_path : "/dev/null", O_RDONLY);
        if (in >= 0)
            dup2(in, 0);
        if (spec->flags & S2N_SPAWN_QUIET) {
            int nul = open("/dev/null", O_WRONLY);
            dup2(nul, 1);
            dup2(nul, 2);
        } else if (capture) {
            dup2(pfd[1], 1);
            if (spec->flags & S2N_SPAWN_MERGE)
                dup2(pfd[1], 2);
        } else {
            dup2(2, 1); /* logs go to stderr; stdout carries the == lines */
        }
        if (capture) {
            close(pfd[0]);
            close(pfd[1]);
        }
        execvp(spec->argv[0], (char *const *)spec->argv);
        fprintf(stderr, "minihost: cannot run %s: %s\n", spec->argv[0], strerror(errno));
        _exit(127);
    }
    char *buf = NULL;
    size_t len = 0;
    if (capture) {
        close(pfd[1]);
        fcntl(pfd[0], F_SETFL, O_NONBLOCK);
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status = 0, killed = 0;
    for (;;) {
        if (capture) {
            char tmp[65536];
            ssize_t n;
            while ((n = read(pfd[0], tmp, sizeof tmp)) > 0) {
                buf = realloc(buf, len + (size_t)n + 1);
                if (!buf)
                    die("out of memory");
                memcpy(buf + len, tmp, (size_t)n);
                len += (size_t)n;
            }
        }
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double el = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
        if (spec->timeout > 0 && el > spec->timeout && !killed) {
            kill(-pid, SIGTERM);
            killed = 1;
        }
        usleep(2000);
    }
    if (capture) {
        char tmp[65536];
        ssize_t n;
        while ((n = read(pfd[0], tmp, sizeof tmp)) > 0) {
            buf = realloc(buf, len + (size_t)n + 1);
            if (!buf)
                die("out of memory");
            memcpy(buf + len, tmp, (size_t)n);
            len += (size_t)n;
        }
        close(pfd[0]);
        if (!buf)
            buf = xcalloc(1, 1);
        buf[len] = '\0';
        *out = buf;
        if (out_len)
            *out_len = len;
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    int code = WEXITSTATUS(status);
    if (code == 127)
        return -1;
    return code;
}

static void h_add_secret(s2n_stage *st, const char *s) { (void)st; (void)s; }
static void *h_alloc(s2n_stage *st, size_t size) { (void)st; return xcalloc(1, size); }
static char *h_str_dup(s2n_stage *st, const char *s) { (void)st; return xstrdup(s); }
static char *h_str_printf(s2n_stage *st, const char *fmt, ...)
{
    (void)st;
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        die("out of memory");
    va_end(ap);
    return s;
}

static const s2n_host host = {
    .struct_size = sizeof(s2n_host),
    .abi_major = S2N_ABI_MAJOR,
    .abi_minor = S2N_ABI_MINOR,
    .log = h_log,
    .vlog = h_vlog,
    .error = h_error,
    .set_message = h_set_message,
    .set_retryable = h_set_retryable,
    .report_tests = h_report_tests,
    .add_junit = h_add_junit,
    .option = h_option,
    .opt_string = h_opt_string,
    .opt_int = h_opt_int,
    .opt_bool = h_opt_bool,
    .value_kind = h_value_kind,
    .value_str = h_value_str,
    .value_len = h_value_len,
    .value_at = h_value_at,
    .value_key_at = h_value_key_at,
    .value_get = h_value_get,
    .value_where = h_value_where,
    .stage_name = h_stage_name,
    .workspace = h_workspace,
    .workdir = h_workdir,
    .stage_dir = h_stage_dir,
    .state_dir = h_state_dir,
    .getenv = h_getenv,
    .resolve = h_resolve,
    .add_artifact = h_add_artifact,
    .artifact_count = h_artifact_count,
    .artifact_at = h_artifact_at,
    .set_output = h_set_output,
    .get_output = h_get_output,
    .spawn = h_spawn,
    .add_secret = h_add_secret,
    .alloc = h_alloc,
    .str_dup = h_str_dup,
    .str_printf = h_str_printf,
};

static void mkdirs(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    mkdir(buf, 0755);
}

int main(int argc, char **argv)
{
    s2n_stage st = {0};
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        die("getcwd failed");
    st.workdir = cwd;
    st.options = val_new(S2N_KIND_MAP, NULL);
    st.outputs = xcalloc((size_t)argc, sizeof *st.outputs);
    const char *plugin_dir = ".";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-C") == 0 && i + 1 < argc) {
            st.workdir = realpath(argv[++i], NULL);
            if (!st.workdir)
                die("-C: no such directory");
        } else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
            st.name = argv[++i];
        } else if (strcmp(argv[i], "--stage-dir") == 0 && i + 1 < argc) {
            st.stage_dir = argv[++i];
        } else if (strcmp(argv[i], "--plugin-dir") == 0 && i + 1 < argc) {
            plugin_dir = argv[++i];
        } else if (strcmp(argv[i], "--output") == 0 && i + 1 < argc) {
            st.outputs[st.noutputs++] = argv[++i];
        } else {
            die("usage: minihost [-C DIR] [--name N] [--stage-dir D] [--output K=V] [--plugin-dir D] TYPE key=value...");
        }
    }
    if (i >= argc)
        die("no plugin file given");
    const char *file = argv[i];
    if (!strchr(file, '/'))
        file = arena_printf("%s/%s/.libs/s2n-%s.so", plugin_dir, file, file);
    void *so = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        fprintf(stderr, "minihost: %s\n", dlerror());
        return 2;
    }
    const s2n_plugin *(*entry)(unsigned, unsigned) =
        (const s2n_plugin *(*)(unsigned, unsigned))dlsym(so, "s2n_plugin_entry");
    if (!entry)
        die("no s2n_plugin_entry");
    st.plugin = entry(S2N_ABI_MAJOR, S2N_ABI_MINOR);
    if (!st.plugin || st.plugin->magic != S2N_PLUGIN_MAGIC)
        die("bad plugin descriptor");
    if (!st.name)
        st.name = st.plugin->type;
    st.state_dir = arena_printf("%s/.s2nbuild", st.workdir);
    if (!st.stage_dir)
        st.stage_dir = arena_printf("%s/runs/mini/%s", st.state_dir, st.name);
    mkdirs(st.stage_dir);
    for (i++; i < argc; i++)
        set_option(&st, argv[i]);
    apply_defaults(&st);

    int rc = S2N_OK;
    if (st.plugin->validate)
        rc = st.plugin->validate(&st, &host);
    if (rc == S2N_OK && st.errors == 0) {
        fflush(stdout);
        rc = st.plugin->run(&st, &host);
    } else {
        rc = S2N_ERROR;
    }
    static const char *names[] = {"OK", "FAILED", "ERROR", "SKIPPED"};
    printf("== result: %s\n", rc >= 0 && rc <= 3 ? names[rc] : "?");
    return rc == S2N_OK || rc == S2N_SKIPPED ? 0 : rc == S2N_FAILED ? 1 : 2;
}

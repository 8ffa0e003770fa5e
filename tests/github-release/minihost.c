/*
 * minihost — a mock host table that loads one stage plugin and runs it,
 * like `s2nbuild stage TYPE key=value …` but without the core: options come
 * from the command line (a repeated key makes a list; a value starting with
 * `{` or `[` is JSON), artifacts of fake upstream stages from
 * `--artifact STAGE=PATH`, outputs from `--output STAGE.KEY=VALUE`.
 * Used by the github-release tests until the core's CLI can run a stage;
 * it does not mask secrets, so the tests see whatever the plugin prints.
 *
 *   minihost PLUGIN.so [--workdir DIR] [--stage-dir DIR] [--artifact S=P]…
 *            [--output S.K=V]… key=value…
 * Exit codes follow s2nbuild: 0 ok/skipped, 1 failed, 2 config error.
 */
#define _GNU_SOURCE
#include <s2nbuild/plugin.h>

#include "plugins/common/hash.h"

#include <dlfcn.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct s2n_value {
    int kind;
    char *str;
    size_t n;
    struct s2n_value **items;
    char **keys;
};

typedef struct opt {
    char *name;
    s2n_value *v;
} opt;

static opt opts[64];
static size_t n_opts;
static s2n_artifact arts[64];
static char *art_stage[64];
static size_t n_arts;
static char *outputs[64][2]; /* "stage.key", value */
static size_t n_outputs;
static const char *workdir = ".", *stage_dir = ".";
static int had_error;

static s2n_value *scalar(const char *s)
{
    s2n_value *v = calloc(1, sizeof *v);
    v->kind = S2N_KIND_STRING;
    v->str = strdup(s);
    return v;
}

static s2n_value *from_json(json_t *j)
{
    s2n_value *v = calloc(1, sizeof *v);
    if (json_is_object(j)) {
        v->kind = S2N_KIND_MAP;
        v->n = json_object_size(j);
        v->items = calloc(v->n, sizeof *v->items);
        v->keys = calloc(v->n, sizeof *v->keys);
        const char *k;
        json_t *x;
        size_t i = 0;
        json_object_foreach(j, k, x) {
            v->keys[i] = strdup(k);
            v->items[i++] = from_json(x);
        }
    } else if (json_is_array(j)) {
        v->kind = S2N_KIND_LIST;
        v->n = json_array_size(j);
        v->items = calloc(v->n, sizeof *v->items);
        for (size_t i = 0; i < v->n; i++)
            v->items[i] = from_json(json_array_get(j, i));
    } else {
        v->kind = S2N_KIND_STRING;
        if (json_is_string(j))
            v->str = strdup(json_string_value(j));
        else if (json_is_true(j))
            v->str = strdup("true");
        else if (json_is_false(j))
            v->str = strdup("false");
        else if (json_is_integer(j))
            asprintf(&v->str, "%lld", (long long)json_integer_value(j));
        else
            v->str = strdup("");
    }
    return v;
}

static void set_opt(const char *name, s2n_value *v)
{
    for (size_t i = 0; i < n_opts; i++)
        if (strcmp(opts[i].name, name) == 0) {
            s2n_value *l = opts[i].v;
            if (l->kind != S2N_KIND_LIST || l->str) {
                s2n_value *nl = calloc(1, sizeof *nl);
                nl->kind = S2N_KIND_LIST;
                nl->items = calloc(1, sizeof *nl->items);
                nl->items[nl->n++] = l;
                l = opts[i].v = nl;
            }
            l->items = realloc(l->items, (l->n + 1) * sizeof *l->items);
            l->items[l->n++] = v;
            return;
        }
    opts[n_opts].name = strdup(name);
    opts[n_opts++].v = v;
}

static const s2n_plugin *plugin;

static const s2n_option *find_opt(const char *name)
{
    for (const s2n_option *o = plugin->options; o && o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

static void h_vlog(s2n_stage *st, int level, const char *fmt, va_list ap)
{
    (void)st;
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level == S2N_LOG_DEBUG && !getenv("MINIHOST_DEBUG"))
        return;
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
    (void)st;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "error: %s%s", option ? option : "", option ? ": " : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    had_error = 1;
}

static void h_set_message(s2n_stage *st, const char *fmt, ...)
{
    (void)st;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "message: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void h_set_retryable(s2n_stage *st, int r)
{
    (void)st;
    (void)r;
}

static const s2n_value *h_option(s2n_stage *st, const char *name)
{
    (void)st;
    for (size_t i = 0; i < n_opts; i++)
        if (strcmp(opts[i].name, name) == 0)
            return opts[i].v;
    const s2n_option *o = find_opt(name);
    if (o && o->default_value) {
        json_t *j = json_loads(o->default_value, JSON_DECODE_ANY, NULL);
        s2n_value *v = j ? from_json(j) : scalar(o->default_value);
        if (j)
            json_decref(j);
        set_opt(name, v);
        return v;
    }
    return NULL;
}

static const char *h_resolve(s2n_stage *st, const char *path);

static const char *h_opt_string(s2n_stage *st, const char *name)
{
    const s2n_value *v = h_option(st, name);
    if (!v || v->kind != S2N_KIND_STRING)
        return NULL;
    const s2n_option *o = find_opt(name);
    if (o && o->kind == S2N_KIND_PATH)
        return h_resolve(st, v->str);
    return v->str;
}

static int h_opt_int(s2n_stage *st, const char *name, long long *out)
{
    const char *s = h_opt_string(st, name);
    if (!s)
        return -1;
    *out = atoll(s);
    return 0;
}

static int h_opt_bool(s2n_stage *st, const char *name, int *out)
{
    const char *s = h_opt_string(st, name);
    if (!s)
        return -1;
    *out = strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "1") == 0;
    return 0;
}

static int v_kind(const s2n_value *v) { return v ? v->kind : 0; }
static const char *v_str(const s2n_value *v) { return v && v->kind == S2N_KIND_STRING ? v->str : NULL; }
static size_t v_len(const s2n_value *v) { return v && v->kind != S2N_KIND_STRING ? v->n : 0; }
static const s2n_value *v_at(const s2n_value *v, size_t i) { return v && i < v->n ? v->items[i] : NULL; }
static const char *v_key_at(const s2n_value *v, size_t i) { return v && v->keys && i < v->n ? v->keys[i] : NULL; }
static const s2n_value *v_get(const s2n_value *v, const char *key)
{
    for (size_t i = 0; v && v->keys && i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0)
            return v->items[i];
    return NULL;
}
static const char *v_where(const s2n_value *v) { (void)v; return ""; }

static const char *h_stage_name(s2n_stage *st) { (void)st; return "release"; }
static const char *h_workdir(s2n_stage *st) { (void)st; return workdir; }
static const char *h_stage_dir(s2n_stage *st) { (void)st; return stage_dir; }
static const char *h_getenv(s2n_stage *st, const char *name) { (void)st; return getenv(name); }

static const char *h_resolve(s2n_stage *st, const char *path)
{
    (void)st;
    if (path[0] == '/')
        return path;
    char *r;
    asprintf(&r, "%s/%s", workdir, path);
    return r;
}

static int h_add_artifact(s2n_stage *st, const char *path, const char *kind)
{
    (void)st;
    printf("artifact: %s (%s)\n", path, kind);
    return 0;
}

static size_t h_artifact_count(s2n_stage *st, const char *stage)
{
    (void)st;
    size_t n = 0;
    for (size_t i = 0; i < n_arts; i++)
        n += strcmp(art_stage[i], stage) == 0;
    return n;
}

static const s2n_artifact *h_artifact_at(s2n_stage *st, const char *stage, size_t k)
{
    (void)st;
    for (size_t i = 0; i < n_arts; i++)
        if (strcmp(art_stage[i], stage) == 0 && k-- == 0)
            return &arts[i];
    return NULL;
}

static int h_set_output(s2n_stage *st, const char *key, const char *value)
{
    (void)st;
    printf("output: %s=%s\n", key, value);
    return 0;
}

static const char *h_get_output(s2n_stage *st, const char *stage, const char *key)
{
    (void)st;
    char k[256];
    snprintf(k, sizeof k, "%s.%s", stage, key);
    for (size_t i = 0; i < n_outputs; i++)
        if (strcmp(outputs[i][0], k) == 0)
            return outputs[i][1];
    return NULL;
}

static int h_spawn(s2n_stage *st, const s2n_spawn *spec, char **out, size_t *out_len)
{
    (void)st;
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(spec->cwd ? spec->cwd : workdir) != 0)
            _exit(127);
        if (spec->flags & S2N_SPAWN_CAPTURE)
            dup2(fd[1], 1);
        else
            dup2(2, 1);
        close(fd[0]);
        close(fd[1]);
        execvp(spec->argv[0], (char *const *)spec->argv);
        _exit(127);
    }
    close(fd[1]);
    char *buf = NULL;
    size_t len = 0;
    char chunk[4096];
    ssize_t got;
    while ((got = read(fd[0], chunk, sizeof chunk)) > 0) {
        buf = realloc(buf, len + (size_t)got + 1);
        memcpy(buf + len, chunk, (size_t)got);
        len += (size_t)got;
    }
    close(fd[0]);
    if (buf)
        buf[len] = '\0';
    int status;
    waitpid(pid, &status, 0);
    if (out) {
        *out = buf ? buf : strdup("");
        if (out_len)
            *out_len = len;
    } else {
        free(buf);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void h_add_secret(s2n_stage *st, const char *s) { (void)st; (void)s; }
static void *h_alloc(s2n_stage *st, size_t n) { (void)st; return calloc(1, n); }
static char *h_str_dup(s2n_stage *st, const char *s) { (void)st; return strdup(s); }
static char *h_str_printf(s2n_stage *st, const char *fmt, ...)
{
    (void)st;
    va_list ap;
    va_start(ap, fmt);
    char *r;
    if (vasprintf(&r, fmt, ap) < 0)
        r = NULL;
    va_end(ap);
    return r;
}

static const s2n_host host = {
    .struct_size = sizeof(s2n_host), .abi_major = S2N_ABI_MAJOR, .abi_minor = S2N_ABI_MINOR,
    .log = h_log, .vlog = h_vlog, .error = h_error, .set_message = h_set_message,
    .set_retryable = h_set_retryable, .option = h_option, .opt_string = h_opt_string,
    .opt_int = h_opt_int, .opt_bool = h_opt_bool, .value_kind = v_kind, .value_str = v_str,
    .value_len = v_len, .value_at = v_at, .value_key_at = v_key_at, .value_get = v_get,
    .value_where = v_where, .stage_name = h_stage_name, .workspace = h_workdir,
    .workdir = h_workdir, .stage_dir = h_stage_dir, .state_dir = h_stage_dir,
    .getenv = h_getenv, .resolve = h_resolve, .add_artifact = h_add_artifact,
    .artifact_count = h_artifact_count, .artifact_at = h_artifact_at,
    .set_output = h_set_output, .get_output = h_get_output, .spawn = h_spawn,
    .add_secret = h_add_secret, .alloc = h_alloc, .str_dup = h_str_dup,
    .str_printf = h_str_printf,
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: minihost PLUGIN.so [options] key=value...\n");
        return 2;
    }
    void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        fprintf(stderr, "%s\n", dlerror());
        return 3;
    }
    const s2n_plugin *(*entry)(unsigned, unsigned) =
        (const s2n_plugin *(*)(unsigned, unsigned))dlsym(so, "s2n_plugin_entry");
    plugin = entry(S2N_ABI_MAJOR, S2N_ABI_MINOR);
    for (int i = 2; i < argc; i++) {
        char *a = argv[i], *eq;
        if (strcmp(a, "--workdir") == 0 && i + 1 < argc) {
            workdir = argv[++i];
        } else if (strcmp(a, "--stage-dir") == 0 && i + 1 < argc) {
            stage_dir = argv[++i];
            mkdir(stage_dir, 0777);
        } else if (strcmp(a, "--artifact") == 0 && i + 1 < argc && (eq = strchr(argv[i + 1], '='))) {
            char *spec = argv[++i];
            *eq = '\0';
            s2n_artifact *x = &arts[n_arts];
            art_stage[n_arts++] = spec;
            x->struct_size = sizeof *x;
            x->path = eq + 1;
            x->name = strrchr(x->path, '/') ? strrchr(x->path, '/') + 1 : x->path;
            x->kind = "file";
            static char hex[64][65];
            uint8_t d[32];
            s2n_sha256_file(x->path, d, &x->size);
            s2n_hex(d, 32, hex[n_arts - 1]);
            x->sha256 = hex[n_arts - 1];
        } else if (strcmp(a, "--output") == 0 && i + 1 < argc && (eq = strchr(argv[i + 1], '='))) {
            *eq = '\0';
            outputs[n_outputs][0] = argv[++i];
            outputs[n_outputs++][1] = eq + 1;
        } else if ((eq = strchr(a, '=')) != NULL) {
            *eq = '\0';
            if (!find_opt(a)) {
                fprintf(stderr, "error: unknown option %s\n", a);
                return 2;
            }
            json_t *j = (eq[1] == '{' || eq[1] == '[') ? json_loads(eq + 1, 0, NULL) : NULL;
            set_opt(a, j ? from_json(j) : scalar(eq + 1));
            if (j)
                json_decref(j);
        } else {
            fprintf(stderr, "error: expected key=value, got %s\n", a);
            return 2;
        }
    }
    s2n_stage *st = (s2n_stage *)&host; /* opaque to the plugin */
    if (plugin->validate && plugin->validate(st, &host) != S2N_OK)
        return 2;
    int r = plugin->run(st, &host);
    if (had_error)
        return 2;
    return r == S2N_OK || r == S2N_SKIPPED ? 0 : 1;
}

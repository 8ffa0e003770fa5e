/*
 * The function table handed to plugins, and the stage child's side of a
 * run.  Everything a plugin does through the host lands either in the
 * stage's log (stdout/stderr, captured by the runner) or in the result
 * message the child sends on its control channel just before it ends.
 */
#include "config.h"
#include "core/interp.h"
#include "core/run.h"
#include "core/schema.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct s2n_stage {
    run *run;
    stage_run *sr;
    stage_def *def;
    arena *arena;
    diag *diag;      /* validate(): where host->error() goes            */
    int validating;
    int ctl_fd;
    json_t *result;  /* artifacts, outputs, message, tests, junit        */
    s2n_value *opts; /* interpolated options                             */
};

/* ---------------------------------------------------------------- log */

static void emit(s2n_stage *st, const char *prefix, const char *msg)
{
    size_t n = strlen(msg);
    char *masked = mask_apply(st->run->mask, msg, n, &n);
    strbuf b = {0};
    sb_puts(&b, prefix);
    sb_add(&b, masked, n);
    if (!n || masked[n - 1] != '\n')
        sb_putc(&b, '\n');
    free(masked);
    if (st->validating)
        fputs(b.s, stderr);
    else
        (void)!write(2, b.s, b.len);
    sb_free(&b);
}

static void h_vlog(s2n_stage *st, int level, const char *fmt, va_list ap)
{
    static const char *const pfx[] = {"debug: ", "", "warning: ", "error: "};
    if (level == S2N_LOG_DEBUG && !getenv("S2NBUILD_DEBUG"))
        return;
    char *msg = xvasprintf(fmt, ap);
    emit(st, pfx[level < 0 || level > 3 ? 1 : level], msg);
    free(msg);
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
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    s2n_value *at = option ? value_get(st->def->with, option) : NULL;
    if (!at)
        at = st->def->node;
    if (st->validating) {
        diag_error(st->diag, at, "stage '%s': %s%s%s", st->def->name, option ? option : "",
                   option ? ": " : "", msg);
    } else {
        char *line = xasprintf("%s%s%s%s", value_where(at), *value_where(at) ? ": " : "",
                               option ? option : "", option ? ": " : "");
        strbuf b = {0};
        sb_printf(&b, "%s%s", line, msg);
        emit(st, "error: ", b.s);
        if (!json_object_get(st->result, "message"))
            json_object_set_new(st->result, "message", json_string(b.s));
        sb_free(&b);
        free(line);
    }
    free(msg);
}

static void h_set_message(s2n_stage *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    if (st->result)
        json_object_set_new(st->result, "message", json_string(msg));
    free(msg);
}

static void h_set_retryable(s2n_stage *st, int retryable)
{
    if (st->result)
        json_object_set_new(st->result, "retryable", json_boolean(retryable));
}

static void h_report_tests(s2n_stage *st, unsigned passed, unsigned failed, unsigned skipped,
                           unsigned errors)
{
    if (st->result)
        json_object_set_new(st->result, "tests",
                            json_pack("{s:I,s:I,s:I,s:I}", "passed", (json_int_t)passed, "failed",
                                      (json_int_t)failed, "skipped", (json_int_t)skipped,
                                      "errors", (json_int_t)errors));
}

static const char *h_resolve(s2n_stage *st, const char *path);

static int h_add_junit(s2n_stage *st, const char *path)
{
    if (!st->result)
        return -1;
    const char *abs = h_resolve(st, path);
    if (access(abs, R_OK) != 0) {
        h_log(st, S2N_LOG_ERROR, "JUnit file %s: %s", abs, strerror(errno));
        return -1;
    }
    json_t *a = json_object_get(st->result, "junit");
    if (!a) {
        a = json_array();
        json_object_set_new(st->result, "junit", a);
    }
    json_array_append_new(a, json_string(abs));
    return 0;
}

/* ------------------------------------------------------------- options */

static const s2n_value *h_option(s2n_stage *st, const char *name)
{
    return value_get(st->opts ? st->opts : st->def->opts, name);
}

static const char *h_resolve(s2n_stage *st, const char *path)
{
    if (!path)
        return NULL;
    char *j = path_join(st->def->workdir, path);
    char *r = arena_strdup(st->arena, j);
    free(j);
    return r;
}

static void h_add_secret(s2n_stage *st, const char *secret);

static const char *h_opt_string(s2n_stage *st, const char *name)
{
    const s2n_value *v = h_option(st, name);
    if (!v || v->kind != S2N_KIND_STRING)
        return NULL;
    const s2n_plugin *d = st->def->plugin->desc;
    S2N_FOR_OPTIONS(d, o)
    {
        if (strcmp(o->name, name) != 0)
            continue;
        if (o->kind == S2N_KIND_PATH)
            return h_resolve(st, v->str);
        if (o->kind == S2N_KIND_SECRET && !st->validating)
            h_add_secret(st, v->str);
    }
    return v->str;
}

static int h_opt_int(s2n_stage *st, const char *name, long long *out)
{
    return value_to_int(h_option(st, name), out);
}

static int h_opt_bool(s2n_stage *st, const char *name, int *out)
{
    return value_to_bool(h_option(st, name), out);
}

static int h_value_kind(const s2n_value *v)
{
    return v ? v->kind : S2N_KIND_NULL;
}

static const char *h_value_str(const s2n_value *v)
{
    return v && v->kind == S2N_KIND_STRING ? v->str : NULL;
}

static size_t h_value_len(const s2n_value *v)
{
    return v && (v->kind == S2N_KIND_LIST || v->kind == S2N_KIND_MAP) ? v->n : 0;
}

static const s2n_value *h_value_at(const s2n_value *v, size_t i)
{
    return v && i < h_value_len(v) ? v->items[i] : NULL;
}

static const char *h_value_key_at(const s2n_value *v, size_t i)
{
    return v && v->kind == S2N_KIND_MAP && i < v->n ? v->keys[i] : NULL;
}

static const s2n_value *h_value_get(const s2n_value *v, const char *key)
{
    return value_get(v, key);
}

static const char *h_value_where(const s2n_value *v)
{
    return v ? value_where((s2n_value *)v) : "";
}

/* -------------------------------------------------------------- places */

static const char *h_stage_name(s2n_stage *st) { return st->def->name; }
static const char *h_workspace(s2n_stage *st) { return st->run->p->workspace; }
static const char *h_workdir(s2n_stage *st) { return st->def->workdir; }
/* Made on first use: most stages never need one, and creating inodes is
 * a large part of a small stage's cost. */
static const char *h_stage_dir(s2n_stage *st)
{
    if (!st->sr)
        return st->run->dir;
    if (mkdir_p(st->sr->dir, 0755) != 0)
        h_log(st, S2N_LOG_ERROR, "cannot create %s: %s", st->sr->dir, strerror(errno));
    return st->sr->dir;
}
static const char *h_state_dir(s2n_stage *st) { return st->run->state_dir; }

static const char *h_getenv(s2n_stage *st, const char *name)
{
    if (!st->validating)
        return getenv(name); /* the child's environment is the stage's */
    return stage_lookup(st->run, st->def, name);
}

/* ----------------------------------------------------------- artifacts */

static int h_add_artifact(s2n_stage *st, const char *path, const char *kind)
{
    if (!st->result)
        return -1;
    const char *abs = h_resolve(st, path);
    char hex[65];
    uint64_t size;
    struct stat sb;
    if (stat(abs, &sb) != 0 || !S_ISREG(sb.st_mode) || sha256_file_hex(abs, hex, &size) != 0) {
        h_log(st, S2N_LOG_ERROR, "artifact %s: %s", abs,
              errno ? strerror(errno) : "not a regular file");
        return -1;
    }
    const char *base = strrchr(abs, '/');
    json_t *arts = json_object_get(st->result, "artifacts");
    json_array_append_new(arts, json_pack("{s:s,s:s,s:s,s:s,s:I}", "path", abs, "name",
                                          base ? base + 1 : abs, "kind", kind ? kind : "file",
                                          "sha256", hex, "size", (json_int_t)size));
    return 0;
}

static stage_run *find_run(run *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->st[i].def->name, name) == 0)
            return &r->st[i];
    return NULL;
}

static size_t h_artifact_count(s2n_stage *st, const char *stage_name)
{
    stage_run *o = stage_name ? find_run(st->run, stage_name) : NULL;
    return o ? o->narts : 0;
}

static const s2n_artifact *h_artifact_at(s2n_stage *st, const char *stage_name, size_t i)
{
    stage_run *o = stage_name ? find_run(st->run, stage_name) : NULL;
    if (!o || i >= o->narts)
        return NULL;
    s2n_artifact *a = arena_alloc(st->arena, sizeof *a);
    a->struct_size = sizeof *a;
    a->path = o->arts[i].path;
    a->name = o->arts[i].name;
    a->kind = o->arts[i].kind;
    a->sha256 = o->arts[i].sha256;
    a->size = o->arts[i].size;
    return a;
}

static int h_set_output(s2n_stage *st, const char *key, const char *value)
{
    if (!st->result || !key || !value)
        return -1;
    json_object_set_new(json_object_get(st->result, "outputs"), key, json_string(value));
    return 0;
}

/* Depth-first through `needs`, nearest first. */
static const char *output_of(run *r, stage_def *def, const char *key, int depth)
{
    if (depth > 64)
        return NULL;
    for (size_t i = 0; i < def->needs.n; i++) {
        stage_run *o = find_run(r, def->needs.v[i]);
        if (!o)
            continue;
        for (size_t k = 0; k < o->out_keys.n; k++)
            if (strcmp(o->out_keys.v[k], key) == 0)
                return o->out_vals.v[k];
    }
    for (size_t i = 0; i < def->needs.n; i++) {
        stage_run *o = find_run(r, def->needs.v[i]);
        const char *v = o ? output_of(r, o->def, key, depth + 1) : NULL;
        if (v)
            return v;
    }
    return NULL;
}

static const char *h_get_output(s2n_stage *st, const char *stage_name, const char *key)
{
    if (!stage_name)
        return output_of(st->run, st->def, key, 0);
    stage_run *o = find_run(st->run, stage_name);
    for (size_t k = 0; o && k < o->out_keys.n; k++)
        if (strcmp(o->out_keys.v[k], key) == 0)
            return o->out_vals.v[k];
    return NULL;
}

/* Lookup order for ${NAME}: run context, upstream outputs, the stage's
 * env, the pipeline's env, the process environment. */
const char *stage_lookup(run *r, stage_def *def, const char *name)
{
    const char *v = context_get(name);
    if (v)
        return v;
    if ((v = output_of(r, def, name, 0)))
        return v;
    s2n_value *e = value_get(def->env, name);
    if (e && e->kind == S2N_KIND_STRING)
        return e->str;
    e = value_get(r->p->env, name);
    if (e && e->kind == S2N_KIND_STRING)
        return e->str;
    return getenv(name);
}

/* ----------------------------------------------------------- processes */

/* One control message: type byte, u32 length, bytes (see runner.c). */
static void ctl_send(s2n_stage *st, char type, const char *data, size_t len)
{
    if (st->ctl_fd < 0)
        return;
    uint32_t n = (uint32_t)len;
    strbuf b = {0};
    sb_add(&b, &type, 1);
    sb_add(&b, (const char *)&n, sizeof n);
    sb_add(&b, data, len);
    const char *p = b.s;
    size_t left = b.len;
    while (left) {
        ssize_t w = write(st->ctl_fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        p += w;
        left -= (size_t)w;
    }
    sb_free(&b);
}

static void h_add_secret(s2n_stage *st, const char *secret)
{
    if (!secret || !*secret)
        return;
    mask_add(st->run->mask, secret);
    /* Tell the runner before any output that may contain it: the runner
     * drains this channel before it reads the output pipe. */
    ctl_send(st, CTL_SECRET, secret, strlen(secret));
}

static void set_env_list(const char *const *env)
{
    for (; env && *env; env++) {
        const char *eq = strchr(*env, '=');
        if (!eq) {
            unsetenv(*env);
            continue;
        }
        char *k = xstrndup(*env, (size_t)(eq - *env));
        setenv(k, eq + 1, 1);
        free(k);
    }
}

static int h_spawn(s2n_stage *st, const s2n_spawn *spec, char **out, size_t *out_len)
{
    if (st->validating || !spec || spec->struct_size < offsetof(s2n_spawn, flags) || !spec->argv ||
        !spec->argv[0]) {
        h_log(st, S2N_LOG_ERROR, "spawn: invalid request");
        return -1;
    }
    unsigned flags = spec->flags;
    double timeout = spec->struct_size >= offsetof(s2n_spawn, timeout) + sizeof(double) ? spec->timeout : 0;
    const char *stdin_path = spec->struct_size >= offsetof(s2n_spawn, stdin_path) + sizeof(char *)
                                 ? spec->stdin_path : NULL;
    int cap[2] = {-1, -1}, err[2] = {-1, -1};
    if ((flags & S2N_SPAWN_CAPTURE) && pipe2(cap, O_CLOEXEC) != 0)
        return -1;
    /* exec failures travel back on a CLOEXEC pipe: nothing arrives on success */
    if (pipe2(err, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        h_log(st, S2N_LOG_ERROR, "spawn %s: %s", spec->argv[0], strerror(errno));
        return -1;
    }
    if (pid == 0) {
        close(err[0]);
        if (spec->cwd && chdir(h_resolve(st, spec->cwd)) != 0)
            goto fail;
        int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
        if (in < 0)
            goto fail;
        dup2(in, 0);
        if (flags & S2N_SPAWN_QUIET) {
            int nul = open("/dev/null", O_WRONLY);
            dup2(nul, 1);
            dup2(nul, 2);
        }
        if (flags & S2N_SPAWN_CAPTURE) {
            dup2(cap[1], 1);
            if (flags & S2N_SPAWN_MERGE)
                dup2(cap[1], 2);
        }
        set_env_list(spec->env);
        signal(SIGPIPE, SIG_DFL);
        execvp(spec->argv[0], (char *const *)spec->argv);
    fail : {
        int e = errno;
        (void)!write(err[1], &e, sizeof e);
        _exit(127);
    }
    }
    close(err[1]);
    if (cap[1] >= 0)
        close(cap[1]);
    int e = 0;
    ssize_t got;
    while ((got = read(err[0], &e, sizeof e)) < 0 && errno == EINTR)
        ;
    close(err[0]);
    if (got == (ssize_t)sizeof e) {
        if (cap[0] >= 0)
            close(cap[0]);
        waitpid(pid, NULL, 0);
        h_log(st, S2N_LOG_ERROR, "cannot run %s: %s", spec->argv[0], strerror(e));
        return -1;
    }
    strbuf b = {0};
    double deadline = timeout > 0 ? now_monotonic() + timeout : 0;
    int status = 0, killed = 0;
    if (cap[0] >= 0) {
        for (;;) {
            struct pollfd p = {.fd = cap[0], .events = POLLIN};
            int wait_ms = deadline ? (int)((deadline - now_monotonic()) * 1000) : -1;
            if (deadline && wait_ms <= 0) {
                kill(pid, SIGKILL);
                killed = 1;
                break;
            }
            int pr = poll(&p, 1, wait_ms);
            if (pr < 0 && errno == EINTR)
                continue;
            if (pr == 0)
                continue;
            char buf[65536];
            ssize_t n = read(cap[0], buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            sb_add(&b, buf, (size_t)n);
        }
        close(cap[0]);
    }
    for (;;) {
        pid_t w = waitpid(pid, &status, deadline && !killed ? WNOHANG : 0);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            break;
        if (w == 0) {
            if (now_monotonic() >= deadline) {
                kill(pid, SIGKILL);
                killed = 1;
            } else {
                usleep(10000);
            }
        }
    }
    if (killed)
        h_log(st, S2N_LOG_ERROR, "%s: killed after %.0f s (spawn timeout)", spec->argv[0], timeout);
    if (out) {
        *out = arena_alloc(st->arena, b.len + 1);
        if (b.len)
            memcpy(*out, b.s, b.len);
        if (out_len)
            *out_len = b.len;
    }
    sb_free(&b);
    int rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                 : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    /* A limit's signal, on the process itself or (exit 128+N) on the
     * command a shell ran for it: say which limit it was. */
    char *limit = st->def && rc > 128 ? limits_explain_signal(&st->def->limits, rc - 128) : NULL;
    if (limit)
        h_log(st, S2N_LOG_ERROR, "%s: %s %d: stopped by %s", spec->argv[0],
              WIFSIGNALED(status) ? "signal" : "exit status", WIFSIGNALED(status) ? rc - 128 : rc,
              limit);
    free(limit);
    return rc;
}

/* -------------------------------------------------------------- memory */

static void *h_alloc(s2n_stage *st, size_t size) { return arena_alloc(st->arena, size); }
static char *h_str_dup(s2n_stage *st, const char *s) { return s ? arena_strdup(st->arena, s) : NULL; }

static char *h_str_printf(s2n_stage *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    char *r = arena_strdup(st->arena, s);
    free(s);
    return r;
}

const s2n_host s2n_host_table = {
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

/* --------------------------------------------------------- stage child */

const char *stage_lookup_cb(void *ctx, const char *name)
{
    lookup_ctx *c = ctx;
    return stage_lookup(c->r, c->def, name);
}

/* Expand ${...} in every scalar; the first failure is reported. */
static int expand_tree(s2n_value *v, lookup_ctx *c, s2n_stage *st)
{
    if (!v)
        return 0;
    if (v->kind == S2N_KIND_STRING && strstr(v->str, "$")) {
        char *missing = NULL, *bad = NULL;
        char *e = interp_expand(v->str, stage_lookup_cb, c, &missing, &bad);
        if (!e) {
            char *m = missing ? xasprintf("%s: undefined variable ${%s} (no run context value, "
                                          "upstream output or environment variable of that name)",
                                          value_where(v), missing)
                              : xasprintf("%s: %s", value_where(v), bad);
            emit(st, "error: ", m);
            json_object_set_new(st->result, "message", json_string(m));
            free(m);
            free(missing);
            free(bad);
            return -1;
        }
        free(v->str);
        v->str = e;
    }
    for (size_t i = 0; i < v->n; i++)
        if (expand_tree(v->items[i], c, st) != 0)
            return -1;
    return 0;
}

static int apply_env(s2n_stage *st, s2n_value *env, lookup_ctx *c)
{
    for (size_t i = 0; env && env->kind == S2N_KIND_MAP && i < env->n; i++) {
        if (expand_tree(env->items[i], c, st) != 0)
            return -1;
        if (env->items[i]->kind == S2N_KIND_STRING)
            setenv(env->keys[i], env->items[i]->str, 1);
    }
    return 0;
}

static void write_result(s2n_stage *st, int rc)
{
    json_object_set_new(st->result, "returned", json_true());
    json_object_set_new(st->result, "result", json_integer(rc));
    char *s = json_dumps(st->result, JSON_COMPACT);
    size_t n;
    char *masked = mask_apply(st->run->mask, s, strlen(s), &n);
    ctl_send(st, CTL_RESULT, masked, n);
    free(masked);
    free(s);
}

int host_child_main(run *r, stage_run *sr, int ctl_fd)
{
    stage_def *def = sr->def;
    s2n_stage st = {.run = r, .sr = sr, .def = def, .arena = arena_new(), .ctl_fd = ctl_fd};
    st.result = json_pack("{s:[], s:{}}", "artifacts", "outputs");
    lookup_ctx c = {r, def};
    int rc = S2N_ERROR;
    /* The environment first (pipeline, then stage), so options can use it. */
    s2n_value *penv = value_copy(r->p->env), *senv = value_copy(def->env);
    if (apply_env(&st, penv, &c) != 0 || apply_env(&st, senv, &c) != 0)
        goto done;
    st.opts = value_copy(def->opts);
    if (expand_tree(st.opts, &c, &st) != 0)
        goto done;
    if (chdir(def->workdir) != 0) {
        char *m = xasprintf("workdir %s: %s", def->workdir, strerror(errno));
        emit(&st, "error: ", m);
        json_object_set_new(st.result, "message", json_string(m));
        free(m);
        goto done;
    }
    const s2n_plugin *d = def->plugin->desc;
    rc = d->run(&st, &s2n_host_table);
    if (rc < S2N_OK || rc > S2N_SKIPPED) {
        char *m = xasprintf("plugin returned %d, which is not an s2n_result", rc);
        emit(&st, "error: ", m);
        json_object_set_new(st.result, "message", json_string(m));
        free(m);
        rc = S2N_ERROR;
    }
    if (d->cleanup)
        d->cleanup(&st, &s2n_host_table);
done:
    write_result(&st, rc);
    fflush(stdout);
    fflush(stderr);
    _exit(rc);
}

/* validate(): in the core process, before anything runs. */
int host_validate_stage(run *r, stage_def *def, diag *d)
{
    const s2n_plugin *desc = def->plugin->desc;
    if (!desc->validate)
        return 0;
    s2n_stage st = {.run = r, .def = def, .arena = arena_new(), .diag = d, .validating = 1,
                    .ctl_fd = -1};
    size_t before = d->nerrors;
    int rc = desc->validate(&st, &s2n_host_table);
    if (rc != S2N_OK && d->nerrors == before)
        diag_error(d, def->node, "stage '%s': the %s plugin rejected its options", def->name,
                   desc->type);
    arena_free(st.arena);
    return rc == S2N_OK ? 0 : -1;
}

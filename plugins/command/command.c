/*
 * command — runs a shell command string or an argv list in the stage's
 * workdir.  The stage for lint, custom scripts and anything without a
 * plugin of its own.  Files matching `outputs:` become artifacts.
 */
#include <s2nbuild/plugin.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const s2n_option command_options[] = {
    {.name = "run", .kind = S2N_KIND_ANY, .flags = S2N_OPT_REQUIRED,
     .help = "shell command (string, run with `sh -c`) or argv list (run directly)"},
    {.name = "shell", .kind = S2N_KIND_STRING, .default_value = "/bin/sh",
     .help = "shell used for a string `run`"},
    {.name = "outputs", .kind = S2N_KIND_LIST,
     .help = "globs, relative to the workdir, of files to declare as artifacts"},
    {.name = "ok_codes", .kind = S2N_KIND_LIST, .default_value = "[0]",
     .help = "exit codes that count as success"},
    {.name = "retry_codes", .kind = S2N_KIND_LIST,
     .help = "exit codes that mean a transient failure, retried with the stage's `retries:`"},
    {.name = NULL},
};

static int codes_valid(s2n_stage *st, const s2n_host *h, const char *option)
{
    const s2n_value *codes = h->option(st, option);
    for (size_t i = 0; i < h->value_len(codes); i++) {
        const char *s = h->value_str(h->value_at(codes, i));
        char *end = NULL;
        long n = s ? strtol(s, &end, 10) : -1;
        if (!s || !*s || *end || n < 0 || n > 255) {
            h->error(st, option, "item %zu: expected an exit code from 0 to 255", i + 1);
            return 0;
        }
    }
    return 1;
}

static int command_validate(s2n_stage *st, const s2n_host *h)
{
    if (!codes_valid(st, h, "ok_codes") || !codes_valid(st, h, "retry_codes"))
        return S2N_ERROR;
    const s2n_value *run = h->option(st, "run");
    if (h->value_kind(run) == S2N_KIND_MAP) {
        h->error(st, "run", "expected a command string or a list of arguments, not a mapping");
        return S2N_ERROR;
    }
    if (h->value_kind(run) == S2N_KIND_LIST) {
        size_t n = h->value_len(run);
        if (n == 0) {
            h->error(st, "run", "the argument list is empty");
            return S2N_ERROR;
        }
        for (size_t i = 0; i < n; i++)
            if (h->value_kind(h->value_at(run, i)) != S2N_KIND_STRING) {
                h->error(st, "run", "argument %zu is not a string", i + 1);
                return S2N_ERROR;
            }
    }
    return S2N_OK;
}

static const char **command_argv(s2n_stage *st, const s2n_host *h)
{
    const s2n_value *run = h->option(st, "run");
    if (h->value_kind(run) == S2N_KIND_STRING) {
        const char **argv = h->alloc(st, 4 * sizeof *argv);
        argv[0] = h->opt_string(st, "shell");
        argv[1] = "-c";
        argv[2] = h->value_str(run);
        return argv;
    }
    size_t n = h->value_len(run);
    const char **argv = h->alloc(st, (n + 1) * sizeof *argv);
    for (size_t i = 0; i < n; i++)
        argv[i] = h->value_str(h->value_at(run, i));
    return argv;
}

static int code_in(s2n_stage *st, const s2n_host *h, const char *option, int code)
{
    const s2n_value *ok = h->option(st, option);
    for (size_t i = 0; i < h->value_len(ok); i++) {
        const char *s = h->value_str(h->value_at(ok, i));
        if (s && code == atoi(s))
            return 1;
    }
    return 0;
}

static int declare_outputs(s2n_stage *st, const s2n_host *h)
{
    const s2n_value *outs = h->option(st, "outputs");
    if (!outs)
        return S2N_OK;
    for (size_t i = 0; i < h->value_len(outs); i++) {
        const char *pattern = h->resolve(st, h->value_str(h->value_at(outs, i)));
        glob_t g;
        if (glob(pattern, 0, NULL, &g) != 0) {
            h->log(st, S2N_LOG_ERROR, "output %s: no file matches", pattern);
            return S2N_FAILED;
        }
        for (size_t k = 0; k < g.gl_pathc; k++)
            if (h->add_artifact(st, g.gl_pathv[k], "file") != 0) {
                globfree(&g);
                return S2N_ERROR;
            }
        globfree(&g);
    }
    return S2N_OK;
}

static int command_run(s2n_stage *st, const s2n_host *h)
{
    s2n_spawn spec = {.struct_size = sizeof spec, .argv = command_argv(st, h)};
    int code = h->spawn(st, &spec, NULL, NULL);
    if (code < 0)
        return S2N_ERROR;
    if (!code_in(st, h, "ok_codes", code)) {
        h->set_retryable(st, code_in(st, h, "retry_codes", code));
        if (code > 128)
            h->set_message(st, "command killed by signal %d", code - 128);
        else
            h->set_message(st, "command exited with status %d", code);
        return S2N_FAILED;
    }
    return declare_outputs(st, h);
}

static const s2n_plugin command_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "command",
    .version = "1.0.0",
    .summary = "run a shell command or an argv list",
    .options = command_options,
    .validate = command_validate,
    .run = command_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &command_plugin;
}

/*
 * abiold — a plugin compiled against the frozen ABI 1.0 header
 * (tests/abi/plugin-1.0.h), never against the current one.  It stands in
 * for a third-party plugin built years ago: tests/abi/compat.sh loads it
 * into today's core and runs it.  It touches the services a real plugin
 * uses (typed options, logging, spawn with capture, artifacts, outputs,
 * message) so a moved member shows up as a wrong call, not as silence.
 */
#include "plugin-1.0.h"

#include <stdio.h>
#include <string.h>

static const char *const abiold_moods[] = {"calm", "loud", NULL};

static const s2n_option abiold_options[] = {
    {.name = "message", .kind = S2N_KIND_STRING, .default_value = "built against 1.0",
     .help = "text written to the artifact"},
    {.name = "count", .kind = S2N_KIND_INT, .default_value = "2", .help = "lines to write"},
    {.name = "mood", .kind = S2N_KIND_STRING, .flags = S2N_OPT_ENUM, .default_value = "calm",
     .help = "how to log", .choices = abiold_moods},
    {.name = NULL},
};

static int abiold_run(s2n_stage *st, const s2n_host *h)
{
    const char *message = h->opt_string(st, "message");
    long long count = 0;
    if (h->opt_int(st, "count", &count) != 0 || !message)
        return S2N_ERROR;
    h->log(st, S2N_LOG_INFO, "abiold: host ABI %u.%u, host table %u bytes (1.0 had %zu)",
           (unsigned)h->abi_major, (unsigned)h->abi_minor, (unsigned)h->struct_size,
           sizeof(s2n_host));

    const char *argv[] = {"echo", "spawned-by-abiold", NULL};
    s2n_spawn spec = {.struct_size = sizeof spec, .argv = argv, .flags = S2N_SPAWN_CAPTURE};
    char *out = NULL;
    size_t out_len = 0;
    if (h->spawn(st, &spec, &out, &out_len) != 0 || !out || !strstr(out, "spawned-by-abiold")) {
        h->set_message(st, "spawn did not capture the child's output");
        return S2N_FAILED;
    }

    const char *path = h->str_printf(st, "%s/abiold.txt", h->stage_dir(st));
    FILE *f = fopen(path, "w");
    if (!f)
        return S2N_ERROR;
    for (long long i = 0; i < count; i++)
        fprintf(f, "%s\n", message);
    if (fclose(f) != 0 || h->add_artifact(st, path, "text") != 0)
        return S2N_ERROR;
    h->set_output(st, "abi", "1.0");
    h->set_message(st, "old plugin ran: %lld line(s)", count);
    return S2N_OK;
}

static const s2n_plugin abiold_plugin = {
    S2N_PLUGIN_HEAD,
    .min_host_minor = 0,
    .type = "abiold",
    .version = "1.0.0",
    .summary = "a plugin built against the frozen ABI 1.0 header",
    .options = abiold_options,
    .run = abiold_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &abiold_plugin;
}

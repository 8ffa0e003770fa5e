/*
 * fakevenv — a test double of the venv stage's contract with the Python
 * stages: it only publishes set_output("python", <its `python` option>),
 * which pytest and sphinx pick up through `needs:`.  Built for the tests,
 * never installed.
 */
#include <s2nbuild/plugin.h>

static const s2n_option fakevenv_options[] = {
    {.name = "python", .kind = S2N_KIND_STRING, .flags = S2N_OPT_REQUIRED,
     .help = "the interpreter path to publish as the `python` output"},
    {.name = NULL},
};

static int fakevenv_run(s2n_stage *st, const s2n_host *h)
{
    return h->set_output(st, "python", h->opt_string(st, "python")) == 0 ? S2N_OK : S2N_ERROR;
}

static const s2n_plugin fakevenv_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "fakevenv",
    .version = "0.0.0",
    .summary = "test double: publishes a `python` output like the venv stage",
    .options = fakevenv_options,
    .run = fakevenv_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &fakevenv_plugin;
}

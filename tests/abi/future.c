/*
 * future — a plugin built for an ABI minor newer than the core's, that
 * still runs on older cores (min_host_minor = the core's minor).  Its
 * descriptor and its option entries are larger than this core's structs,
 * as they will be once members are appended in 1.N:
 *
 *   - the core must read the descriptor through struct_size (copying only
 *     what it knows) and accept a newer abi_minor;
 *   - the core must walk the option table with the plugin's option_size
 *     stride, not its own sizeof(s2n_option): with the wrong stride it
 *     would read `example` strings as option names.
 *
 * This is the other half of the compatibility matrix (new plugin, old
 * core); oldabi.c is old plugin, new core.
 */
#include <s2nbuild/plugin.h>

typedef struct future_option {
    s2n_option current;
    const char *example; /* a member a later s2n_option might have */
} future_option;

typedef struct future_plugin {
    s2n_plugin current;
    const char *homepage; /* members a later s2n_plugin might have */
    s2n_run_fn dry_run;
} future_plugin;

static const future_option future_options[] = {
    {{.name = "word", .kind = S2N_KIND_STRING, .flags = S2N_OPT_REQUIRED,
      .help = "the word to repeat"}, .example = "not-an-option-name"},
    {{.name = "count", .kind = S2N_KIND_INT, .default_value = "2", .help = "how often"},
     .example = "also-not-an-option"},
    {{.name = NULL}, .example = NULL},
};

static int future_run(s2n_stage *st, const s2n_host *h)
{
    const char *word = h->opt_string(st, "word");
    long long count = 0;
    if (!word || h->opt_int(st, "count", &count) != 0)
        return S2N_ERROR;
    h->set_message(st, "future plugin on host %u.%u: %s x%lld", (unsigned)h->abi_major,
                   (unsigned)h->abi_minor, word, count);
    return S2N_OK;
}

static const future_plugin future_descriptor = {
    .current = {
        .magic = S2N_PLUGIN_MAGIC,
        .struct_size = sizeof(future_plugin),
        .abi_major = S2N_ABI_MAJOR,
        .abi_minor = S2N_ABI_MINOR + 1,
        .min_host_minor = S2N_ABI_MINOR,
        .option_size = sizeof(future_option),
        .type = "future",
        .version = "9.9.9",
        .summary = "built for a newer minor, runs on this one",
        .options = &future_options[0].current,
        .run = future_run,
    },
    .homepage = "https://example.invalid/future",
    .dry_run = future_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &future_descriptor.current;
}

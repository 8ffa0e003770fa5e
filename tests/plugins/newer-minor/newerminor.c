/* newer-minor: needs a host one minor newer than this header's, e.g. a
 * plugin built for ABI 1.1 that uses a 1.1 host member unconditionally. */
#include "../broken.h"

static const s2n_plugin newerminor_plugin = {
    .magic = S2N_PLUGIN_MAGIC,
    .struct_size = sizeof(s2n_plugin),
    .abi_major = S2N_ABI_MAJOR,
    .abi_minor = S2N_ABI_MINOR + 1,
    .min_host_minor = S2N_ABI_MINOR + 1, /* newer than any host of this header */
    .option_size = sizeof(s2n_option),
    .version = "0.0.1",
    BROKEN_BODY("newerminor"),
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &newerminor_plugin;
}

/* abi2: built for a future, incompatible ABI major 2. */
#include "../broken.h"

static const s2n_plugin abi2_plugin = {
    .magic = S2N_PLUGIN_MAGIC,
    .struct_size = sizeof(s2n_plugin),
    .abi_major = 2, /* not S2N_ABI_MAJOR */
    .abi_minor = 0,
    .option_size = sizeof(s2n_option),
    .version = "0.0.1",
    BROKEN_BODY("abi2"),
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &abi2_plugin;
}

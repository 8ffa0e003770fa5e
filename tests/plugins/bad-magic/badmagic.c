/* bad-magic: the descriptor does not start with S2N_PLUGIN_MAGIC, as when
 * the entry returns a pointer to something that is not a descriptor. */
#include "../broken.h"

static const s2n_plugin badmagic_plugin = {
    .magic = 0xdeadbeefu, /* not S2N_PLUGIN_MAGIC */
    .struct_size = sizeof(s2n_plugin),
    .abi_major = S2N_ABI_MAJOR,
    .abi_minor = S2N_ABI_MINOR,
    .option_size = sizeof(s2n_option),
    .version = "0.0.1",
    BROKEN_BODY("badmagic"),
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &badmagic_plugin;
}

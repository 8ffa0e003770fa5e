/* no-entry: a valid descriptor, but the exported function has the wrong
 * name (a typo a plugin author could make), so there is no
 * s2n_plugin_entry to find. */
#include "../broken.h"

S2N_EXPORT const s2n_plugin *s2n_plugin_entri(unsigned host_major, unsigned host_minor);

static const s2n_plugin noentry_plugin = {S2N_PLUGIN_HEAD, .version = "0.0.1", BROKEN_BODY("noentry")};

const s2n_plugin *s2n_plugin_entri(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &noentry_plugin;
}

/* null-entry: the entry point exists but hands back no descriptor (the way
 * a plugin refuses a host it does not support). */
#include "../broken.h"

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return NULL;
}

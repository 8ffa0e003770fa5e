/* dup: built twice, into dup-a/s2n-dup.so and dup-b/s2n-dup.so; both
 * claim the type "dup".  Each file is fine on its own; on one plugin path
 * together they are ambiguous and the loader must name both files.
 * DUP_COPY tells the copies apart. */
#include "../broken.h"

static const s2n_plugin dup_plugin = {S2N_PLUGIN_HEAD, .version = DUP_COPY, BROKEN_BODY("dup")};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &dup_plugin;
}

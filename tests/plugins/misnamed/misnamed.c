/* misnamed: a good descriptor of type "renamed" in a file called
 * s2n-misnamed.so.  Type and file name must agree, or `type: renamed`
 * in a pipeline could never find it. */
#include "../broken.h"

static const s2n_plugin misnamed_plugin = {S2N_PLUGIN_HEAD, .version = "0.0.1", BROKEN_BODY("renamed")};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &misnamed_plugin;
}

/*
 * probe — a tiny shared library whose only job is to carry the DWARF of
 * every public struct of the plugin ABI, so abidw(1) can describe the ABI
 * and abidiff(1) can compare it with the committed baseline (abi-1.*.xml).
 * One function takes each struct by pointer; that makes the types (and,
 * through s2n_host and s2n_plugin, every callback signature) reachable.
 *
 * Built twice, like layout.c: current header, and the frozen 1.0 snapshot
 * with S2N_PROBE_SNAPSHOT.
 */
#ifdef S2N_PROBE_SNAPSHOT
#include "plugin-1.0.h"
#else
#include <s2nbuild/plugin.h>
#endif

S2N_EXPORT void s2n_abi_probe(const s2n_plugin *plugin, const s2n_option *option,
                              const s2n_host *host, const s2n_artifact *artifact,
                              const s2n_spawn *spawn);

void s2n_abi_probe(const s2n_plugin *plugin, const s2n_option *option, const s2n_host *host,
                   const s2n_artifact *artifact, const s2n_spawn *spawn)
{
    (void)plugin;
    (void)option;
    (void)host;
    (void)artifact;
    (void)spawn;
}

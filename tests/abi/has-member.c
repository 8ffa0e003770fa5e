/*
 * has-member — the documented check that keeps a plugin from reading a
 * host member beyond host->struct_size.  A plugin built against a newer
 * header may see an older host whose table ends earlier; S2N_HAS_MEMBER
 * must then say "no" for every member past the end, and "yes" only for
 * members that lie wholly inside.  This test shrinks a host table on
 * purpose (as an older core would hand it out) and checks each member.
 */
#include <s2nbuild/plugin.h>

#include <stdio.h>
#include <string.h>

static int failures;

static void expect(int got, int want, const char *what)
{
    if (got != want) {
        fprintf(stderr, "FAIL: %s: S2N_HAS_MEMBER said %d, expected %d\n", what, got, want);
        failures++;
    }
}

int main(void)
{
    s2n_host host;
    memset(&host, 0, sizeof host);

    /* A full table has every member, including the last. */
    host.struct_size = sizeof host;
    expect(S2N_HAS_MEMBER(&host, s2n_host, log), 1, "full table, log");
    expect(S2N_HAS_MEMBER(&host, s2n_host, str_printf), 1, "full table, last member");

    /* An older host whose table ends right after spawn. */
    host.struct_size = (uint32_t)(offsetof(s2n_host, spawn) + sizeof host.spawn);
    expect(S2N_HAS_MEMBER(&host, s2n_host, spawn), 1, "table ending at spawn, spawn");
    expect(S2N_HAS_MEMBER(&host, s2n_host, add_secret), 0, "table ending at spawn, add_secret");
    expect(S2N_HAS_MEMBER(&host, s2n_host, str_printf), 0, "table ending at spawn, str_printf");

    /* A table that ends in the middle of a member does not have it. */
    host.struct_size = (uint32_t)(offsetof(s2n_host, spawn) + 1);
    expect(S2N_HAS_MEMBER(&host, s2n_host, spawn), 0, "table cut inside spawn");

    /* Only the head: no function at all. */
    host.struct_size = (uint32_t)offsetof(s2n_host, log);
    expect(S2N_HAS_MEMBER(&host, s2n_host, abi_minor), 1, "head only, abi_minor");
    expect(S2N_HAS_MEMBER(&host, s2n_host, log), 0, "head only, log");

    /* No host at all. */
    const s2n_host *none = NULL;
    expect(S2N_HAS_MEMBER(none, s2n_host, log), 0, "NULL host");

    /* The same rule for the other growing structs. */
    s2n_artifact art = {.struct_size = (uint32_t)offsetof(s2n_artifact, size)};
    expect(S2N_HAS_MEMBER(&art, s2n_artifact, sha256), 1, "artifact, sha256");
    expect(S2N_HAS_MEMBER(&art, s2n_artifact, size), 0, "artifact without size");

    if (failures)
        return 1;
    printf("has-member: 11 checks passed\n");
    return 0;
}

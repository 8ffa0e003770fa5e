/*
 * hostcheck — how a plugin uses a host member that may be newer than the
 * host it runs in, without reading past host->struct_size.
 *
 * future_host is the host table as a header one minor newer would declare
 * it: today's s2n_host with one member appended.  Whatever the current
 * minor, `from_the_future` lies just past the end of the table this core
 * hands out, so S2N_HAS_MEMBER must say no and the plugin must take its
 * 1.0 fallback.  Reading the member without the check would read beyond
 * the table (undefined behaviour: a crash or a call into garbage).
 *
 * The anonymous union gives future_host a `struct_size` member at offset
 * 0, as every ABI struct has, so the documented macro applies unchanged.
 */
#include <s2nbuild/plugin.h>

typedef struct future_host {
    union {
        s2n_host current;
        uint32_t struct_size;
    };
    void (*from_the_future)(s2n_stage *st, const char *what);
} future_host;

static int hostcheck_run(s2n_stage *st, const s2n_host *h)
{
    const future_host *fh = (const future_host *)(const void *)h;

    /* A 1.0 member: always inside (the core refuses nothing smaller). */
    if (!S2N_HAS_MEMBER(h, s2n_host, str_printf)) {
        h->set_message(st, "host table of %u bytes lacks 1.0 members", (unsigned)h->struct_size);
        return S2N_FAILED;
    }
    if (S2N_HAS_MEMBER(fh, future_host, from_the_future)) {
        /* Never true against a host built from this header: the member is
         * one past its end. */
        fh->from_the_future(st, "hostcheck");
        h->set_message(st, "used from_the_future");
        return S2N_FAILED;
    }
    h->log(st, S2N_LOG_INFO,
           "hostcheck: host ABI %u.%u table is %u bytes; from_the_future needs %zu: "
           "using the 1.0 fallback",
           (unsigned)h->abi_major, (unsigned)h->abi_minor, (unsigned)h->struct_size,
           offsetof(future_host, from_the_future) + sizeof fh->from_the_future);
    h->set_message(st, "fallback: host has no from_the_future");
    return S2N_OK;
}

static const s2n_plugin hostcheck_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "hostcheck",
    .version = "0.0.1",
    .summary = "checks host->struct_size before using a newer member",
    .run = hostcheck_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &hostcheck_plugin;
}

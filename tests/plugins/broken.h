/*
 * broken.h — shared bits of the deliberately broken plugins under
 * tests/plugins/.  Each of them is a complete, well-formed plugin except
 * for the one defect its folder is named after, so the loader's error is
 * about that defect and nothing else.
 */
#ifndef S2N_TESTS_BROKEN_H
#define S2N_TESTS_BROKEN_H

#include <s2nbuild/plugin.h>

static inline int broken_run(s2n_stage *st, const s2n_host *h)
{
    h->log(st, S2N_LOG_ERROR, "this plugin is broken on purpose and must never run");
    return S2N_ERROR;
}

/* The tail of a descriptor that passes every check.  A plugin puts it
 * after S2N_PLUGIN_HEAD, or after a head it spells out with the one field
 * it breaks (no field is initialised twice: -Woverride-init). */
#define BROKEN_BODY(TYPE)                                        \
    .type = TYPE, .summary = "deliberately broken plugin for the loader tests", \
    .run = broken_run

#endif

/*
 * The sphinx command line, shared by the build (sphinx.c) and the link
 * check (linkcheck.c); extra `args` of the stage are included.
 */
#ifndef S2N_SPHINX_CMD_H
#define S2N_SPHINX_CMD_H

#include <s2nbuild/plugin.h>

enum {
    SPHINX_FRESH = 1,  /* -E: read every source again */
    SPHINX_WERROR = 2  /* -W --keep-going */
};

/* NULL-terminated argv in host memory. */
const char **sphinx_argv(s2n_stage *st, const s2n_host *h, const char *python, const char *builder,
                         const char *source, const char *outdir, const char *doctrees, unsigned flags);

#endif

/*
 * The pytest command line a stage runs, from its options.
 */
#ifndef S2N_PYTEST_CMD_H
#define S2N_PYTEST_CMD_H

#include <s2nbuild/plugin.h>

typedef struct pytest_cmd {
    const char *python;      /* interpreter */
    const char *junit_path;  /* --junitxml target */
    const char *suite_name;  /* junit_suite_name: the stage name */
    const char *coverage_xml;/* NULL: no coverage */
    const s2n_value *cov_sources; /* list of --cov=SOURCE, NULL or empty: --cov */
    const char *markers;     /* -m, or NULL */
    const char *keyword;     /* -k, or NULL */
    const s2n_value *args;   /* extra arguments (list), or NULL */
    const s2n_value *paths;  /* test paths (list), or NULL */
} pytest_cmd;

/* NULL-terminated argv in host memory. */
const char **pytest_argv(s2n_stage *st, const s2n_host *h, const pytest_cmd *c);

#endif

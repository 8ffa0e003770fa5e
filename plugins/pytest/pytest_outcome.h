/*
 * From pytest's exit status and the JUnit counts to a stage result and
 * the one-line summary.  Pure: no host calls, so it is unit-tested alone.
 */
#ifndef S2N_PYTEST_OUTCOME_H
#define S2N_PYTEST_OUTCOME_H

#include "plugins/common/junit.h"

#include <stddef.h>

/* pytest's documented exit codes (pytest.ExitCode). */
enum {
    PYTEST_OK = 0,
    PYTEST_TESTS_FAILED = 1,
    PYTEST_INTERRUPTED = 2,
    PYTEST_INTERNAL_ERROR = 3,
    PYTEST_USAGE_ERROR = 4,
    PYTEST_NO_TESTS = 5
};

typedef struct pytest_run {
    int exit_code;                  /* from spawn: 0-255, 128+sig, -1 */
    int have_counts;                /* the JUnit file was read */
    s2n_junit_counts counts;
    int no_tests_pass;              /* no_tests: pass */
    double timeout;                 /* seconds, 0: none */
    const char *first_failure;      /* "test id: message" or NULL */
} pytest_run;

/* Returns an s2n_result and writes the summary message into msg: what
 * the test counts do not already say ("" for a green run with counts). */
int pytest_outcome(const pytest_run *run, char *msg, size_t msglen);

/* "3 passed, 1 failed, 2 skipped, 1 error" (only the non-zero parts;
 * "no tests ran" when all are zero). */
void pytest_counts_text(const s2n_junit_counts *c, char *out, size_t outlen);

#endif

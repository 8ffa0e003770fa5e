/*
 * pytest exit status -> s2n result.  FAILED means the tests ran and are
 * red (including collection errors and a run killed by the timeout);
 * ERROR means pytest itself could not do its job (usage error, internal
 * error, could not start).
 */
#include "plugins/pytest/pytest_outcome.h"

#include <s2nbuild/plugin.h>

#include <stdio.h>
#include <string.h>

static void append(char *out, size_t outlen, size_t *used, unsigned n, const char *one, const char *many)
{
    if (n == 0 || *used >= outlen)
        return;
    int w = snprintf(out + *used, outlen - *used, "%s%u %s", *used ? ", " : "", n, n == 1 ? one : many);
    if (w > 0)
        *used += (size_t)w;
}

void pytest_counts_text(const s2n_junit_counts *c, char *out, size_t outlen)
{
    size_t used = 0;
    if (outlen == 0)
        return;
    out[0] = '\0';
    append(out, outlen, &used, c->passed, "passed", "passed");
    append(out, outlen, &used, c->failed, "failed", "failed");
    append(out, outlen, &used, c->skipped, "skipped", "skipped");
    append(out, outlen, &used, c->errors, "error", "errors");
    if (!out[0])
        snprintf(out, outlen, "no tests ran");
}

int pytest_outcome(const pytest_run *run, char *msg, size_t msglen)
{
    /* With a JUnit report the host shows the counts itself (report_tests),
     * so the message only adds what the counts do not say. */
    const char *first = run->first_failure;
    msg[0] = '\0';

    switch (run->exit_code) {
    case PYTEST_OK:
        if (!run->have_counts)
            snprintf(msg, msglen, "tests passed");
        return S2N_OK;
    case PYTEST_TESTS_FAILED:
        if (first)
            snprintf(msg, msglen, "first failure: %s", first);
        else
            snprintf(msg, msglen, "tests failed");
        return S2N_FAILED;
    case PYTEST_INTERRUPTED:
        /* pytest stops with 2 on collection errors as well as on ^C. */
        if (run->have_counts && run->counts.errors)
            snprintf(msg, msglen, "interrupted by %u error%s during collection%s%s", run->counts.errors,
                     run->counts.errors == 1 ? "" : "s", first ? "; first: " : "", first ? first : "");
        else
            snprintf(msg, msglen, "pytest was interrupted");
        return S2N_FAILED;
    case PYTEST_INTERNAL_ERROR:
        snprintf(msg, msglen, "pytest stopped with an internal error (exit 3); see the stage log");
        return S2N_ERROR;
    case PYTEST_USAGE_ERROR:
        snprintf(msg, msglen, "pytest usage error (exit 4): check `args`, `paths`, `markers` and `keyword`");
        return S2N_ERROR;
    case PYTEST_NO_TESTS:
        if (run->no_tests_pass) {
            snprintf(msg, msglen, "no tests were collected (no_tests: pass)");
            return S2N_OK;
        }
        snprintf(msg, msglen, "no tests were collected (set no_tests: pass to accept that)");
        return S2N_FAILED;
    default:
        break;
    }
    if (run->exit_code < 0) {
        snprintf(msg, msglen, "pytest could not be started");
        return S2N_ERROR;
    }
    if (run->exit_code > 128) {
        if (run->timeout > 0)
            snprintf(msg, msglen, "pytest was killed by signal %d (timeout %.0f s)", run->exit_code - 128,
                     run->timeout);
        else
            snprintf(msg, msglen, "pytest was killed by signal %d", run->exit_code - 128);
        return S2N_FAILED;
    }
    snprintf(msg, msglen, "pytest exited with unexpected status %d", run->exit_code);
    return S2N_ERROR;
}

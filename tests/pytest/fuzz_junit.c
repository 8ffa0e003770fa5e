/*
 * libFuzzer target for the JUnit reader (plugins/common/junit.c): any
 * bytes must give 0 or -1 with a message, never a crash, a hang or an
 * out-of-bounds read.  Built by hand or by the core's tests/fuzz/run.sh:
 *   clang -fsanitize=fuzzer,address,undefined -I. -Iinclude \
 *         tests/pytest/fuzz_junit.c plugins/common/junit.c plugins/common/html.c
 */
#include "plugins/common/junit.h"

#include <stdint.h>
#include <string.h>

static void on_case(void *ctx, const s2n_junit_case *c)
{
    size_t *total = ctx;
    *total += strlen(c->classname) + strlen(c->name) + strlen(c->file) + strlen(c->message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    s2n_junit_counts counts;
    char err[128];
    size_t total = 0;
    int rc = s2n_junit_parse((const char *)data, size, &counts, on_case, &total, err, sizeof err);
    if (rc != 0 && rc != -1)
        __builtin_trap();
    if (rc == -1 && err[0] == '\0')
        __builtin_trap(); /* every refusal says why */
    if (rc == 0 && counts.passed + counts.skipped > counts.cases)
        __builtin_trap();
    return 0;
}

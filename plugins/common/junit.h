/*
 * A small reader for the JUnit XML that pytest writes (--junitxml): the
 * <testsuites>/<testsuite>/<testcase> tree with <failure>, <error> and
 * <skipped> children.  Not a general XML parser: no DTDs (a DOCTYPE is
 * refused, so there are no entity bombs), no namespaces, but every
 * well-formedness rule the reader relies on is checked, and limits on
 * size, depth and attribute count keep hostile input harmless.  Not ABI.
 */
#ifndef S2N_COMMON_JUNIT_H
#define S2N_COMMON_JUNIT_H

#include <stddef.h>

/* How one test case ended.  A case with several children (a failure in the
 * call and an error in teardown) reports each of them, as pytest counts
 * them in its own summary line. */
typedef struct s2n_junit_case {
    const char *classname; /* "" when absent */
    const char *name;      /* "" when absent */
    const char *file;      /* "" when absent */
    unsigned failures;     /* <failure> children */
    unsigned errors;       /* <error> children */
    unsigned skipped;      /* <skipped> children */
    /* message="" of the first failure or error, else of the skip; "" */
    const char *message;
} s2n_junit_case;

typedef struct s2n_junit_counts {
    unsigned cases;   /* <testcase> elements */
    unsigned passed;  /* cases without failure, error or skip; as in pytest's
                         summary, an error in teardown does not undo a pass */
    unsigned failed;  /* <failure> elements */
    unsigned errors;  /* <error> elements */
    unsigned skipped; /* cases with a <skipped> (and no failure or error) */
} s2n_junit_counts;

/* Called once per finished <testcase>; strings live until it returns. */
typedef void (*s2n_junit_case_fn)(void *ctx, const s2n_junit_case *c);

/* Largest document read (pytest's files are far smaller). */
#define S2N_JUNIT_MAX_BYTES (256u << 20)

/* Read a document from memory.  Returns 0, or -1 with a message
 * "line:col: what was expected" in err. `on_case` may be NULL. */
int s2n_junit_parse(const char *buf, size_t len, s2n_junit_counts *out,
                    s2n_junit_case_fn on_case, void *ctx, char *err, size_t errlen);

/* The same for a file; err then starts with "path:". */
int s2n_junit_parse_file(const char *path, s2n_junit_counts *out,
                         s2n_junit_case_fn on_case, void *ctx, char *err, size_t errlen);

#endif

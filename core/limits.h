/* Resource limits for a stage's processes (setrlimit in the stage's
 * child, inherited by everything it starts): a test suite that leaks
 * memory or a build that fills the disk stops with a clear reason instead
 * of taking the agent down with it. */
#ifndef S2N_CORE_LIMITS_H
#define S2N_CORE_LIMITS_H

#include "core/diag.h"
#include "core/value.h"

enum {
    LIMIT_CPU,        /* seconds of CPU time, per process: RLIMIT_CPU        */
    LIMIT_MEMORY,     /* bytes of data + anonymous memory: RLIMIT_DATA      */
    LIMIT_FILE_SIZE,  /* bytes, the largest file written: RLIMIT_FSIZE      */
    LIMIT_OPEN_FILES, /* descriptors per process: RLIMIT_NOFILE             */
    LIMIT_PROCESSES,  /* processes of the user: RLIMIT_NPROC (not for root) */
    LIMIT_CORE_SIZE,  /* bytes of a core dump: RLIMIT_CORE                  */
    LIMIT_COUNT
};

typedef struct stage_limits {
    unsigned long long value[LIMIT_COUNT];
    unsigned set; /* bit i: value[i] given */
} stage_limits;

extern const char *const limit_names[LIMIT_COUNT];

/* Read a `limits:` mapping over `base` (the pipeline's, for a stage) into
 * *out; problems go to d with the node's position. */
void limits_parse(diag *d, const s2n_value *node, const stage_limits *base, stage_limits *out);

/* In the stage's child: lower the soft and hard limits.  Returns 0, or -1
 * with a message in err (a limit above what s2nbuild itself may use). */
int limits_apply(const stage_limits *l, char *err, size_t cap);

/* "the cpu limit (2 s)" for a signal a limit sends (SIGXCPU, SIGXFSZ),
 * or NULL; malloc'd. */
char *limits_explain_signal(const stage_limits *l, int sig);

#endif

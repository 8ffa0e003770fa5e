/* `limits:` — parsing the sizes and counts, and applying them with
 * setrlimit() in the stage's child before the plugin runs. */
#include "config.h"
#include "core/limits.h"
#include "core/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

const char *const limit_names[LIMIT_COUNT] = {"cpu", "memory", "file_size",
                                              "open_files", "processes", "core_size"};

static const int resources[LIMIT_COUNT] = {RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FSIZE,
                                           RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_CORE};

/* "512", "64K", "100M", "2G", "1T" (powers of 1024; "MiB"/"MB" spellings
 * too): 0 and the bytes, or -1. */
static int parse_size(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (errno || end == s || !(d >= 0 && d < 1e30))
        return -1;
    while (*end == ' ')
        end++;
    static const char units[] = "KMGT";
    double mult = 1;
    if (*end) {
        const char *u = strchr(units, *end == 'k' ? 'K' : *end);
        if (!u)
            return -1;
        for (const char *p = units; p <= u; p++)
            mult *= 1024;
        end++;
        if (*end == 'i')
            end++;
        if (*end == 'B')
            end++;
        if (*end)
            return -1;
    } else if (d != (double)(unsigned long long)d)
        return -1;
    d *= mult;
    if (d >= 18446744073709551615.0)
        return -1;
    *out = (unsigned long long)d;
    return 0;
}

void limits_parse(diag *d, const s2n_value *node, const stage_limits *base, stage_limits *out)
{
    if (base)
        *out = *base;
    else
        memset(out, 0, sizeof *out);
    if (!node || node->kind == S2N_KIND_NULL)
        return;
    if (node->kind != S2N_KIND_MAP) {
        diag_error(d, (s2n_value *)node, "limits: expected a mapping (cpu, memory, file_size, "
                                         "open_files, processes, core_size)");
        return;
    }
    for (size_t i = 0; i < node->n; i++) {
        const char *key = node->keys[i];
        s2n_value *v = node->items[i];
        size_t k = 0;
        while (k < LIMIT_COUNT && strcmp(key, limit_names[k]) != 0)
            k++;
        if (k == LIMIT_COUNT) {
            const char *s = diag_suggest(key, limit_names, LIMIT_COUNT);
            diag_error(d, node->keynodes[i], "unknown limit '%s'%s%s%s; known: cpu, memory, "
                       "file_size, open_files, processes, core_size", key,
                       s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
            continue;
        }
        unsigned long long val = 0;
        int ok;
        if (k == LIMIT_CPU) {
            double sec;
            ok = value_to_seconds(v, &sec) == 0 && sec >= 1 && sec < 1e12;
            val = ok ? (unsigned long long)sec + ((double)(unsigned long long)sec < sec) : 0;
        } else if (k == LIMIT_OPEN_FILES || k == LIMIT_PROCESSES) {
            long long n;
            ok = value_to_int(v, &n) == 0 && n >= 1;
            val = ok ? (unsigned long long)n : 0;
        } else
            ok = value_is_scalar(v) && parse_size(v->str, &val) == 0;
        if (!ok) {
            static const char *const want[LIMIT_COUNT] = {
                "seconds, at least 1 (90, 10m, 2h)", "a size (512M, 2G)", "a size (512M, 2G)",
                "a count of at least 1", "a count of at least 1", "a size (0 for none, 1G)"};
            diag_error(d, v, "limits.%s: expected %s, got '%s'", key, want[k],
                       value_is_scalar(v) ? v->str : "a non-scalar");
            continue;
        }
        out->value[k] = val;
        out->set |= 1u << k;
    }
}

int limits_apply(const stage_limits *l, char *err, size_t cap)
{
    for (int k = 0; k < LIMIT_COUNT; k++) {
        if (!(l->set & (1u << k)))
            continue;
        struct rlimit cur;
        if (getrlimit(resources[k], &cur) != 0)
            continue;
        rlim_t want = (rlim_t)l->value[k];
        if (cur.rlim_max != RLIM_INFINITY && want > cur.rlim_max)
            want = cur.rlim_max; /* already lower: keep the lower one */
        /* CPU: the soft limit sends SIGXCPU; the hard one, a second
         * later, SIGKILL for a process that ignores it. */
        struct rlimit nl = {want, k == LIMIT_CPU && want + 1 <= cur.rlim_max ? want + 1 : want};
        if (k == LIMIT_CPU && cur.rlim_max == RLIM_INFINITY)
            nl.rlim_max = want + 1;
        if (setrlimit(resources[k], &nl) != 0) {
            snprintf(err, cap, "limits.%s: cannot set %llu: %s", limit_names[k],
                     (unsigned long long)want, strerror(errno));
            return -1;
        }
    }
    return 0;
}

char *limits_explain_signal(const stage_limits *l, int sig)
{
    if (sig == SIGXCPU && (l->set & (1u << LIMIT_CPU)))
        return xasprintf("the cpu limit (limits.cpu: %llu s of CPU time per process)",
                         l->value[LIMIT_CPU]);
    if (sig == SIGXFSZ && (l->set & (1u << LIMIT_FILE_SIZE)))
        return xasprintf("the file size limit (limits.file_size: %llu bytes)",
                         l->value[LIMIT_FILE_SIZE]);
    return NULL;
}

/*
 * Facts about a Python interpreter: version, install layout of a venv made
 * from it, the wheel tags it accepts and the PEP 508 marker environment.
 * Asking the interpreter costs a process start (tens of ms), so the answer
 * is cached as JSON keyed by the interpreter's real path, mtime and size.
 * Not ABI.  Owner: the venv plugin.
 */
#ifndef S2N_COMMON_PYINFO_H
#define S2N_COMMON_PYINFO_H

#include <stddef.h>

/* Runs argv and captures stdout.  Returns the exit status (-1: could not
 * start); *out is malloc'd (caller frees) and NUL-terminated.  The venv
 * plugin routes this through host->spawn; tests use s2n_run_capture. */
typedef struct s2n_runner {
    int (*run)(void *ctx, const char *const *argv, char **out, size_t *out_len);
    void *ctx;
} s2n_runner;

/* A plain fork/exec runner for programs without a host. */
int s2n_run_capture(void *ctx, const char *const *argv, char **out, size_t *out_len);

/* The PEP 508 marker variables, in the order of the spec. */
enum {
    S2N_MK_OS_NAME, S2N_MK_SYS_PLATFORM, S2N_MK_PLATFORM_MACHINE,
    S2N_MK_PLATFORM_PYTHON_IMPLEMENTATION, S2N_MK_PLATFORM_RELEASE,
    S2N_MK_PLATFORM_SYSTEM, S2N_MK_PLATFORM_VERSION, S2N_MK_PYTHON_VERSION,
    S2N_MK_PYTHON_FULL_VERSION, S2N_MK_IMPLEMENTATION_NAME,
    S2N_MK_IMPLEMENTATION_VERSION, S2N_MK_COUNT
};
extern const char *const s2n_marker_names[S2N_MK_COUNT];

typedef struct s2n_pyinfo {
    char *path;         /* as given (absolute)                           */
    char *realpath;     /* symlinks resolved: pyvenv.cfg `executable`     */
    char *version;      /* "3.11.2"                                       */
    char *xy;           /* "3.11"                                         */
    char *purelib;      /* venv-relative: "lib/python3.11/site-packages"   */
    char *platlib;
    char *include;      /* venv-relative headers root: "include/site/python3.11" */
    char *cache_tag;    /* "cpython-311" (pyc names)                      */
    char *base;         /* the base interpreter when `path` is itself in a
                           venv (sys._base_executable), else NULL or path */
    char **tags;        /* supported "py-abi-plat", most preferred first  */
    size_t ntags;
    char *markers[S2N_MK_COUNT];
    char **site;        /* the base interpreter's site-packages folders that
                           exist: what include-system-site-packages adds */
    size_t nsite;
    int cached;         /* 1 when read from the cache, not the interpreter */
} s2n_pyinfo;

/* Facts of `python` (absolute path or found in PATH).  cache_dir may be
 * NULL (no cache).  Returns 0, or -1 with a message in err (missing
 * interpreter, not Python 3, ...). */
int s2n_pyinfo_get(const char *python, const char *cache_dir, const s2n_runner *runner,
                   s2n_pyinfo *out, char *err, size_t errcap);
void s2n_pyinfo_free(s2n_pyinfo *info);

/* Rank of wheel tag triple "py-abi-plat" (no compressed sets): index in
 * tags, or -1 when unsupported. */
long s2n_pyinfo_tag_rank(const s2n_pyinfo *info, const char *tag);

#endif

/*
 * s2nbuild/plugin.h — the stage plugin ABI, version 1.
 *
 * This is the only header a stage plugin includes.  A plugin is a shared
 * object that exports exactly one function:
 *
 *     const s2n_plugin *s2n_plugin_entry(unsigned host_major,
 *                                        unsigned host_minor);
 *
 * which returns a pointer to a static, constant descriptor and runs no other
 * code.  The plugin never links against symbols of the host: everything it
 * needs from s2nbuild arrives as a table of functions (s2n_host) passed to
 * each callback, the way SQLite hands its API table to an extension.
 *
 * Versioning rules (read these before changing anything below):
 *
 *  - S2N_ABI_MAJOR changes only for a breaking change; the host refuses a
 *    plugin built for another major, naming both versions.
 *  - S2N_ABI_MINOR grows when members are appended.  Every struct that
 *    crosses the boundary starts with `struct_size`; members are only ever
 *    appended at the end (under an "ABI 1.N and later" comment), never
 *    reordered, never removed (a retired member becomes reserved_N), and
 *    enums keep explicit numbers.
 *  - A plugin states the lowest host minor it needs (min_host_minor); a
 *    host older than that refuses it with a clear message.
 *  - Before using a host member newer than 1.0, check that it lies inside
 *    host->struct_size with S2N_HAS_MEMBER(host, s2n_host, member).
 *
 * Lifetime and memory:
 *
 *  - Handles (s2n_stage, s2n_value) are opaque and valid only during the
 *    callback they were passed to.
 *  - Strings returned by the host are owned by the host and live until the
 *    callback returns.  Memory a plugin needs for the length of a stage can
 *    come from host->alloc(), a per-stage arena the host frees; memory a
 *    plugin malloc()s is the plugin's to free.
 *
 * Execution: run() is called in a forked child process of its own (its own
 * process group), so a plugin may block, crash or call exit() without
 * harming the core or other stages; the core classifies such ends.  Its
 * stdout and stderr are captured, masked and stored in the stage log.
 * validate() and plan() run in the core process and must be quick and free
 * of side effects.
 */
#ifndef S2NBUILD_PLUGIN_H
#define S2NBUILD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

#define S2N_ABI_MAJOR 1
#define S2N_ABI_MINOR 1

/* "S2NP" — first member of every descriptor. */
#define S2N_PLUGIN_MAGIC 0x53324e50u

#if defined(__GNUC__)
#define S2N_EXPORT __attribute__((visibility("default")))
#define S2N_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define S2N_EXPORT
#define S2N_PRINTF(f, a)
#endif

/* True when struct pointer P (of type T, with a leading struct_size) is
 * large enough to contain member M. */
#define S2N_HAS_MEMBER(p, T, m) \
    ((p) != NULL && (size_t)(p)->struct_size >= offsetof(T, m) + sizeof(((T *)0)->m))

typedef struct s2n_stage s2n_stage; /* one stage of one run; opaque */
typedef struct s2n_value s2n_value; /* a configuration value; opaque */
typedef struct s2n_host s2n_host;

/* ------------------------------------------------------------------ */
/* Results                                                             */

typedef enum s2n_result {
    S2N_OK = 0,      /* the work was done and succeeded                  */
    S2N_FAILED = 1,  /* the work ran and failed (tests red, lint errors) */
    S2N_ERROR = 2,   /* could not run (misconfiguration, missing tool)   */
    S2N_SKIPPED = 3  /* nothing to do; not a failure                     */
} s2n_result;

/* ------------------------------------------------------------------ */
/* Options: the table that drives validation, `s2nbuild schema` and docs */

typedef enum s2n_kind {
    S2N_KIND_STRING = 1,
    S2N_KIND_INT = 2,
    S2N_KIND_BOOL = 3,
    S2N_KIND_LIST = 4,   /* a sequence; a scalar is taken as a one-item list */
    S2N_KIND_MAP = 5,    /* a mapping with free-form keys                   */
    S2N_KIND_PATH = 6,   /* a string resolved against the stage workdir     */
    S2N_KIND_SECRET = 7, /* a string registered for masking before use      */
    S2N_KIND_ANY = 8     /* scalar, list or map; the plugin checks it       */
} s2n_kind;

enum {
    S2N_OPT_REQUIRED = 1u << 0,   /* must be given (no default)             */
    S2N_OPT_DEPRECATED = 1u << 1, /* accepted with a warning                */
    S2N_OPT_ENUM = 1u << 2        /* value must be one of `choices`          */
};

typedef struct s2n_option {
    const char *name;          /* key under `with:`                            */
    int kind;                  /* s2n_kind                                     */
    unsigned flags;            /* S2N_OPT_*                                    */
    const char *default_value; /* as it would be written in YAML, or NULL      */
    const char *help;          /* one line, shown by `plugins`/`schema`        */
    const char *const *choices;/* NULL-terminated, for S2N_OPT_ENUM            */
} s2n_option;
/* An option table ends with an entry whose name is NULL.  The host walks it
 * with the stride given in s2n_plugin.option_size, so s2n_option may grow. */

/* ------------------------------------------------------------------ */
/* The descriptor returned by s2n_plugin_entry()                       */

typedef int (*s2n_validate_fn)(s2n_stage *stage, const s2n_host *host);
typedef int (*s2n_run_fn)(s2n_stage *stage, const s2n_host *host);
typedef int (*s2n_plan_fn)(s2n_stage *stage, const s2n_host *host);
typedef void (*s2n_cleanup_fn)(s2n_stage *stage, const s2n_host *host);

typedef struct s2n_plugin {
    uint32_t magic;          /* S2N_PLUGIN_MAGIC                            */
    uint32_t struct_size;    /* sizeof(s2n_plugin) as the plugin knew it    */
    uint16_t abi_major;      /* S2N_ABI_MAJOR the plugin was built with     */
    uint16_t abi_minor;      /* S2N_ABI_MINOR the plugin was built with     */
    uint16_t min_host_minor; /* lowest host minor this plugin can run on    */
    uint16_t option_size;    /* sizeof(s2n_option) as the plugin knew it    */
    const char *type;        /* stage type, e.g. "venv"; equals file name   */
    const char *version;     /* the plugin's own version                    */
    const char *summary;     /* one line                                    */
    const s2n_option *options; /* table ended by a NULL name; may be NULL   */
    /* validate(): optional.  Check option combinations beyond what the
     * table expresses; report with host->error() and return S2N_ERROR. */
    s2n_validate_fn validate;
    /* run(): required.  Do the work; return an s2n_result. */
    s2n_run_fn run;
    /* plan(): optional.  Describe what run() would do (host->log). */
    s2n_plan_fn plan;
    /* cleanup(): optional.  Called in the stage child after run(). */
    s2n_cleanup_fn cleanup;

    /* --- ABI 1.1 ---------------------------------------------------------- */
    /* S2N_PLUGIN_* below.  A 1.0 host never reads it: a plugin that must
     * not be cached on a 1.0 host sets min_host_minor = 1. */
    uint32_t flags;

    /* --- descriptor members of ABI 1.2 and later go below ------------------ */
} s2n_plugin;

/* s2n_plugin.flags (ABI 1.1) */
enum {
    /* The stage acts on the outside world (publishes, notifies): its result
     * depends on more than its options and inputs, so the stage cache never
     * replays it. */
    S2N_PLUGIN_NO_CACHE = 1u << 0
};

/* The one exported symbol.  Declared here so a plugin's definition is
 * checked against it. */
S2N_EXPORT const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor);

/* Convenience initialiser for the fixed head of a descriptor. */
#define S2N_PLUGIN_HEAD                                                     \
    .magic = S2N_PLUGIN_MAGIC, .struct_size = sizeof(s2n_plugin),           \
    .abi_major = S2N_ABI_MAJOR, .abi_minor = S2N_ABI_MINOR,                 \
    .option_size = sizeof(s2n_option)

/* ------------------------------------------------------------------ */
/* Things the host hands out                                           */

typedef enum s2n_log_level {
    S2N_LOG_DEBUG = 0,
    S2N_LOG_INFO = 1,
    S2N_LOG_WARN = 2,
    S2N_LOG_ERROR = 3
} s2n_log_level;

/* An artifact: a file a stage declared, with the sha256 the host computed. */
typedef struct s2n_artifact {
    uint32_t struct_size;
    const char *path;   /* absolute path                                   */
    const char *name;   /* base name                                       */
    const char *kind;   /* free-form tag set by the producer ("wheel", …)  */
    const char *sha256; /* 64 lowercase hex digits                         */
    uint64_t size;      /* bytes                                           */
} s2n_artifact;

/* How host->spawn() runs a process. */
enum {
    S2N_SPAWN_CAPTURE = 1u << 0, /* collect stdout into *out instead of the log */
    S2N_SPAWN_QUIET = 1u << 1,   /* send stdout and stderr to /dev/null       */
    S2N_SPAWN_MERGE = 1u << 2    /* with CAPTURE: stderr goes to *out too     */
};

typedef struct s2n_spawn {
    uint32_t struct_size;    /* sizeof(s2n_spawn)                            */
    const char *const *argv; /* argv[0] looked up in PATH; NULL-terminated   */
    const char *const *env;  /* extra "NAME=value" (or "NAME" to unset);
                                NULL-terminated; may be NULL                  */
    const char *cwd;         /* NULL: the stage workdir                      */
    unsigned flags;          /* S2N_SPAWN_*                                  */
    double timeout;          /* seconds; 0: only the stage's own timeout     */
    const char *stdin_path;  /* NULL: /dev/null                              */
} s2n_spawn;

/* The function table.  Append only. */
struct s2n_host {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;

    /* --- logging and results ------------------------------------------ */
    void (*log)(s2n_stage *st, int level, const char *fmt, ...) S2N_PRINTF(3, 4);
    void (*vlog)(s2n_stage *st, int level, const char *fmt, va_list ap);
    /* A configuration error about option `option` (NULL: the stage); shown
     * as file:line:col when the option came from a file. */
    void (*error)(s2n_stage *st, const char *option, const char *fmt, ...) S2N_PRINTF(3, 4);
    /* The one-line message shown in the summary for this stage. */
    void (*set_message)(s2n_stage *st, const char *fmt, ...) S2N_PRINTF(2, 3);
    /* Mark the result as worth retrying (network blips), honoured with
     * the stage's `retries:`. */
    void (*set_retryable)(s2n_stage *st, int retryable);
    /* Test counts for the summary, record and JUnit. */
    void (*report_tests)(s2n_stage *st, unsigned passed, unsigned failed,
                         unsigned skipped, unsigned errors);
    /* A JUnit XML file whose test cases are merged into the run's junit.xml. */
    int (*add_junit)(s2n_stage *st, const char *path);

    /* --- options --------------------------------------------------------- */
    /* The value of option `name` after defaults and ${} interpolation, or
     * NULL when unset and without default. */
    const s2n_value *(*option)(s2n_stage *st, const char *name);
    /* Typed shortcuts: return 0 and set *out, or -1 when unset/not that type.
     * opt_string also returns paths (resolved) and secrets (registered). */
    const char *(*opt_string)(s2n_stage *st, const char *name);
    int (*opt_int)(s2n_stage *st, const char *name, long long *out);
    int (*opt_bool)(s2n_stage *st, const char *name, int *out);

    /* --- values ---------------------------------------------------------- */
    int (*value_kind)(const s2n_value *v);       /* STRING, LIST or MAP      */
    const char *(*value_str)(const s2n_value *v);/* scalar text, else NULL  */
    size_t (*value_len)(const s2n_value *v);     /* items of a list or map   */
    const s2n_value *(*value_at)(const s2n_value *v, size_t i);
    const char *(*value_key_at)(const s2n_value *v, size_t i); /* maps      */
    const s2n_value *(*value_get)(const s2n_value *v, const char *key);
    /* "file:line:col" where the value was written, or "" */
    const char *(*value_where)(const s2n_value *v);

    /* --- places ---------------------------------------------------------- */
    const char *(*stage_name)(s2n_stage *st);
    const char *(*workspace)(s2n_stage *st); /* the pipeline's root folder   */
    const char *(*workdir)(s2n_stage *st);   /* where the stage works        */
    const char *(*stage_dir)(s2n_stage *st); /* private scratch + outputs,
                                                under .s2nbuild/runs/<id>/  */
    const char *(*state_dir)(s2n_stage *st); /* .s2nbuild/ of the workspace  */
    /* The stage's environment: its `env:` over the pipeline's `env:` over
     * the environment s2nbuild was started with. */
    const char *(*getenv)(s2n_stage *st, const char *name);
    /* Resolve `path` against the workdir into host memory. */
    const char *(*resolve)(s2n_stage *st, const char *path);

    /* --- artifacts and published values ---------------------------------- */
    /* Declare a file as an artifact of this stage; the host records sha256. */
    int (*add_artifact)(s2n_stage *st, const char *path, const char *kind);
    /* Artifacts declared by an earlier stage (by name); count, then each. */
    size_t (*artifact_count)(s2n_stage *st, const char *stage_name);
    const s2n_artifact *(*artifact_at)(s2n_stage *st, const char *stage_name, size_t i);
    /* Publish a value (e.g. "version") for downstream ${...} and records. */
    int (*set_output)(s2n_stage *st, const char *key, const char *value);
    /* A value published by an upstream stage, searched through `needs`. */
    const char *(*get_output)(s2n_stage *st, const char *stage_name, const char *key);

    /* --- processes -------------------------------------------------------- */
    /* Run a process in the stage's process group (killed on timeout and
     * abort), output masked and logged unless captured.  Returns the exit
     * status (0-255), 128+signal when killed, -1 when it could not start
     * (the reason is logged).  With S2N_SPAWN_CAPTURE, *out receives the
     * NUL-terminated stdout (arena memory) and *out_len its length. */
    int (*spawn)(s2n_stage *st, const s2n_spawn *spec, char **out, size_t *out_len);
    /* Register a secret: masked in every log, record and report from now on. */
    void (*add_secret)(s2n_stage *st, const char *secret);

    /* --- memory ----------------------------------------------------------- */
    void *(*alloc)(s2n_stage *st, size_t size);       /* zeroed, arena       */
    char *(*str_dup)(s2n_stage *st, const char *s);   /* arena               */
    char *(*str_printf)(s2n_stage *st, const char *fmt, ...) S2N_PRINTF(2, 3);

    /* --- ABI 1.2 and later: append below this line ------------------------ */
};

/* ------------------------------------------------------------------ */
/* Layout guards: a change that moves a member breaks these, on purpose. */

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define S2N_STATIC_ASSERT _Static_assert
#elif defined(__cplusplus) && __cplusplus >= 201103L
#define S2N_STATIC_ASSERT static_assert
#endif
#ifdef S2N_STATIC_ASSERT
S2N_STATIC_ASSERT(offsetof(s2n_plugin, magic) == 0, "magic first");
S2N_STATIC_ASSERT(offsetof(s2n_plugin, struct_size) == 4, "struct_size second");
S2N_STATIC_ASSERT(offsetof(s2n_plugin, abi_major) == 8, "abi_major at 8");
S2N_STATIC_ASSERT(offsetof(s2n_plugin, type) == 16, "type at 16");
S2N_STATIC_ASSERT(offsetof(s2n_host, struct_size) == 0, "host struct_size first");
S2N_STATIC_ASSERT(offsetof(s2n_host, log) == 8, "host functions start at 8");
S2N_STATIC_ASSERT(offsetof(s2n_artifact, struct_size) == 0, "artifact struct_size first");
S2N_STATIC_ASSERT(offsetof(s2n_spawn, struct_size) == 0, "spawn struct_size first");
#if defined(__x86_64__) || defined(__aarch64__)
S2N_STATIC_ASSERT(offsetof(s2n_plugin, flags) == 80, "s2n_plugin 1.1: flags appended");
S2N_STATIC_ASSERT(sizeof(s2n_plugin) == 88, "s2n_plugin 1.1 layout (LP64)");
S2N_STATIC_ASSERT(sizeof(s2n_option) == 40, "s2n_option 1.0 layout (LP64)");
S2N_STATIC_ASSERT(sizeof(s2n_artifact) == 48, "s2n_artifact 1.0 layout (LP64)");
S2N_STATIC_ASSERT(sizeof(s2n_spawn) == 56, "s2n_spawn 1.0 layout (LP64)");
S2N_STATIC_ASSERT(sizeof(s2n_host) == 8 + 35 * sizeof(void *), "s2n_host 1.0 layout (LP64)");
#endif
#endif

#ifdef __cplusplus
}
#endif
#endif /* S2NBUILD_PLUGIN_H */

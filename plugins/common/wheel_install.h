/*
 * Installing a wheel into a virtual environment the way pip 23 does
 * (pip/_internal/operations/install/wheel.py), so pip list / check /
 * uninstall and importlib.metadata cannot tell the difference:
 * root files to purelib/platlib, `.data/<scheme>/` to their scheme paths,
 * `#!python` scripts fixed, console/gui script wrappers from
 * entry_points.txt, INSTALLER, REQUESTED, and a RECORD rewritten with
 * installed paths (sorted, CRLF, pyc files without hashes).  Every file's
 * sha256 and size are checked against the wheel's own RECORD.
 * Not ABI.  Owner: the venv plugin.
 */
#ifndef S2N_COMMON_WHEEL_INSTALL_H
#define S2N_COMMON_WHEEL_INSTALL_H

#include "plugins/common/pyinfo.h"

#include <stddef.h>

/* What a first look inside a wheel tells. */
typedef struct s2n_wheel_info {
    char *path;
    char *distinfo;     /* "name-1.0.dist-info"                           */
    char *name;         /* Name: of METADATA                              */
    char *version;      /* Version: of METADATA                           */
    char *metadata;     /* METADATA text                                  */
    char *wheel;        /* WHEEL text                                     */
    char *entry_points; /* entry_points.txt or NULL                       */
    char *record;       /* RECORD text                                    */
    int root_is_purelib;
} s2n_wheel_info;

int s2n_wheel_peek(const char *path, s2n_wheel_info *out, char *err, size_t errcap);
void s2n_wheel_info_free(s2n_wheel_info *w);

/* All values of a core-metadata header (case-insensitive); *out is a
 * malloc'd array of malloc'd strings.  Returns the count. */
size_t s2n_meta_values(const char *text, const char *field, char ***out);
void s2n_strv_free(char **v, size_t n);

/* Where files go.  Paths are absolute; `root` is where the environment is
 * being written, `final_root` where it will live (scripts name
 * final_root/bin/python even while the venv is built beside). */
typedef struct s2n_wheel_target {
    const char *root;
    const char *final_root;
    const char *purelib;   /* relative to root */
    const char *platlib;
    const char *scripts;   /* "bin" */
    const char *include;   /* "include/site/python3.11" (+ /<name>) */
    const char *python_xy; /* "3.11": versioned pip/easy_install wrappers */
    const char *installer; /* INSTALLER content without newline */
    int requested;         /* write REQUESTED */
    int compile;           /* collect .py files for s2n_wheel_compile()   */
    const char *cache_dir; /* unpacked-wheel cache (hard-linked into the
                              environment), or NULL to unpack directly   */
    const char *cache_tag; /* "cpython-311": pyc names in the cache       */
    const char *direct_url;/* PEP 610 direct_url.json text, or NULL        */
} s2n_wheel_target;

typedef struct s2n_record_row {
    char *path, *hash, *size;
} s2n_record_row;

typedef struct s2n_installed {
    char *lib_dir;      /* absolute */
    char *distinfo_dir; /* absolute */
    s2n_record_row *rows;
    size_t nrows;
    char **pyfiles;     /* absolute .py files to byte-compile */
    char **pycache;     /* per pyfile: its source in the cache, or NULL */
    size_t npy;
    char *root, *final_root; /* of the target: pyc files name the final path */
} s2n_installed;

/* Call once before installing from several threads at once. */
void s2n_wheel_install_init(void);

/* Unpack and generate; the RECORD is written by s2n_installed_finish()
 * once the byte-compiled files are known.  Safe to call from several
 * threads for different wheels of the same target. */
int s2n_wheel_install(const s2n_wheel_info *w, const s2n_wheel_target *t, s2n_installed *out,
                      char *err, size_t errcap);
/* Byte-compile the .py files of n installs with one interpreter process
 * (compileall.compile_file, as pip), adding the .pyc files to their rows. */
int s2n_wheel_compile(s2n_installed *ins, size_t n, const char *python, const char *tmpdir,
                      const s2n_runner *runner, char *err, size_t errcap);
int s2n_installed_finish(s2n_installed *ins, char *err, size_t errcap);
void s2n_installed_free(s2n_installed *ins);

/* CSV line of RECORD into up to 3 fields (malloc'd).  Returns count. */
int s2n_record_split(const char *line, size_t len, char *fields[3]);

#endif

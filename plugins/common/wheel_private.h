/*
 * Shared between the files of the native wheel installer (wheel_read.c,
 * wheel_scripts.c, wheel_install.c); not for other callers.  Not ABI.
 * Owner: the venv plugin.
 */
#ifndef S2N_COMMON_WHEEL_PRIVATE_H
#define S2N_COMMON_WHEEL_PRIVATE_H

#include <stddef.h>

struct archive;

/* A wheel opened for streaming with libarchive (UTF-8 names). */
struct archive *s2n_wheel_open(const char *path, char *err, size_t errcap);

/* A console/gui script of entry_points.txt: NAME = MODULE:ATTR. */
typedef struct s2n_script {
    char *name, *module, *attr;
} s2n_script;

/* The wrappers pip would make for a wheel (pip/easy_install also under
 * their versioned names for python_xy). */
int s2n_entry_scripts(const char *entry_points, const char *python_xy, s2n_script **out,
                      size_t *n, char *err, size_t errcap);
void s2n_scripts_free(s2n_script *v, size_t n);
/* Is a .data/scripts file setuptools' own wrapper of one of these? */
int s2n_script_is_wrapper(const char *base, const s2n_script *s, size_t n);
/* The wrapper's bytes for interpreter `python` (malloc'd, length in *len). */
char *s2n_script_text(const s2n_script *s, const char *python, size_t *len);

#endif

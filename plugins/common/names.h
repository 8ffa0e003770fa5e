/*
 * Project names and versions as the Python packaging specs define them.
 * Not ABI.  Owner: the build plugin (plugins/build); others only call it.
 */
#ifndef S2N_COMMON_NAMES_H
#define S2N_COMMON_NAMES_H

#include <stddef.h>

/* PEP 508 name rule: ASCII letters/digits, with . _ - inside. */
int s2n_name_valid(const char *name);
/* PEP 503 normalized form: lowercase, runs of -_. become one '-'.
 * Writes at most cap bytes (NUL included); returns the length needed. */
size_t s2n_name_normalize(const char *name, char *out, size_t cap);
/* Wheel/sdist file-name form (PEP 427/625): normalized, '-' -> '_'. */
size_t s2n_name_filename(const char *name, char *out, size_t cap);

/* PEP 440: 0 when `version` is valid; writes its normal form
 * ("1.0.0-RC1" -> "1.0.0rc1").  -1 when invalid. */
int s2n_version_normalize(const char *version, char *out, size_t cap);
/* PEP 440 ordering of two valid versions: <0, 0, >0. */
int s2n_version_compare(const char *a, const char *b);

#endif

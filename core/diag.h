/* Diagnostics: every configuration problem is collected (not printed at
 * once) so a run reports all of them together, each as file:line:col. */
#ifndef S2N_CORE_DIAG_H
#define S2N_CORE_DIAG_H

#include "core/value.h"

#include <stdarg.h>
#include <stdio.h>

typedef struct diag {
    char **msgs;
    size_t n;
    size_t nerrors, nwarnings;
} diag;

void diag_error(diag *d, s2n_value *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_warn(diag *d, s2n_value *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Takes a finished "where: message" error line (malloc'd). */
void diag_take(diag *d, char *line);
void diag_add(diag *d, int is_error, const char *where, const char *fmt, va_list ap);
/* Appends " (did you mean 'x'?)" when a candidate is close to `word`. */
const char *diag_suggest(const char *word, const char *const *candidates, size_t n);
void diag_print(const diag *d, FILE *out);
void diag_free(diag *d);

#endif

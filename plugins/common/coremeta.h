/*
 * Core metadata (METADATA / PKG-INFO, an RFC 822-style header block and an
 * optional body used as the long description).  Not ABI.
 * Owner: the twine plugin (plugins/twine); others only call it.
 */
#ifndef S2N_COMMON_COREMETA_H
#define S2N_COMMON_COREMETA_H

#include <stddef.h>

typedef struct s2n_meta_field {
    char *name;  /* as written, e.g. "Requires-Dist" */
    char *value; /* continuation lines joined with '\n' */
} s2n_meta_field;

typedef struct s2n_coremeta {
    s2n_meta_field *fields; /* in file order; repeated fields repeat */
    size_t nfields;
    char *body;             /* description from the message body, or NULL */
} s2n_coremeta;

/* Parse `len` bytes.  0 on success; -1 with a message in err. */
int s2n_coremeta_parse(const char *text, size_t len, s2n_coremeta *out,
                       char *err, size_t errcap);
/* First value of a field (case-insensitive name), or NULL. */
const char *s2n_coremeta_get(const s2n_coremeta *m, const char *name);
/* i-th value of a repeated field, or NULL past the end. */
const char *s2n_coremeta_get_nth(const s2n_coremeta *m, const char *name, size_t i);
void s2n_coremeta_free(s2n_coremeta *m);

#endif

/* Secret masking: every secret, and its base64 and URL-encoded forms, is
 * replaced by *** in whatever s2nbuild writes. */
#ifndef S2N_CORE_MASK_H
#define S2N_CORE_MASK_H

#include <stddef.h>

typedef struct mask mask;

mask *mask_new(void);
void mask_add(mask *m, const char *secret); /* adds all its forms */
size_t mask_count(const mask *m);
/* Masked copy of buf (malloc'd, NUL-terminated); *outlen set if non-NULL. */
char *mask_apply(const mask *m, const char *buf, size_t len, size_t *outlen);
/* Where output may be cut (at most `limit` bytes into buf) without
 * splitting a secret: before any occurrence that would straddle the cut,
 * and before a tail of buf that may be the start of one still to come.
 * Masking the two parts separately then hides every secret.  Never 0
 * when limit > 0 (a cut must make progress). */
size_t mask_safe_cut(const mask *m, const char *buf, size_t len, size_t limit);
void mask_free(mask *m);

#endif

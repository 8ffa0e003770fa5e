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
void mask_free(mask *m);

#endif

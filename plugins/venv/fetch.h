/*
 * HTTP(S) for the native installer, through libcurl: PEP 503 pages and
 * wheel downloads (several at once, with curl's multi interface).
 */
#ifndef S2N_VENV_FETCH_H
#define S2N_VENV_FETCH_H

#include <stddef.h>

/* GET url into a malloc'd NUL-terminated buffer.  *final_url (malloc'd)
 * is the URL after redirects, for resolving relative links.  0, or -1
 * with a message (HTTP status or curl's reason). */
int s2n_fetch_text(const char *url, char **body, size_t *len, char **final_url, char *err,
                   size_t errcap);

/* Download urls[i] to dests[i] (temp + rename), up to 8 at a time.
 * 0 when all succeeded, else -1 with the first failure in err. */
int s2n_fetch_files(const char *const *urls, const char *const *dests, size_t n, char *err,
                    size_t errcap);

/* Resolve `href` against `base` into a malloc'd absolute URL. */
char *s2n_url_join(const char *base, const char *href);

#endif

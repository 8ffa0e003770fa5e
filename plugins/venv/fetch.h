/*
 * HTTP(S) for the native installer, through libcurl: simple-index pages
 * (PEP 691 JSON or PEP 503 HTML), PEP 658 metadata files and wheel
 * downloads (several at once, with curl's multi interface).
 */
#ifndef S2N_VENV_FETCH_H
#define S2N_VENV_FETCH_H

#include <stddef.h>

/* PEP 691 content negotiation, exactly what pip sends: JSON first, the
 * versioned HTML next, legacy HTML last. */
#define S2N_SIMPLE_ACCEPT                                                                   \
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, " \
    "text/html; q=0.01"

/* GET url into a malloc'd NUL-terminated buffer.  `accept` (or NULL) is
 * sent as the Accept header.  *final_url (malloc'd) is the URL after
 * redirects, for resolving relative links; *content_type (malloc'd, NULL
 * when the server sent none) says how to read the body.  Both out
 * pointers may be NULL.  0, or -1 with a message (HTTP status or curl's
 * reason). */
int s2n_fetch_text(const char *url, const char *accept, char **body, size_t *len,
                   char **final_url, char **content_type, char *err, size_t errcap);

/* Download urls[i] to dests[i] (temp + rename), up to 8 at a time.
 * 0 when all succeeded, else -1 with the first failure in err. */
int s2n_fetch_files(const char *const *urls, const char *const *dests, size_t n, char *err,
                    size_t errcap);

/* Resolve `href` against `base` into a malloc'd absolute URL. */
char *s2n_url_join(const char *base, const char *href);

#endif

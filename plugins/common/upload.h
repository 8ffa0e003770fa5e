/*
 * HTTP for publishing: the legacy upload POST (multipart/form-data, file
 * streamed from disk by libcurl) and a small GET for index pages.  One
 * request per call, no retries here (the caller owns the retry policy).
 * Not ABI.  Owner: the twine plugin.
 */
#ifndef S2N_COMMON_UPLOAD_H
#define S2N_COMMON_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

typedef struct s2n_form_field {
    const char *name;
    const char *value;
} s2n_form_field;

/* Called as the body goes out; return non-zero to abort. */
typedef int (*s2n_progress_fn)(void *ud, uint64_t sent, uint64_t total);

/* Connection settings shared by POST and GET. */
typedef struct s2n_http_conf {
    const char *username;   /* HTTP Basic; NULL: no auth                   */
    const char *password;
    const char *cafile;     /* CA bundle (TWINE_CERT); NULL: system        */
    int insecure;           /* skip TLS verification (explicit option)     */
    long timeout;           /* seconds a request may stall (no bytes
                               moving either way) before it is abandoned;
                               0: 60.  No limit on a transfer that moves. */
    long max_time;          /* seconds for the whole request; 0: none      */
    long connect_timeout;   /* seconds; 0: 30                              */
    const char *user_agent;
} s2n_http_conf;

typedef struct s2n_http_resp {
    long status;          /* HTTP status, 0 when no response arrived      */
    char *reason;         /* reason phrase of the (last) status line, malloc;
                             "" when none (HTTP/2); PyPI puts its error
                             message here                                 */
    char *body;           /* response body (NUL-terminated, capped), malloc */
    size_t body_len;
    char *content_type;   /* malloc'd or NULL                              */
    long retry_after;     /* seconds from Retry-After, -1 when absent      */
    int transport_error;  /* libcurl code when the exchange failed         */
    char error[256];      /* libcurl's message for transport errors        */
    double seconds;       /* time the request took                         */
    uint64_t sent;        /* bytes of request body sent                    */
} s2n_http_resp;

/* A field sent after the file whose value is only asked for when the
 * request reaches it (e.g. a digest computed while the file goes out).
 * `len` is the exact length the value will have.  `value` returns the
 * text, or NULL to abort the request. */
typedef struct s2n_late_field {
    const char *name;
    size_t len;
    const char *(*value)(void *ud, const char *name);
    void *ud;
} s2n_late_field;

/* POST the form, the file (as field `file_field`, with its base name and
 * application/octet-stream), then the late fields, to `url`.  0 when an
 * HTTP response came back (any status), -1 on transport errors
 * (resp->transport_error set). */
int s2n_upload_post(const char *url, const s2n_http_conf *conf, const s2n_form_field *fields,
                    size_t nfields, const char *file_field, const char *file_path,
                    const s2n_late_field *late, size_t nlate, s2n_progress_fn progress,
                    void *ud, s2n_http_resp *resp);

/* GET `url` with an Accept header.  Same return convention. */
int s2n_http_get(const char *url, const s2n_http_conf *conf, const char *accept,
                 s2n_http_resp *resp);

void s2n_http_resp_free(s2n_http_resp *resp);

#endif

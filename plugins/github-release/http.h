/*
 * http.h — GitHub REST over libcurl: one request at a time, JSON in and
 * out, raw-file uploads with Content-Length, and the retry policy
 * (connection errors, 5xx, rate limits; never other 4xx).
 *
 * The header values GitHub wants live here and nowhere else.  They are
 * options of the stage because the recorded API scenarios used in the tests
 * require the older spelling (`token …`, `application/vnd.github.v3+json`).
 */
#ifndef GHREL_HTTP_H
#define GHREL_HTTP_H

#include "ghlog.h"

#include <jansson.h>
#include <stdint.h>

#define GH_ACCEPT_DEFAULT "application/vnd.github+json"
#define GH_AUTH_SCHEME_DEFAULT "Bearer"
#define GH_API_VERSION "2022-11-28"
#define GH_API_URL_DEFAULT "https://api.github.com"
#define GH_USER_AGENT "s2nbuild-github-release"
#define GH_JSON_CONTENT_TYPE "application/json; charset=utf-8"

typedef struct gh_client {
    const char *api_url;     /* base URL, may carry a path; no trailing '/' */
    const char *token;       /* never logged                                 */
    const char *accept;      /* Accept header value                          */
    const char *auth_scheme; /* "Bearer" or "token"                          */
    int attempts;            /* tries per idempotent request (>= 1)          */
    long backoff_ms;         /* first retry delay; doubles each time         */
    long max_wait_s;         /* longest single wait (rate limits, backoff)   */
    gh_logger log;
    void *curl;              /* CURL *, created by gh_client_init            */
} gh_client;

/* What came back.  status 0 means no HTTP response (transport error). */
typedef struct gh_response {
    long status;
    char *body;         /* NUL-terminated raw body                          */
    size_t body_len;
    json_t *json;       /* parsed body, or NULL                             */
    char *link_next;    /* URL of Link rel="next", or NULL                  */
    char *retry_after;  /* header values of interest, or NULL              */
    char *rl_remaining;
    char *rl_reset;
    char *sso;          /* X-GitHub-SSO                                     */
    char error[256];    /* transport error text when status == 0           */
} gh_response;

int gh_client_init(gh_client *c);
void gh_client_free(gh_client *c);
void gh_response_free(gh_response *r);

/* A transient failure: worth trying again (connection, 5xx, rate limit). */
int gh_transient(const gh_response *r);

/* Perform a request once, no retries.  `url` is absolute; `body` (may be
 * NULL) is sent as compact JSON.  Returns 0 when an HTTP response arrived. */
int gh_send(gh_client *c, const char *method, const char *url, const json_t *body,
            gh_response *out);
/* Upload a file as the raw body with Content-Length (never chunked). */
int gh_send_file(gh_client *c, const char *url, const char *path, const char *content_type,
                 gh_response *out);

/* gh_send with the retry policy: for GET/PATCH/DELETE, which can be
 * repeated safely.  Returns with the last response in *out. */
int gh_call(gh_client *c, const char *method, const char *url, const json_t *body,
            gh_response *out);

/* Wait before retry number `attempt` (1-based) after response `r`.
 * Returns 0 after sleeping, -1 when the wait GitHub asks for exceeds
 * max_wait_s (reason logged): give up then. */
int gh_backoff(gh_client *c, const gh_response *r, int attempt);

/* How long (seconds) a rate-limited response asks us to wait; `now` is
 * the current epoch time.  -1: not a rate limit, or no usable hint (then
 * back off exponentially).  Exposed for the unit test. */
long long gh_rate_limit_wait(const gh_response *r, long long now);

/* Append "?name=…&label=…" to an upload_url template ("…/assets{?name,label}"). */
char *gh_upload_url(const char *upload_url_template, const char *name, const char *label);
/* base + "/repos/OWNER/REPO" + suffix; the tag segment escaping is the caller's. */
char *gh_repo_url(const gh_client *c, const char *repo, const char *suffix);
/* Percent-escape one path segment; with keep_slash, '/' stays (multi-segment tags). */
char *gh_escape(const char *s, int keep_slash);

/* A sentence explaining an error response: status, GitHub's message, the
 * likely cause (401/403/404/422).  `what` names the call ("create release"). */
char *gh_explain(const gh_response *r, const char *what, const char *repo);

#endif

/*
 * http.c — GitHub REST calls through libcurl, and the retry policy.
 *
 * Retries: connection errors, 5xx and rate limits (429, or 403 with
 * x-ratelimit-remaining: 0 / retry-after) are transient; every other 4xx is
 * final.  POSTs are never repeated here: a failed create or upload may have
 * worked, so the caller (release.c) re-reads the state before trying again.
 */
#define _POSIX_C_SOURCE 200809L
#include "http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int gh_client_init(gh_client *c)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    c->curl = curl_easy_init();
    if (!c->accept)
        c->accept = GH_ACCEPT_DEFAULT;
    if (!c->auth_scheme)
        c->auth_scheme = GH_AUTH_SCHEME_DEFAULT;
    if (c->attempts < 1)
        c->attempts = 1;
    return c->curl ? 0 : -1;
}

void gh_client_free(gh_client *c)
{
    if (c->curl)
        curl_easy_cleanup(c->curl);
    c->curl = NULL;
}

void gh_response_free(gh_response *r)
{
    free(r->body);
    if (r->json)
        json_decref(r->json);
    free(r->link_next);
    free(r->retry_after);
    free(r->rl_remaining);
    free(r->rl_reset);
    free(r->sso);
    memset(r, 0, sizeof *r);
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    gh_response *r = ud;
    size_t len = sz * n;
    char *nb = realloc(r->body, r->body_len + len + 1);
    if (!nb)
        return 0;
    memcpy(nb + r->body_len, p, len);
    r->body_len += len;
    nb[r->body_len] = '\0';
    r->body = nb;
    return len;
}

static char *header_value(const char *line, size_t len, const char *name)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return NULL;
    const char *v = line + nl + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    return strndup(v, (size_t)(end - v));
}

/* Link: <url>; rel="next", <url>; rel="last" */
static char *link_next(const char *link)
{
    const char *p = link;
    while ((p = strchr(p, '<')) != NULL) {
        const char *e = strchr(p, '>');
        if (!e)
            return NULL;
        const char *sep = strchr(e, ',');
        const char *rel = strstr(e, "rel=\"next\"");
        if (rel && (!sep || rel < sep))
            return strndup(p + 1, (size_t)(e - p - 1));
        p = e;
    }
    return NULL;
}

static void set_field(char **field, char *v)
{
    free(*field);
    *field = v;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    gh_response *r = ud;
    size_t len = sz * n;
    char *v;
    if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        /* a new response head (after 100 Continue or a redirect) */
        set_field(&r->link_next, NULL);
        set_field(&r->retry_after, NULL);
        set_field(&r->rl_remaining, NULL);
        set_field(&r->rl_reset, NULL);
        set_field(&r->sso, NULL);
    } else if ((v = header_value(p, len, "link")) != NULL) {
        set_field(&r->link_next, link_next(v));
        free(v);
    } else if ((v = header_value(p, len, "retry-after")) != NULL) {
        set_field(&r->retry_after, v);
    } else if ((v = header_value(p, len, "x-ratelimit-remaining")) != NULL) {
        set_field(&r->rl_remaining, v);
    } else if ((v = header_value(p, len, "x-ratelimit-reset")) != NULL) {
        set_field(&r->rl_reset, v);
    } else if ((v = header_value(p, len, "x-github-sso")) != NULL) {
        set_field(&r->sso, v);
    }
    return len;
}

typedef struct upload_src {
    FILE *f;
} upload_src;

static size_t on_read(char *buf, size_t sz, size_t n, void *ud)
{
    upload_src *src = ud;
    size_t got = fread(buf, 1, sz * n, src->f);
    if (got == 0 && ferror(src->f))
        return CURL_READFUNC_ABORT;
    return got;
}

static int on_seek(void *ud, curl_off_t off, int origin)
{
    upload_src *src = ud;
    return fseeko(src->f, (off_t)off, origin) == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
}

static struct curl_slist *base_headers(const gh_client *c, const char *content_type)
{
    struct curl_slist *h = NULL;
    char line[1024];
    snprintf(line, sizeof line, "Accept: %s", c->accept);
    h = curl_slist_append(h, line);
    if (c->token && *c->token) {
        /* Built into a local buffer and wiped: the token is never logged. */
        size_t need = strlen(c->auth_scheme) + strlen(c->token) + 32;
        char *auth = malloc(need);
        if (auth) {
            snprintf(auth, need, "Authorization: %s %s", c->auth_scheme, c->token);
            h = curl_slist_append(h, auth);
            memset(auth, 0, need);
            free(auth);
        }
    }
    h = curl_slist_append(h, "X-GitHub-Api-Version: " GH_API_VERSION);
    /* No "Expect: 100-continue" round trip for large uploads. */
    h = curl_slist_append(h, "Expect:");
    if (content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", content_type);
        h = curl_slist_append(h, line);
    }
    return h;
}

static void prepare(gh_client *c, const char *method, const char *url, gh_response *out)
{
    CURL *cu = c->curl;
    memset(out, 0, sizeof *out);
    curl_easy_reset(cu);
    curl_easy_setopt(cu, CURLOPT_URL, url);
    curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(cu, CURLOPT_USERAGENT, GH_USER_AGENT);
    curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(cu, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(cu, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(cu, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, out->error);
    curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT, 30L);
    /* A stalled transfer (< 1 byte/s for 60 s) is a connection error. */
    curl_easy_setopt(cu, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(cu, CURLOPT_LOW_SPEED_TIME, 60L);
    /* Redirects would carry the token to another host: don't follow. */
    curl_easy_setopt(cu, CURLOPT_FOLLOWLOCATION, 0L);
    /* libcurl silently re-sends a request whose reused connection died
     * before any answer, POSTs included: a create or upload that worked
     * but lost its answer would then run twice (a second draft release;
     * seen in tests/github-release/faults.sh).  A POST gets a connection of
     * its own, so a lost answer reaches release.c, which re-reads first. */
    if (strcmp(method, "POST") == 0)
        curl_easy_setopt(cu, CURLOPT_FRESH_CONNECT, 1L);
}

static int finish(gh_client *c, CURLcode rc, gh_response *out)
{
    if (rc != CURLE_OK) {
        if (!out->error[0])
            snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(rc));
        out->status = 0;
        return -1;
    }
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &out->status);
    if (out->body && out->body_len)
        out->json = json_loadb(out->body, out->body_len, 0, NULL);
    return 0;
}

int gh_send(gh_client *c, const char *method, const char *url, const json_t *body,
            gh_response *out)
{
    prepare(c, method, url, out);
    char *payload = NULL;
    struct curl_slist *h = base_headers(c, body ? GH_JSON_CONTENT_TYPE : NULL);
    if (body) {
        payload = json_dumps(body, JSON_COMPACT);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, payload);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(payload));
    } else if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
    CURLcode rc = curl_easy_perform(c->curl);
    int ret = finish(c, rc, out);
    curl_slist_free_all(h);
    free(payload);
    return ret;
}

int gh_send_file(gh_client *c, const char *url, const char *path, const char *content_type,
                 gh_response *out)
{
    prepare(c, "POST", url, out);
    upload_src src = {.f = fopen(path, "rb")};
    if (!src.f) {
        snprintf(out->error, sizeof out->error, "%s: %s", path, strerror(errno));
        return -1;
    }
    fseeko(src.f, 0, SEEK_END);
    curl_off_t size = (curl_off_t)ftello(src.f);
    rewind(src.f);
    struct curl_slist *h = base_headers(c, content_type);
    curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(c->curl, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c->curl, CURLOPT_READDATA, &src);
    curl_easy_setopt(c->curl, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(c->curl, CURLOPT_SEEKDATA, &src);
    /* A known size gives Content-Length; GitHub refuses chunked uploads. */
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, size);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
    CURLcode rc = curl_easy_perform(c->curl);
    int ret = finish(c, rc, out);
    curl_slist_free_all(h);
    fclose(src.f);
    return ret;
}

/* Parse a whole decimal integer (64-bit); -1 on anything else. */
static long long parse_i64(const char *s)
{
    if (!s || !*s)
        return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    while (*end == ' ')
        end++;
    if (errno || *end || v < 0)
        return -1;
    return v;
}

static int is_rate_limited(const gh_response *r)
{
    if (r->status == 429)
        return 1;
    if (r->status == 403)
        return (r->rl_remaining && strcmp(r->rl_remaining, "0") == 0) || r->retry_after != NULL;
    return 0;
}

long long gh_rate_limit_wait(const gh_response *r, long long now)
{
    if (!is_rate_limited(r))
        return -1;
    long long ra = parse_i64(r->retry_after);
    if (ra >= 0)
        return ra;
    if (r->rl_remaining && strcmp(r->rl_remaining, "0") == 0) {
        long long reset = parse_i64(r->rl_reset);
        /* Epoch seconds within the next day are believable; anything else
         * (milliseconds, garbage, the past) is not: back off instead. */
        if (reset > now && reset - now <= 24 * 3600)
            return reset - now + 1;
        if (reset >= 0 && reset <= now && reset > now - 24 * 3600)
            return 1;
    }
    return -1;
}

int gh_transient(const gh_response *r)
{
    return r->status == 0 || r->status >= 500 || is_rate_limited(r);
}

static void sleep_s(double s)
{
    struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int gh_backoff(gh_client *c, const gh_response *r, int attempt)
{
    long long wait = gh_rate_limit_wait(r, (long long)time(NULL));
    double secs;
    if (wait >= 0) {
        if (wait > c->max_wait_s) {
            gh_log(&c->log, GH_ERROR,
                   "rate limited: GitHub asks to wait %lld s, more than max_wait (%ld s); giving up",
                   wait, c->max_wait_s);
            return -1;
        }
        secs = (double)wait;
        gh_log(&c->log, GH_WARN, "rate limited (HTTP %ld): waiting %lld s", r->status, wait);
    } else {
        double base = (double)c->backoff_ms / 1000.0;
        /* A secondary rate limit without a hint: wait at least a minute. */
        if (is_rate_limited(r) && base < 60.0)
            base = 60.0;
        secs = base;
        for (int i = 1; i < attempt && secs < (double)c->max_wait_s; i++)
            secs *= 2;
        if (secs > (double)c->max_wait_s)
            secs = (double)c->max_wait_s;
        if (r->status == 0)
            gh_log(&c->log, GH_WARN, "connection error (%s): retrying in %.2f s", r->error, secs);
        else
            gh_log(&c->log, GH_WARN, "HTTP %ld: retrying in %.2f s", r->status, secs);
    }
    sleep_s(secs);
    return 0;
}

int gh_call(gh_client *c, const char *method, const char *url, const json_t *body,
            gh_response *out)
{
    for (int attempt = 1;; attempt++) {
        gh_send(c, method, url, body, out);
        if (!gh_transient(out) || attempt >= c->attempts)
            return out->status ? 0 : -1;
        if (gh_backoff(c, out, attempt) != 0)
            return out->status ? 0 : -1;
        gh_response_free(out);
    }
}

char *gh_escape(const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~' || (keep_slash && *p == '/')) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

char *gh_upload_url(const char *tmpl, const char *name, const char *label)
{
    size_t base = strcspn(tmpl, "{");
    char *en = gh_escape(name, 0);
    char *el = label ? gh_escape(label, 0) : NULL;
    size_t need = base + strlen(en) + (el ? strlen(el) : 0) + 32;
    char *url = malloc(need);
    if (url) {
        if (el)
            snprintf(url, need, "%.*s?name=%s&label=%s", (int)base, tmpl, en, el);
        else
            snprintf(url, need, "%.*s?name=%s", (int)base, tmpl, en);
    }
    free(en);
    free(el);
    return url;
}

char *gh_repo_url(const gh_client *c, const char *repo, const char *suffix)
{
    size_t need = strlen(c->api_url) + strlen(repo) + strlen(suffix) + 16;
    char *url = malloc(need);
    if (url)
        snprintf(url, need, "%s/repos/%s%s", c->api_url, repo, suffix);
    return url;
}

static const char *json_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

char *gh_explain(const gh_response *r, const char *what, const char *repo)
{
    char msg[1024], detail[512] = "", hint404[512];
    const char *hint = "";
    if (r->status == 0) {
        snprintf(msg, sizeof msg, "%s: no response from GitHub (%s)", what, r->error);
        return strdup(msg);
    }
    const char *gh_msg = json_str(r->json, "message");
    if (!gh_msg)
        gh_msg = json_str(r->json, "error"); /* not GitHub: a test peer or a proxy */
    json_t *errs = json_object_get(r->json, "errors");
    size_t i;
    json_t *e;
    json_array_foreach(errs, i, e) {
        size_t len = strlen(detail);
        snprintf(detail + len, sizeof detail - len, "%s%s %s: %s", len ? "; " : " (",
                 json_str(e, "resource") ? json_str(e, "resource") : "",
                 json_str(e, "field") ? json_str(e, "field") : "",
                 json_str(e, "message") ? json_str(e, "message")
                                        : (json_str(e, "code") ? json_str(e, "code") : "?"));
    }
    if (detail[0] && strlen(detail) + 2 < sizeof detail)
        strcat(detail, ")");
    switch (r->status) {
    case 401:
        hint = "the token was rejected: it is invalid, expired or revoked "
               "(check GITHUB_TOKEN / GH_TOKEN or the `token` option)";
        break;
    case 403:
        if (r->sso)
            hint = "the organization uses SAML single sign-on: authorize the token for it";
        else if (gh_msg && strstr(gh_msg, "Resource not accessible by integration"))
            hint = "the Actions GITHUB_TOKEN lacks `permissions: contents: write`, or the target "
                   "commit changes .github/workflows/ and the token lacks the workflow permission";
        else
            hint = "the token lacks permission: it needs `contents: write` (fine-grained) or the "
                   "`repo` scope (classic), and SSO authorization for SAML organizations";
        break;
    case 404:
        snprintf(hint404, sizeof hint404,
                 "the repository %s does not exist or the token cannot see it: check `repo` "
                 "(owner/name), the token's access to it, and `api_url`; creating or updating "
                 "a release also gives 404 when the target commit changes .github/workflows/ "
                 "and the token lacks the workflow permission",
                 repo ? repo : "");
        hint = hint404;
        break;
    case 301:
    case 302:
    case 307:
    case 308:
        /* Not followed: a redirect would take the token along. */
        hint = "the repository was renamed or moved: set `repo` to its new owner/name";
        break;
    case 422:
        hint = "GitHub refused the request as invalid";
        break;
    default:
        break;
    }
    snprintf(msg, sizeof msg, "%s: HTTP %ld%s%s%s%s%s%s%s", what, r->status,
             gh_msg ? " \"" : "", gh_msg ? gh_msg : "", gh_msg ? "\"" : "", detail,
             *hint ? " — " : "", hint, "");
    return strdup(msg);
}

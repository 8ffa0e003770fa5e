/*
 * The legacy upload POST and index GETs over libcurl.  The distribution
 * file is attached with curl_mime_filedata(), so libcurl reads it from
 * disk as the request goes out: memory stays flat whatever its size.
 * Response bodies (capped) and the status line's reason phrase are kept
 * because the server's own text is the only useful error message ("File
 * already exists ...": PyPI sends it in both, Nexus only in the reason).
 */
#include "plugins/common/upload.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BODY_CAP (4u << 20) /* keep at most this much of a response */
#define UPLOAD_BUFFER (2L << 20)

typedef struct {
    s2n_http_resp *resp;
    size_t cap;
} sink;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    sink *s = ud;
    size_t len = sz * n, room;
    s2n_http_resp *r = s->resp;
    if (r->body_len >= BODY_CAP)
        return len; /* drop the rest, keep the connection going */
    room = BODY_CAP - r->body_len;
    if (len < room)
        room = len;
    if (r->body_len + room + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < r->body_len + room + 1)
            cap *= 2;
        char *b = realloc(r->body, cap);
        if (!b)
            return 0;
        r->body = b;
        s->cap = cap;
    }
    memcpy(r->body + r->body_len, p, room);
    r->body_len += room;
    r->body[r->body_len] = '\0';
    return len;
}

#define REASON_CAP 1024 /* a reason phrase longer than this is cut */

/* Status lines: keep the reason phrase of the last one (a redirect or a
 * "100 Continue" comes before the final answer).  Indexes put their
 * error message there (PyPI: "400 File already exists ..."). */
static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    s2n_http_resp *r = ud;
    size_t len = sz * n;
    if (len < 5 || memcmp(p, "HTTP/", 5) != 0)
        return len;
    const char *end = p + len, *q = memchr(p, ' ', len);
    if (!q)
        return len;
    q++;
    while (q < end && *q >= '0' && *q <= '9')
        q++;
    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    while (end > q && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t m = (size_t)(end - q) < REASON_CAP ? (size_t)(end - q) : REASON_CAP;
    char *reason = malloc(m + 1);
    if (!reason)
        return 0;
    for (size_t i = 0; i < m; i++) /* it ends up in logs: no control characters */
        reason[i] = (unsigned char)q[i] < 0x20 || q[i] == 0x7f ? '?' : q[i];
    reason[m] = '\0';
    free(r->reason);
    r->reason = reason;
    return len;
}

typedef struct {
    s2n_progress_fn fn;
    void *ud;
    s2n_http_resp *resp;
} progress_ctx;

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    progress_ctx *p = ud;
    p->resp->sent = (uint64_t)ulnow;
    if (p->fn)
        return p->fn(p->ud, (uint64_t)ulnow, (uint64_t)ultotal);
    return 0;
}

static void apply_conf(CURL *c, const s2n_http_conf *conf)
{
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, conf->connect_timeout > 0 ? conf->connect_timeout : 30L);
    if (conf->max_time > 0)
        curl_easy_setopt(c, CURLOPT_TIMEOUT, conf->max_time);
    /* A server that stops answering cannot hang us; a big upload over a
     * slow link that keeps moving is never cut short. */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, conf->timeout > 0 ? conf->timeout : 60L);
    if (conf->username || conf->password) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, conf->username ? conf->username : "");
        curl_easy_setopt(c, CURLOPT_PASSWORD, conf->password ? conf->password : "");
    }
    if (conf->cafile)
        curl_easy_setopt(c, CURLOPT_CAINFO, conf->cafile);
    if (conf->insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (conf->user_agent)
        curl_easy_setopt(c, CURLOPT_USERAGENT, conf->user_agent);
    /* Uploads are never redirected (twine: allow_redirects=False); a GET
     * may follow, but credentials stay with the original host. */
    curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85: the _STR forms */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
}

static int perform(CURL *c, s2n_http_resp *resp)
{
    sink s = {.resp = resp};
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, resp->error);
    resp->error[0] = '\0';
    resp->retry_after = -1;
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &resp->seconds);
    char *ct = NULL;
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
        resp->content_type = strdup(ct);
    curl_off_t ra = -1;
    if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
        resp->retry_after = (long)ra;
    if (!resp->body)
        resp->body = calloc(1, 1);
    if (!resp->reason)
        resp->reason = calloc(1, 1);
    if (rc != CURLE_OK) {
        resp->transport_error = (int)rc;
        if (!resp->error[0])
            snprintf(resp->error, sizeof resp->error, "%s", curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

/* State of one late field while libcurl reads it. */
typedef struct {
    const s2n_late_field *f;
    const char *text;
    size_t off;
} late_reader;

static size_t late_read(char *buf, size_t size, size_t nitems, void *arg)
{
    late_reader *lr = arg;
    if (!lr->text) {
        lr->text = lr->f->value(lr->f->ud, lr->f->name);
        if (!lr->text || strlen(lr->text) != lr->f->len)
            return CURL_READFUNC_ABORT;
    }
    size_t n = size * nitems, left = lr->f->len - lr->off;
    if (n > left)
        n = left;
    memcpy(buf, lr->text + lr->off, n);
    lr->off += n;
    return n;
}

static int late_seek(void *arg, curl_off_t offset, int origin)
{
    late_reader *lr = arg;
    if (origin != SEEK_SET || offset < 0 || (size_t)offset > lr->f->len)
        return CURL_SEEKFUNC_CANTSEEK;
    lr->off = (size_t)offset; /* a rewind (resend) reads the same text */
    return CURL_SEEKFUNC_OK;
}

int s2n_upload_post(const char *url, const s2n_http_conf *conf, const s2n_form_field *fields,
                    size_t nfields, const char *file_field, const char *file_path,
                    const s2n_late_field *late, size_t nlate, s2n_progress_fn progress,
                    void *ud, s2n_http_resp *resp)
{
    late_reader readers[8];
    if (nlate > sizeof readers / sizeof *readers) {
        memset(resp, 0, sizeof *resp);
        resp->transport_error = CURLE_BAD_FUNCTION_ARGUMENT;
        snprintf(resp->error, sizeof resp->error, "too many late fields");
        return -1;
    }
    memset(resp, 0, sizeof *resp);
    CURL *c = curl_easy_init();
    if (!c) {
        resp->transport_error = CURLE_FAILED_INIT;
        snprintf(resp->error, sizeof resp->error, "cannot initialise libcurl");
        return -1;
    }
    curl_mime *mime = curl_mime_init(c);
    for (size_t i = 0; i < nfields; i++) {
        curl_mimepart *part = curl_mime_addpart(mime);
        curl_mime_name(part, fields[i].name);
        curl_mime_data(part, fields[i].value ? fields[i].value : "", CURL_ZERO_TERMINATED);
    }
    int rc = -1;
    if (file_path) {
        curl_mimepart *part = curl_mime_addpart(mime);
        curl_mime_name(part, file_field ? file_field : "content");
        if (curl_mime_filedata(part, file_path) != CURLE_OK) {
            resp->transport_error = CURLE_READ_ERROR;
            snprintf(resp->error, sizeof resp->error, "cannot read %s", file_path);
            goto out;
        }
        const char *base = strrchr(file_path, '/');
        curl_mime_filename(part, base ? base + 1 : file_path);
        curl_mime_type(part, "application/octet-stream");
    }
    for (size_t i = 0; i < nlate; i++) {
        readers[i] = (late_reader){.f = &late[i]};
        curl_mimepart *part = curl_mime_addpart(mime);
        curl_mime_name(part, late[i].name);
        curl_mime_data_cb(part, (curl_off_t)late[i].len, late_read, late_seek, NULL, &readers[i]);
    }
    apply_conf(c, conf);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    /* libcurl's largest upload buffer: a 200 MB file goes out in 100
     * reads and sends instead of 3200 (half the CPU of `curl -F`'s 64 KB
     * on loopback), for 2 MB of memory. */
    curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, UPLOAD_BUFFER);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    /* No "Expect: 100-continue" round trip: requests does not send it
     * and small uploads would wait for it. */
    struct curl_slist *hdrs = curl_slist_append(NULL, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    progress_ctx pc = {.fn = progress, .ud = ud, .resp = resp};
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &pc);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    rc = perform(c, resp);
    curl_slist_free_all(hdrs);
out:
    curl_mime_free(mime);
    curl_easy_cleanup(c);
    return rc;
}

int s2n_http_get(const char *url, const s2n_http_conf *conf, const char *accept,
                 s2n_http_resp *resp)
{
    memset(resp, 0, sizeof *resp);
    CURL *c = curl_easy_init();
    if (!c) {
        resp->transport_error = CURLE_FAILED_INIT;
        snprintf(resp->error, sizeof resp->error, "cannot initialise libcurl");
        return -1;
    }
    apply_conf(c, conf);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    struct curl_slist *hdrs = NULL;
    char *line = NULL;
    if (accept) {
        size_t n = strlen(accept) + 16;
        line = malloc(n);
        if (line) {
            snprintf(line, n, "Accept: %s", accept);
            hdrs = curl_slist_append(hdrs, line);
        }
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    int rc = perform(c, resp);
    curl_slist_free_all(hdrs);
    free(line);
    curl_easy_cleanup(c);
    return rc;
}

void s2n_http_resp_free(s2n_http_resp *resp)
{
    if (!resp)
        return;
    free(resp->body);
    free(resp->content_type);
    free(resp->reason);
    resp->body = resp->content_type = resp->reason = NULL;
}

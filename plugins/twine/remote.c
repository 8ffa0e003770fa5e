/*
 * Remote publishing with the idempotence rules of the twine stage:
 *
 *  - Before sending, the simple index is asked for the file: the same
 *    sha256 already there counts as done; another sha256 under the same
 *    name is a conflict (or a skip with skip_existing).
 *  - 200 is success, also for a byte-identical re-upload.
 *  - 400 "File already exists" (or 409) after a retry or a race: the index
 *    is asked again, so a first attempt that did land is not an error.
 *  - Connection errors, 5xx and 429 are retried with exponential backoff
 *    and jitter (Retry-After wins for 429/503); other 4xx never are.
 */
#include "config.h"

#include "plugins/twine/remote.h"

#include "plugins/common/hash.h"
#include "plugins/common/names.h"

#include <ctype.h>
#include <errno.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define BACKOFF_BASE 0.5   /* seconds before the first retry */
#define BACKOFF_CAP 30.0
#define RETRY_AFTER_CAP 300L

static double jitter(void)
{
    static unsigned seed;
    if (!seed)
        seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    return (double)rand_r(&seed) / RAND_MAX; /* [0, 1] */
}

static void sleep_seconds(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* The server's text, one line, bounded: tags dropped, blanks squeezed. */
static void server_text(const char *body, char *out, size_t cap)
{
    size_t o = 0;
    int in_tag = 0, space = 1;
    for (const char *p = body ? body : ""; *p && o + 4 < cap; p++) {
        if (*p == '<') {
            in_tag = 1;
            continue;
        }
        if (in_tag) {
            if (*p == '>') {
                in_tag = 0;
                if (!space)
                    out[o++] = ' ', space = 1;
            }
            continue;
        }
        if (isspace((unsigned char)*p)) {
            if (!space)
                out[o++] = ' ';
            space = 1;
            continue;
        }
        out[o++] = *p;
        space = 0;
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    if (!o)
        snprintf(out, cap, "(empty response body)");
}

static int url_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (o + 1 >= cap)
            return -1;
        if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
            isxdigit((unsigned char)s[i + 2])) {
            char hx[3] = {s[i + 1], s[i + 2], 0};
            out[o++] = (char)strtol(hx, NULL, 16);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return 0;
}

/* PEP 503 page: find <a href="...file_name#sha256=HEX">. */
static int lookup_html(const char *html, const char *file_name, char *out)
{
    for (const char *p = html; (p = strstr(p, "href")); p += 4) {
        const char *q = p + 4;
        while (isspace((unsigned char)*q))
            q++;
        if (*q != '=')
            continue;
        q++;
        while (isspace((unsigned char)*q))
            q++;
        char quote = (*q == '"' || *q == '\'') ? *q++ : 0;
        const char *end = q;
        while (*end && (quote ? *end != quote : !isspace((unsigned char)*end) && *end != '>'))
            end++;
        /* &amp; is the only entity that appears in such URLs. */
        char url[2048];
        size_t n = 0;
        for (const char *s = q; s < end && n + 1 < sizeof url; s++) {
            if (strncmp(s, "&amp;", 5) == 0 && s + 5 <= end) {
                url[n++] = '&';
                s += 4;
            } else {
                url[n++] = *s;
            }
        }
        url[n] = '\0';
        char *frag = strchr(url, '#');
        if (frag)
            *frag++ = '\0';
        char *qs = strchr(url, '?');
        if (qs)
            *qs = '\0';
        const char *base = strrchr(url, '/');
        base = base ? base + 1 : url;
        char dec[1024];
        if (url_decode(base, strlen(base), dec, sizeof dec) != 0 || strcmp(dec, file_name) != 0)
            continue;
        if (frag && strncmp(frag, "sha256=", 7) == 0 && strlen(frag + 7) == 64) {
            for (int i = 0; i < 64; i++)
                out[i] = (char)tolower((unsigned char)frag[7 + i]);
            out[64] = '\0';
            return 1;
        }
        out[0] = '\0';
        return 1; /* listed, hash unknown */
    }
    return 0;
}

static int lookup_json(const char *text, const char *file_name, char *out)
{
    json_t *doc = json_loads(text, 0, NULL);
    size_t i;
    json_t *f;
    int found = 0;
    json_array_foreach(json_object_get(doc, "files"), i, f)
    {
        const char *fn = json_string_value(json_object_get(f, "filename"));
        if (!fn || strcmp(fn, file_name) != 0)
            continue;
        const char *sha = json_string_value(json_object_get(json_object_get(f, "hashes"), "sha256"));
        snprintf(out, 65, "%s", sha ? sha : "");
        found = 1;
        break;
    }
    json_decref(doc);
    return found;
}

int twine_index_lookup(const twine_target *t, const char *project, const char *file_name,
                       char *out, char *why, size_t whycap)
{
    char norm[256];
    out[0] = '\0';
    if (!t->index_url) {
        snprintf(why, whycap, "no simple index known for this repository");
        return -1;
    }
    s2n_name_normalize(project, norm, sizeof norm);
    size_t n = strlen(t->index_url) + strlen(norm) + 4;
    char *url = malloc(n);
    if (!url)
        return -1;
    snprintf(url, n, "%s%s%s/", t->index_url,
             t->index_url[strlen(t->index_url) - 1] == '/' ? "" : "/", norm);
    s2n_http_conf conf = t->http;
    conf.max_time = conf.timeout > 0 && conf.timeout < 60 ? conf.timeout : 60;
    s2n_http_resp r;
    int rc = -1;
    if (s2n_http_get(url, &conf, "application/vnd.pypi.simple.v1+json, text/html;q=0.1", &r) != 0) {
        snprintf(why, whycap, "%s: %s", url, r.error);
    } else if (r.status == 404) {
        rc = 0;
    } else if (r.status != 200) {
        snprintf(why, whycap, "%s: HTTP %ld", url, r.status);
    } else if (r.content_type && strstr(r.content_type, "json")) {
        rc = lookup_json(r.body, file_name, out);
    } else {
        rc = lookup_html(r.body, file_name, out);
    }
    s2n_http_resp_free(&r);
    free(url);
    return rc;
}

typedef struct {
    s2n_stage *st;
    const s2n_host *h;
    const char *name;
    double last;
    int shown_all;
    struct timespec start;
} progress_state;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void human(double bytes, char *out, size_t cap)
{
    const char *u[] = {"B", "KB", "MB", "GB"};
    int i = 0;
    while (bytes >= 1000 && i < 3)
        bytes /= 1000, i++;
    snprintf(out, cap, i ? "%.1f %s" : "%.0f %s", bytes, u[i]);
}

/* One progress update: text ended by '\r', which the core draws in place
 * on the user's terminal (and never logs).  At most ten a second. */
static int on_progress(void *ud, uint64_t sent, uint64_t total)
{
    progress_state *p = ud;
    double t = now_s();
    if (!total || !sent || p->shown_all || (t - p->last < 0.1 && sent != total))
        return 0; /* nothing yet, waiting for the answer, or too soon */
    p->last = t;
    p->shown_all = sent == total;
    double el = t - ((double)p->start.tv_sec + p->start.tv_nsec / 1e9);
    char a[32], b[32], r[32], line[512];
    human((double)sent, a, sizeof a);
    human((double)total, b, sizeof b);
    human(el > 0 ? (double)sent / el : 0, r, sizeof r);
    int n = snprintf(line, sizeof line, "%s: %s / %s (%d%%)  %s/s\r", p->name, a, b,
                     (int)(sent * 100 / total), r);
    if (n > 0)
        (void)!write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    return 0;
}

static int retryable_transport(int code)
{
    switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_READ_ERROR:
    case CURLE_FILE_COULDNT_READ_FILE:
    case CURLE_LOGIN_DENIED:
        return 0;
    default:
        return 1;
    }
}

/* "File already exists" and friends: the server holds this name. */
static int says_exists(long status, const char *body)
{
    if (status == 409)
        return 1;
    if (status != 400 || !body)
        return 0;
    return strcasestr(body, "File already exists") || strcasestr(body, "filename has already been used");
}

static void set_hex(twine_dist *d, const s2n_digests *dg)
{
    s2n_hex(dg->sha256, 32, d->sha256);
    s2n_hex(dg->md5, 16, d->md5);
    s2n_hex(dg->blake2b_256, 32, d->blake2);
    if (!(dg->have & S2N_DIGEST_MD5))
        d->md5[0] = '\0';
    if (!(dg->have & S2N_DIGEST_BLAKE2))
        d->blake2[0] = '\0';
    d->size = dg->size;
    d->digests = *dg;
    d->have_digests = 1;
}

int twine_dist_digests(twine_dist *d)
{
    if (d->have_digests)
        return 0;
    s2n_digests dg;
    int rc;
    if (d->job) {
        rc = twine_digests_finish(d->job, &dg);
        d->job = NULL;
    } else {
        rc = twine_digests_parallel(d->path, d->want, &dg);
    }
    if (rc != 0)
        return rc;
    set_hex(d, &dg);
    if (d->expect_sha256[0] && strcmp(d->expect_sha256, d->sha256) != 0) {
        d->changed = 1;
        errno = EILSEQ;
        return -1;
    }
    return 0;
}

const char *twine_dist_digest_error(const twine_dist *d, char *buf, size_t cap)
{
    if (d->changed)
        snprintf(buf, cap,
                 "%s changed after stage '%s' declared it (sha256 %s then, %s now): "
                 "refusing to publish what was not built and tested",
                 d->path, d->expect_from ? d->expect_from : "?", d->expect_sha256, d->sha256);
    else
        snprintf(buf, cap, "%s: %s", d->path, strerror(errno));
    return buf;
}

/* Values of the digest fields sent after the file: waiting here for the
 * hashing threads is what overlaps hashing with sending. */
static const char *late_digest(void *ud, const char *name)
{
    twine_dist *d = ud;
    if (twine_dist_digests(d) != 0 || d->changed)
        return NULL; /* aborts the request before the server has it all */
    if (strcmp(name, "sha256_digest") == 0)
        return d->sha256;
    if (strcmp(name, "md5_digest") == 0)
        return d->md5;
    return d->blake2;
}

twine_outcome twine_remote_publish(s2n_stage *st, const s2n_host *h, const twine_target *t,
                                   twine_dist *d)
{
    char idx[65], why[512];
    /* A large file starts hashing now, so the index round trip overlaps
     * with it (and the upload with what is left). */
    if (d->deferred && !d->have_digests && !d->job)
        d->job = twine_digests_start(d->path, d->want); /* NULL: hashed when needed */
    int known = twine_index_lookup(t, d->project, d->file_name, idx, why, sizeof why);
    if (known < 0 && t->index_url)
        h->log(st, S2N_LOG_WARN, "%s: could not ask the index first (%s); uploading anyway",
               d->file_name, why);
    char msg[1024];
    if (known == 1 && *idx && twine_dist_digests(d) != 0) {
        h->log(st, S2N_LOG_ERROR, "%s", twine_dist_digest_error(d, msg, sizeof msg));
        return TWINE_FAILED;
    }
    if (known == 1 && *idx) {
        if (strcmp(idx, d->sha256) == 0) {
            h->log(st, S2N_LOG_INFO, "%s: already on the index with the same sha256 %s: nothing to do",
                   d->file_name, d->sha256);
            return TWINE_PRESENT;
        }
        if (t->skip_existing) {
            h->log(st, S2N_LOG_WARN,
                   "%s: skipped (skip_existing): the index already has a file of this name "
                   "with other bytes (index sha256 %s, ours %s)",
                   d->file_name, idx, d->sha256);
            return TWINE_SKIPPED;
        }
        h->log(st, S2N_LOG_ERROR,
               "%s: File already exists on the index with different content: index sha256 %s, "
               "this file sha256 %s. Bump the version; an index never takes a file name twice.",
               d->file_name, idx, d->sha256);
        return TWINE_FAILED;
    }

    s2n_late_field late[3];
    size_t nlate = 0;
    if (d->deferred) {
        late[nlate++] = (s2n_late_field){.name = "sha256_digest", .len = 64, .value = late_digest, .ud = d};
        if (d->want & S2N_DIGEST_MD5)
            late[nlate++] = (s2n_late_field){.name = "md5_digest", .len = 32, .value = late_digest, .ud = d};
        if (d->want & S2N_DIGEST_BLAKE2)
            late[nlate++] =
                (s2n_late_field){.name = "blake2_256_digest", .len = 64, .value = late_digest, .ud = d};
    }
    double start = now_s();
    for (int attempt = 0;; attempt++) {
        progress_state ps = {.st = st, .h = h, .name = d->file_name};
        clock_gettime(CLOCK_MONOTONIC, &ps.start);
        s2n_http_resp r;
        int rc = s2n_upload_post(t->upload_url, &t->http, d->form.fields, d->form.n, "content",
                                 d->path, late, nlate,
                                 t->tty ? on_progress : NULL, &ps, &r);
        /* However the request ended, the digests are needed from here on
         * (messages, the index check) and the threads must not outlive it. */
        if (twine_dist_digests(d) != 0 || d->changed) {
            h->log(st, S2N_LOG_ERROR, "%s", twine_dist_digest_error(d, msg, sizeof msg));
            if (rc == 0 && r.status >= 200 && r.status < 300)
                h->log(st, S2N_LOG_ERROR, "%s: the server accepted it anyway", d->file_name);
            s2n_http_resp_free(&r);
            return TWINE_FAILED;
        }
        double delay = -1;
        char text[900];
        if (rc != 0) {
            if (!retryable_transport(r.transport_error) || attempt >= t->retries) {
                int tls = r.transport_error == CURLE_PEER_FAILED_VERIFICATION ||
                          r.transport_error == CURLE_SSL_CACERT_BADFILE;
                h->log(st, S2N_LOG_ERROR, "%s: upload to %s failed: %s%s%s", d->file_name,
                       t->upload_url, r.error, attempt ? " (after retries)" : "",
                       tls ? " (give the CA bundle with cert: or TWINE_CERT)" : "");
                /* Network blips may pass; a stage-level retry may help. */
                if (retryable_transport(r.transport_error))
                    h->set_retryable(st, 1);
                s2n_http_resp_free(&r);
                return TWINE_FAILED;
            }
            snprintf(text, sizeof text, "%s", r.error);
        } else if (r.status >= 200 && r.status < 300) {
            double el = now_s() - start;
            char sz[32], rate[32];
            human((double)d->size, sz, sizeof sz);
            human(el > 0 ? (double)d->size / el : 0, rate, sizeof rate);
            h->log(st, S2N_LOG_INFO, "uploaded %s (%s) in %.2f s (%s/s)%s", d->file_name, sz, el,
                   rate, attempt ? " after retrying" : "");
            s2n_http_resp_free(&r);
            return TWINE_UPLOADED;
        } else {
            server_text(r.body, text, sizeof text);
            if (says_exists(r.status, r.body)) {
                s2n_http_resp_free(&r);
                /* A retry of an upload that did land, or a race: ask. */
                int k = twine_index_lookup(t, d->project, d->file_name, idx, why, sizeof why);
                if (k == 1 && strcmp(idx, d->sha256) == 0) {
                    h->log(st, S2N_LOG_INFO, "%s: already on the index with the same sha256: nothing to do",
                           d->file_name);
                    return TWINE_PRESENT;
                }
                if (t->skip_existing) {
                    h->log(st, S2N_LOG_WARN, "%s: skipped (skip_existing): HTTP %ld: %s",
                           d->file_name, r.status, text);
                    return TWINE_SKIPPED;
                }
                if (k == 1 && *idx)
                    h->log(st, S2N_LOG_ERROR,
                           "%s: File already exists on the index with different content: index "
                           "sha256 %s, this file sha256 %s (server said: HTTP %ld: %s)",
                           d->file_name, idx, d->sha256, r.status, text);
                else
                    h->log(st, S2N_LOG_ERROR,
                           "%s: the index refused it: HTTP %ld: %s (this file: sha256 %s%s%s)",
                           d->file_name, r.status, text, d->sha256,
                           *d->blake2 ? ", blake2_256 " : "", d->blake2);
                return TWINE_FAILED;
            }
            int retry = r.status == 429 || r.status >= 500;
            if (!retry || attempt >= t->retries) {
                h->log(st, S2N_LOG_ERROR, "%s: upload to %s failed: HTTP %ld: %s%s", d->file_name,
                       t->upload_url, r.status, text, retry ? " (no retries left)" : "");
                if (r.status == 403 || r.status == 401)
                    h->log(st, S2N_LOG_ERROR, "check username/password (or token; its username is __token__)");
                if (retry)
                    h->set_retryable(st, 1);
                s2n_http_resp_free(&r);
                return TWINE_FAILED;
            }
            if (r.retry_after >= 0)
                delay = (double)(r.retry_after > RETRY_AFTER_CAP ? RETRY_AFTER_CAP : r.retry_after);
            char tmp[sizeof text];
            memcpy(tmp, text, sizeof tmp);
            snprintf(text, sizeof text, "HTTP %ld: %.800s", r.status, tmp);
        }
        s2n_http_resp_free(&r);
        if (delay < 0) {
            double base = BACKOFF_BASE * (double)(1u << (attempt < 10 ? attempt : 10));
            if (base > BACKOFF_CAP)
                base = BACKOFF_CAP;
            delay = base * (0.5 + jitter()); /* full spread: retries of many jobs don't align */
        }
        h->log(st, S2N_LOG_WARN, "%s: %s; retry %d of %d in %.1f s", d->file_name, text,
               attempt + 1, t->retries, delay);
        sleep_seconds(delay);
    }
}

/*
 * Remote publishing with the idempotence rules of the twine stage:
 *
 *  - Before sending, the simple index is asked for the file: the same
 *    sha256 already there counts as done; another sha256 under the same
 *    name is a conflict (or a skip with skip_existing).
 *  - 200 is success, also for a byte-identical re-upload.
 *  - An answer twine 4.0.2 reads as "the name is taken" (409; 400 with
 *    "already exist" or "updating asset"; 403 "overwrite artifact"; 400
 *    "already been taken") after a retry or a race: the index is asked
 *    again, so a first attempt that did land is not an error; with
 *    skip_existing the file is skipped.
 *  - Connection errors, 5xx and 429 are retried with exponential backoff
 *    and jitter (Retry-After wins for 429/503); other 4xx never are.
 */
#include "config.h"

#include "plugins/twine/remote.h"

#include "plugins/common/hash.h"
#include "plugins/common/html.h"
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

/* Tags that end a piece of text (a title, a heading, a paragraph). */
static int block_tag(const char *name, size_t n)
{
    static const char *blocks[] = {"title", "h1", "h2", "h3", "h4", "h5", "h6", "p", "br",
                                   "div", "li", "ul", "ol", "tr", "td", "th", "table",
                                   "body", "head", "html", "hr", "pre", "dt", "dd",
                                   "section", "header", "footer", "main", "blockquote"};
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
        if (strlen(blocks[i]) == n && strncasecmp(blocks[i], name, n) == 0)
            return 1;
    return 0;
}

/* The body as pieces of text separated by '\n', blanks squeezed: for
 * HTML, tags dropped (block tags separate pieces), scripts and styles
 * skipped, entities decoded; for other text, its lines. */
static void body_pieces(const char *body, int html, char *out, size_t cap)
{
    size_t o = 0;
    body = body ? body : "";
    const char *lim = body + strlen(body);
    for (const char *p = body; *p && o + 8 < cap; p++) {
        char ch[4];
        size_t nch = 1, used = 1;
        ch[0] = *p;
        if (html && *p == '<') {
            if (strncmp(p, "<!--", 4) == 0) {
                const char *e = strstr(p + 4, "-->");
                if (!e)
                    break;
                p = e + 2;
                continue;
            }
            const char *q = p + 1 + (p[1] == '/');
            size_t n = 0;
            while (isalnum((unsigned char)q[n]))
                n++;
            const char *gt = strchr(q, '>');
            if (!gt)
                break;
            int closing = p[1] == '/';
            if (!closing && ((n == 6 && strncasecmp(q, "script", 6) == 0) ||
                             (n == 5 && strncasecmp(q, "style", 5) == 0))) {
                const char *e = strcasestr(gt, n == 6 ? "</script" : "</style");
                if (!e || !(gt = strchr(e, '>')))
                    break;
            }
            ch[0] = block_tag(q, n) ? '\n' : ' ';
            p = gt;
        } else if (html && *p == '&') {
            nch = s2n_html_entity(p, lim, ch, &used);
            if (!nch)
                nch = 1, used = 1;
            p += used - 1;
        } else if (*p == '\n' && !html) {
            ch[0] = '\n';
        } else if (isspace((unsigned char)*p) || (unsigned char)*p < 0x20) {
            ch[0] = ' ';
        }
        if (nch == 1 && (ch[0] == ' ' || ch[0] == '\n')) {
            while (o && out[o - 1] == ' ')
                o--; /* no blank before a break, no two blanks */
            if (ch[0] == ' ' && (!o || out[o - 1] == '\n'))
                continue;
            if (ch[0] == '\n' && (!o || out[o - 1] == '\n'))
                continue;
        }
        memcpy(out + o, ch, nch);
        o += nch;
    }
    while (o && (out[o - 1] == ' ' || out[o - 1] == '\n'))
        o--;
    out[o] = '\0';
}

static int looks_html(const s2n_http_resp *r)
{
    if (r->content_type && strcasestr(r->content_type, "html"))
        return 1;
    const char *p = r->body ? r->body : "";
    while (isspace((unsigned char)*p))
        p++;
    return strncasecmp(p, "<!doctype html", 14) == 0 || strncasecmp(p, "<html", 5) == 0;
}

/* The server's own words for an answer, one line, bounded:
 * "HTTP 400 <reason phrase>: <body text>".  Each piece of text is said
 * once: PyPI repeats its message in the reason, the <title>, the <h1> and
 * the body, and prefixes some with the status number. */
static void server_text(const s2n_http_resp *r, char *out, size_t cap)
{
    char pieces[2048];
    const char *kept[33];
    int n = 0;
    body_pieces(r->body, looks_html(r), pieces, sizeof pieces);
    char status[16];
    int sl = snprintf(status, sizeof status, "%ld", r->status);
    const char *reason = r->reason ? r->reason : "";
    while (*reason == ' ')
        reason++;
    int reason_kept = *reason != '\0';
    for (char *p = pieces, *next; p && *p; p = next) {
        next = strchr(p, '\n');
        if (next)
            *next++ = '\0';
        /* "400 Bad Request": the status is said already. */
        if (strncmp(p, status, (size_t)sl) == 0 && (p[sl] == ' ' || p[sl] == '\0'))
            p += sl + (p[sl] == ' ');
        if (!*p || (reason_kept && strcasestr(reason, p)))
            continue;
        int dup = 0;
        for (int i = 0; i < n && !dup; i++)
            dup = strcasestr(kept[i], p) != NULL;
        if (dup)
            continue;
        for (int i = 0; i < n;) /* a shorter piece this one repeats goes */
            if (strcasestr(p, kept[i]))
                memmove(&kept[i], &kept[i + 1], (size_t)(--n - i) * sizeof *kept);
            else
                i++;
        if (reason_kept && strcasestr(p, reason))
            reason_kept = 0;
        if (n < 32)
            kept[n++] = p;
    }
    size_t o = (size_t)snprintf(out, cap, "HTTP %ld%s%s", r->status, reason_kept ? " " : "",
                                reason_kept ? reason : "");
    for (int i = 0; i < n && o + 1 < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? " " : ": ", kept[i]);
    if (!n && !reason_kept && o + 1 < cap)
        snprintf(out + o, cap - o, ": (empty response body)");
    /* snprintf cut it short where it did not fit: out stays terminated. */
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

/* twine 4.0.2's skip_upload(): the answers that mean "this file name is
 * taken" on the indexes twine knows.  Exactly those (with skip_existing a
 * file is left alone only where twine would leave it). */
static int says_exists(long status, const char *reason, const char *body)
{
    reason = reason ? reason : "";
    body = body ? body : "";
    return status == 409 /* pypiserver */
           /* PyPI, TestPyPI, GCP Artifact Registry */
           || (status == 400 && (strcasestr(reason, "already exist") || strcasestr(body, "already exist")))
           /* Nexus */
           || (status == 400 && (strcasestr(reason, "updating asset") || strcasestr(body, "updating asset")))
           || (status == 403 && strcasestr(body, "overwrite artifact")) /* Artifactory */
           || (status == 400 && strcasestr(body, "already been taken")); /* GitLab */
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
    /* An index the user named must answer; one guessed from the upload
     * URL may simply not exist there. */
    if (known < 0 && t->index_url)
        h->log(st, t->index_guessed ? S2N_LOG_DEBUG : S2N_LOG_WARN,
               "%s: could not ask the %s first (%s); uploading anyway", d->file_name,
               t->index_guessed ? "guessed simple index" : "index", why);
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
            server_text(&r, text, sizeof text);
            if (says_exists(r.status, r.reason, r.body)) {
                s2n_http_resp_free(&r);
                /* A retry of an upload that did land, or a race: ask. */
                int k = twine_index_lookup(t, d->project, d->file_name, idx, why, sizeof why);
                if (k == 1 && strcmp(idx, d->sha256) == 0) {
                    h->log(st, S2N_LOG_INFO, "%s: already on the index with the same sha256: nothing to do",
                           d->file_name);
                    return TWINE_PRESENT;
                }
                if (t->skip_existing) {
                    h->log(st, S2N_LOG_WARN, "%s: skipped (skip_existing): %s", d->file_name, text);
                    return TWINE_SKIPPED;
                }
                if (k == 1 && *idx)
                    h->log(st, S2N_LOG_ERROR,
                           "%s: File already exists on the index with different content: index "
                           "sha256 %s, this file sha256 %s (server said: %s)",
                           d->file_name, idx, d->sha256, text);
                else
                    h->log(st, S2N_LOG_ERROR,
                           "%s: the index refused it: %s (this file: sha256 %s%s%s)",
                           d->file_name, text, d->sha256,
                           *d->blake2 ? ", blake2_256 " : "", d->blake2);
                return TWINE_FAILED;
            }
            int retry = r.status == 429 || r.status >= 500;
            if (!retry || attempt >= t->retries) {
                h->log(st, S2N_LOG_ERROR, "%s: upload to %s failed: %s%s", d->file_name,
                       t->upload_url, text, retry ? " (no retries left)" : "");
                if (r.status == 403 || r.status == 401)
                    h->log(st, S2N_LOG_ERROR, "check username/password (or token; its username is __token__)");
                if (retry)
                    h->set_retryable(st, 1);
                s2n_http_resp_free(&r);
                return TWINE_FAILED;
            }
            if (r.retry_after >= 0)
                delay = (double)(r.retry_after > RETRY_AFTER_CAP ? RETRY_AFTER_CAP : r.retry_after);
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

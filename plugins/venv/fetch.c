/*
 * libcurl does the HTTP; this file only wires it to files and buffers.
 * Proxies and CA settings come from the usual curl environment variables
 * (https_proxy, CURL_CA_BUNDLE...), which libcurl honours itself.
 */
#include "config.h"

#include "plugins/venv/fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FETCH_PARALLEL 8

static void curl_once(void)
{
    static int done;
    if (!done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        done = 1;
    }
}

static void common_opts(CURL *c, const char *url)
{
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "s2nbuild-venv/1");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
}

typedef struct membuf {
    char *s;
    size_t len, cap;
} membuf;

static size_t to_mem(char *p, size_t size, size_t n, void *ud)
{
    membuf *b = ud;
    size_t add = size * n;
    if (b->len + add + 1 > b->cap) {
        size_t nc = (b->len + add + 1) * 2;
        char *ns = realloc(b->s, nc);
        if (!ns)
            return 0;
        b->s = ns, b->cap = nc;
    }
    memcpy(b->s + b->len, p, add);
    b->len += add;
    b->s[b->len] = '\0';
    return add;
}

int s2n_fetch_text(const char *url, const char *accept, char **body, size_t *len,
                   char **final_url, char **content_type, char *err, size_t errcap)
{
    curl_once();
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errcap, "cannot start libcurl");
        return -1;
    }
    membuf b = {0};
    char cerr[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    if (accept) {
        char *h = NULL;
        if (asprintf(&h, "Accept: %s", accept) >= 0) {
            hdrs = curl_slist_append(NULL, h);
            free(h);
        }
    }
    common_opts(c, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, to_mem);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    int ok = rc == CURLE_OK && status >= 200 && status < 300;
    if (!ok) {
        if (rc != CURLE_OK)
            snprintf(err, errcap, "%s: %s", url, cerr[0] ? cerr : curl_easy_strerror(rc));
        else
            snprintf(err, errcap, "%s: HTTP %ld", url, status);
        free(b.s);
    } else {
        char *eff = NULL, *ct = NULL;
        curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
        curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
        if (final_url)
            *final_url = strdup(eff ? eff : url);
        if (content_type)
            *content_type = ct ? strdup(ct) : NULL;
        *body = b.s ? b.s : strdup("");
        if (len)
            *len = b.len;
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
    return ok ? 0 : -1;
}

typedef struct job {
    CURL *c;
    FILE *f;
    char tmp[4096];
    const char *dest, *url;
    char cerr[CURL_ERROR_SIZE];
} job;

static int start(CURLM *m, job *j, const char *url, const char *dest, char *err, size_t errcap)
{
    j->url = url;
    j->dest = dest;
    snprintf(j->tmp, sizeof j->tmp, "%s.part-%ld", dest, (long)getpid());
    j->f = fopen(j->tmp, "wb");
    if (!j->f) {
        snprintf(err, errcap, "%s: %s", j->tmp, strerror(errno));
        return -1;
    }
    j->c = curl_easy_init();
    j->cerr[0] = '\0';
    common_opts(j->c, url);
    curl_easy_setopt(j->c, CURLOPT_WRITEDATA, j->f);
    curl_easy_setopt(j->c, CURLOPT_ERRORBUFFER, j->cerr);
    curl_easy_setopt(j->c, CURLOPT_PRIVATE, j);
    curl_multi_add_handle(m, j->c);
    return 0;
}

int s2n_fetch_files(const char *const *urls, const char *const *dests, size_t n, char *err,
                    size_t errcap)
{
    if (n == 0)
        return 0;
    curl_once();
    CURLM *m = curl_multi_init();
    job *jobs = calloc(n, sizeof *jobs);
    size_t next = 0, running = 0;
    int failed = 0;
    while (!failed && next < n && running < FETCH_PARALLEL) {
        if (start(m, &jobs[next], urls[next], dests[next], err, errcap) != 0)
            failed = 1;
        else
            running++;
        next++;
    }
    while (running > 0) {
        int still = 0;
        curl_multi_perform(m, &still);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            job *j = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            long status = 0;
            curl_easy_getinfo(j->c, CURLINFO_RESPONSE_CODE, &status);
            int closed = fclose(j->f) == 0;
            j->f = NULL;
            if (msg->data.result != CURLE_OK || status < 200 || status >= 300 || !closed) {
                if (!failed) {
                    if (msg->data.result != CURLE_OK)
                        snprintf(err, errcap, "download of %s failed: %s", j->url,
                                 j->cerr[0] ? j->cerr : curl_easy_strerror(msg->data.result));
                    else
                        snprintf(err, errcap, "download of %s failed: HTTP %ld", j->url, status);
                }
                failed = 1;
                unlink(j->tmp);
            } else if (rename(j->tmp, j->dest) != 0) {
                if (!failed)
                    snprintf(err, errcap, "%s: %s", j->dest, strerror(errno));
                failed = 1;
                unlink(j->tmp);
            }
            curl_multi_remove_handle(m, j->c);
            curl_easy_cleanup(j->c);
            j->c = NULL;
            running--;
            if (!failed && next < n) {
                if (start(m, &jobs[next], urls[next], dests[next], err, errcap) != 0)
                    failed = 1;
                else
                    running++;
                next++;
            }
        }
        if (running > 0)
            curl_multi_poll(m, NULL, 0, 1000, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].c) {
            curl_multi_remove_handle(m, jobs[i].c);
            curl_easy_cleanup(jobs[i].c);
        }
        if (jobs[i].f) {
            fclose(jobs[i].f);
            unlink(jobs[i].tmp);
        }
    }
    free(jobs);
    curl_multi_cleanup(m);
    return failed ? -1 : 0;
}

char *s2n_url_join(const char *base, const char *href)
{
    CURLU *u = curl_url();
    char *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK
        && curl_url_set(u, CURLUPART_URL, href, 0) == CURLUE_OK) {
        char *s = NULL;
        if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
            out = strdup(s);
            curl_free(s);
        }
    }
    curl_url_cleanup(u);
    return out;
}

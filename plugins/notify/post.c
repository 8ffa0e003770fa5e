#include "plugins/notify/post.h"

#include <curl/curl.h>
#include <string.h>

static size_t keep_start(char *data, size_t size, size_t n, void *ctx)
{
    notify_response *r = ctx;
    size_t have = strlen(r->body), take = size * n;
    if (have + take >= sizeof r->body)
        take = sizeof r->body - 1 - have;
    memcpy(r->body + have, data, take);
    r->body[have + take] = '\0';
    return size * n;
}

int notify_post(const char *url, const char *json, long timeout_s, notify_response *res)
{
    memset(res, 0, sizeof *res);
    CURL *c = curl_easy_init();
    if (!c) {
        strcpy(res->error, "cannot initialise libcurl");
        return -1;
    }
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_s < 10 ? timeout_s : 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "s2nbuild-notify/1.0");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, res->error);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_start);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, res);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
    else if (!res->error[0])
        snprintf(res->error, sizeof res->error, "%s", curl_easy_strerror(rc));
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    return rc == CURLE_OK ? 0 : -1;
}

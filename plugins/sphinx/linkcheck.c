/*
 * linkcheck with a memory: sphinx writes one JSON object per line to
 * <outdir>/output.json; we judge each link against a cache kept in
 * .s2nbuild/cache/sphinx-linkcheck/<stage>.json (written atomically).
 * All links are checked every time; the cache only decides how much a
 * failure counts.
 */
#include "plugins/sphinx/linkcheck.h"
#include "plugins/sphinx/sphinx_cmd.h"

#include <jansson.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

long long linkcheck_last_worked(json_t *cache, const char *uri)
{
    json_t *e = cache ? json_object_get(cache, uri) : NULL;
    json_t *w = e ? json_object_get(e, "worked") : NULL;
    return json_is_integer(w) ? (long long)json_integer_value(w) : 0;
}

int linkcheck_judge(json_t *cache, const link_result *r, time_t now, long long cache_hours)
{
    if (strcmp(r->status, "working") == 0 || strcmp(r->status, "redirected") == 0) {
        if (cache) {
            json_t *e = json_object();
            json_object_set_new(e, "worked", json_integer((json_int_t)now));
            json_object_set_new(cache, r->uri, e);
        }
        return -1;
    }
    if (strcmp(r->status, "broken") != 0 && strcmp(r->status, "timeout") != 0)
        return -1; /* ignored, unchecked, local */
    long long last = linkcheck_last_worked(cache, r->uri);
    if (cache_hours > 0 && last > 0 && (long long)now - last <= cache_hours * 3600)
        return 0;
    return 1;
}

static int mkdir_p(const char *path)
{
    char buf[4096];
    if ((size_t)snprintf(buf, sizeof buf, "%s", path) >= sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static const char *where_of(s2n_stage *st, const s2n_host *h, const char *source, json_t *o)
{
    const char *file = json_string_value(json_object_get(o, "filename"));
    json_t *ln = json_object_get(o, "lineno");
    const char *src = source;
    const char *wd = h->workdir(st);
    size_t wl = strlen(wd);
    if (strncmp(src, wd, wl) == 0 && src[wl] == '/')
        src += wl + 1;
    if (json_is_integer(ln))
        return h->str_printf(st, "%s/%s:%lld", src, file ? file : "?", (long long)json_integer_value(ln));
    return h->str_printf(st, "%s/%s", src, file ? file : "?");
}

int linkcheck_run(s2n_stage *st, const s2n_host *h, const char *python, const char *source, const char *summary)
{
    const char *outdir = h->str_printf(st, "%s/linkcheck", h->stage_dir(st));
    const char *doctrees = h->str_printf(st, "%s/doctrees", h->stage_dir(st));
    const char *cache_dir = h->str_printf(st, "%s/cache/sphinx-linkcheck", h->state_dir(st));
    const char *cache_path = h->str_printf(st, "%s/%s.json", cache_dir, h->stage_name(st));
    long long hours = 24;
    h->opt_int(st, "linkcheck_cache_hours", &hours);

    if (mkdir_p(outdir) != 0 || mkdir_p(cache_dir) != 0) {
        h->set_message(st, "linkcheck: cannot create %s: %s", outdir, strerror(errno));
        return S2N_ERROR;
    }
    json_error_t jerr;
    json_t *cache = json_load_file(cache_path, 0, &jerr);
    if (!json_is_object(cache)) {
        if (cache || access(cache_path, F_OK) == 0)
            h->log(st, S2N_LOG_WARN, "linkcheck: ignoring unreadable cache %s: %s", cache_path, jerr.text);
        json_decref(cache);
        cache = json_object();
    }

    const char *out_json = h->str_printf(st, "%s/output.json", outdir);
    unlink(out_json);
    s2n_spawn spec = {.struct_size = sizeof spec,
                      .argv = sphinx_argv(st, h, python, "linkcheck", source, outdir, doctrees, 0),
                      .flags = S2N_SPAWN_CAPTURE | S2N_SPAWN_MERGE};
    char *text = NULL;
    size_t len = 0;
    int code = h->spawn(st, &spec, &text, &len);
    FILE *f = fopen(out_json, "r");
    if (code < 0 || code >= 2 || !f) {
        if (text && *text)
            h->log(st, S2N_LOG_ERROR, "linkcheck output:\n%s", text);
        h->set_message(st, "linkcheck could not run (exit %d)", code);
        if (f)
            fclose(f);
        json_decref(cache);
        return S2N_ERROR;
    }

    time_t now = time(NULL);
    size_t total = 0, broken = 0, flaky = 0;
    const char *first = NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        json_t *o = json_loads(line, 0, &jerr);
        if (!json_is_object(o)) {
            json_decref(o);
            continue;
        }
        link_result r = {
            .uri = json_string_value(json_object_get(o, "uri")),
            .status = json_string_value(json_object_get(o, "status")),
            .info = json_string_value(json_object_get(o, "info")),
        };
        if (!r.uri || !r.status) {
            json_decref(o);
            continue;
        }
        r.where = where_of(st, h, source, o);
        if (strcmp(r.status, "unchecked") && strcmp(r.status, "ignored") && strcmp(r.status, "local"))
            total++; /* in-page anchors and ignored links are not checked */
        int verdict = linkcheck_judge(cache, &r, now, hours);
        if (verdict == 1) {
            broken++;
            h->log(st, S2N_LOG_ERROR, "%s: broken link %s%s%s", r.where, r.uri, r.info && *r.info ? ": " : "",
                   r.info ? r.info : "");
            if (!first)
                first = h->str_printf(st, "%s: %s", r.where, r.uri);
        } else if (verdict == 0) {
            flaky++;
            h->log(st, S2N_LOG_WARN, "%s: link %s fails now but worked within %lld h (flaky?): %s", r.where,
                   r.uri, hours, r.info ? r.info : "");
        }
        json_decref(o);
    }
    free(line);
    fclose(f);

    const char *tmp = h->str_printf(st, "%s.tmp-%ld", cache_path, (long)getpid());
    if (json_dump_file(cache, tmp, JSON_SORT_KEYS | JSON_INDENT(1)) != 0 || rename(tmp, cache_path) != 0) {
        unlink(tmp);
        h->log(st, S2N_LOG_WARN, "linkcheck: cannot write the cache %s", cache_path);
    }
    json_decref(cache);

    h->log(st, S2N_LOG_INFO, "linkcheck: %zu links, %zu broken, %zu failing but recently working", total,
           broken, flaky);
    if (broken) {
        h->set_message(st, "%s; linkcheck: %zu broken link%s; first: %s", summary, broken, broken == 1 ? "" : "s",
                       first);
        return S2N_FAILED;
    }
    if (flaky)
        h->set_message(st, "%s; linkcheck: %zu links, %zu failing now but working within %lld h", summary, total,
                       flaky, hours);
    else
        h->set_message(st, "%s; linkcheck: %zu links ok", summary, total);
    return S2N_OK;
}

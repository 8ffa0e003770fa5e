#include "config.h"
#include "core/plugcache.h"
#include "core/util.h"

#include <jansson.h>
#include <s2nbuild/plugin.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

extern const char s2n_version[];

/* Bump when the meaning of an entry changes. */
#define PLUGCACHE_FORMAT 1

struct plugcache {
    char *path;
    json_t *entries; /* file -> {size, mtime_ns} */
    int dirty;
};

static char *cache_path(void)
{
    const char *dir = getenv("S2NBUILD_CACHE_DIR");
    if (dir && *dir)
        return xasprintf("%s/plugins.json", dir);
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        return xasprintf("%s/s2nbuild/plugins.json", xdg);
    if (home && *home)
        return xasprintf("%s/.cache/s2nbuild/plugins.json", home);
    return NULL;
}

/* The host's identity is part of the key: a new s2nbuild probes again. */
static char *host_id(void)
{
    return xasprintf("%s/%d.%d", s2n_version, S2N_ABI_MAJOR, S2N_ABI_MINOR);
}

plugcache *plugcache_open(void)
{
    if (getenv("S2NBUILD_NO_PLUGIN_CACHE"))
        return NULL;
    char *path = cache_path();
    if (!path)
        return NULL;
    plugcache *c = xcalloc(1, sizeof *c);
    c->path = path;
    json_t *j = json_load_file(path, 0, NULL);
    char *id = host_id();
    if (j && json_integer_value(json_object_get(j, "format")) == PLUGCACHE_FORMAT &&
        json_is_string(json_object_get(j, "host")) &&
        strcmp(json_string_value(json_object_get(j, "host")), id) == 0 &&
        json_is_object(json_object_get(j, "plugins")))
        c->entries = json_incref(json_object_get(j, "plugins"));
    else
        c->entries = json_object();
    free(id);
    json_decref(j);
    return c;
}

static long long mtime_ns(const struct stat *st)
{
    return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

int plugcache_known_good(plugcache *c, const char *file)
{
    struct stat st;
    if (!c || stat(file, &st) != 0)
        return 0;
    json_t *e = json_object_get(c->entries, file);
    return e && json_integer_value(json_object_get(e, "size")) == (json_int_t)st.st_size &&
           json_integer_value(json_object_get(e, "mtime_ns")) == mtime_ns(&st);
}

void plugcache_remember(plugcache *c, const char *file)
{
    struct stat st;
    if (!c || stat(file, &st) != 0)
        return;
    json_object_set_new(c->entries, file, json_pack("{s:I,s:I}", "size", (json_int_t)st.st_size,
                                                    "mtime_ns", (json_int_t)mtime_ns(&st)));
    c->dirty = 1;
}

void plugcache_close(plugcache *c)
{
    if (!c)
        return;
    if (c->dirty) {
        /* Files that vanished are dropped. */
        const char *k;
        json_t *v, *keep = json_object();
        struct stat st;
        json_object_foreach(c->entries, k, v) if (stat(k, &st) == 0)
            json_object_set(keep, k, v);
        char *id = host_id();
        json_t *j = json_pack("{s:i,s:s,s:o}", "format", PLUGCACHE_FORMAT, "host", id, "plugins", keep);
        free(id);
        char *text = json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS);
        char *dir = xstrdup(c->path);
        *strrchr(dir, '/') = '\0';
        if (mkdir_p(dir, 0700) == 0)
            write_file_atomic(c->path, text, strlen(text)); /* a cache: failure is harmless */
        free(dir);
        free(text);
        json_decref(j);
    }
    json_decref(c->entries);
    free(c->path);
    free(c);
}

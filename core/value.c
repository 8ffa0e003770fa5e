#include "config.h"
#include "core/value.h"
#include "core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

s2n_value *value_new(int kind, const char *file, int line, int col)
{
    s2n_value *v = xcalloc(1, sizeof *v);
    v->kind = kind;
    v->file = file;
    v->line = line;
    v->col = col;
    return v;
}

s2n_value *value_str(const char *s, const char *file, int line, int col)
{
    s2n_value *v = value_new(S2N_KIND_STRING, file, line, col);
    v->str = xstrdup(s);
    return v;
}

void value_push(s2n_value *list, s2n_value *item)
{
    list->items = xrealloc(list->items, (list->n + 1) * sizeof *list->items);
    list->items[list->n++] = item;
}

void value_set(s2n_value *map, const char *key, s2n_value *v)
{
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0) {
            value_free(map->items[i]);
            map->items[i] = v;
            return;
        }
    map->items = xrealloc(map->items, (map->n + 1) * sizeof *map->items);
    map->keys = xrealloc(map->keys, (map->n + 1) * sizeof *map->keys);
    map->keynodes = xrealloc(map->keynodes, (map->n + 1) * sizeof *map->keynodes);
    map->keys[map->n] = xstrdup(key);
    map->keynodes[map->n] = value_str(key, v ? v->file : map->file, v ? v->line : map->line,
                                      v ? v->col : map->col);
    map->items[map->n++] = v;
}

s2n_value *value_get(const s2n_value *map, const char *key)
{
    if (!map || map->kind != S2N_KIND_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0)
            return map->items[i];
    return NULL;
}

const s2n_value *value_keynode(const s2n_value *map, const char *key)
{
    if (!map || map->kind != S2N_KIND_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0)
            return map->keynodes[i];
    return NULL;
}

s2n_value *value_copy(const s2n_value *v)
{
    if (!v)
        return NULL;
    s2n_value *c = value_new(v->kind, v->file, v->line, v->col);
    c->quoted = v->quoted;
    if (v->str)
        c->str = xstrdup(v->str);
    if (v->n) {
        c->n = v->n;
        c->items = xcalloc(v->n, sizeof *c->items);
        for (size_t i = 0; i < v->n; i++)
            c->items[i] = value_copy(v->items[i]);
        if (v->keys) {
            c->keys = xcalloc(v->n, sizeof *c->keys);
            c->keynodes = xcalloc(v->n, sizeof *c->keynodes);
            for (size_t i = 0; i < v->n; i++) {
                c->keys[i] = xstrdup(v->keys[i]);
                c->keynodes[i] = value_copy(v->keynodes[i]);
            }
        }
    }
    return c;
}

void value_free(s2n_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        value_free(v->items[i]);
        if (v->keys) {
            free(v->keys[i]);
            value_free(v->keynodes[i]);
        }
    }
    free(v->items);
    free(v->keys);
    free(v->keynodes);
    free(v->str);
    free(v->where);
    free(v);
}

const char *value_where(s2n_value *v)
{
    if (!v || !v->file)
        return "";
    if (!v->where)
        v->where = v->line > 0   ? xasprintf("%s:%d:%d", v->file, v->line, v->col)
                   : v->col > 0 ? xasprintf("%s (argument %d)", v->file, v->col)
                                : xstrdup(v->file);
    return v->where;
}

int value_is_scalar(const s2n_value *v)
{
    return v && v->kind == S2N_KIND_STRING;
}

size_t value_strings(const s2n_value *v, const char **out, size_t max)
{
    if (!v || !max)
        return 0;
    if (v->kind == S2N_KIND_STRING) {
        out[0] = v->str;
        return 1;
    }
    size_t n = 0;
    for (size_t i = 0; v->kind == S2N_KIND_LIST && i < v->n && n < max; i++)
        if (v->items[i]->kind == S2N_KIND_STRING)
            out[n++] = v->items[i]->str;
    return n;
}

int value_to_bool(const s2n_value *v, int *out)
{
    if (!value_is_scalar(v))
        return -1;
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v->str, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(v->str, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

int value_to_int(const s2n_value *v, long long *out)
{
    if (!value_is_scalar(v) || !*v->str)
        return -1;
    char *end;
    errno = 0;
    long long n = strtoll(v->str, &end, 10);
    if (errno || *end)
        return -1;
    *out = n;
    return 0;
}

int value_to_seconds(const s2n_value *v, double *out)
{
    if (!value_is_scalar(v) || !*v->str)
        return -1;
    char *end;
    errno = 0;
    double d = strtod(v->str, &end);
    if (errno || end == v->str || d < 0)
        return -1;
    if (*end == 's' && !end[1])
        ;
    else if (*end == 'm' && !end[1])
        d *= 60;
    else if (*end == 'h' && !end[1])
        d *= 3600;
    else if (*end)
        return -1;
    *out = d;
    return 0;
}

/* The configuration value tree: what libyaml gave us, with the place
 * (file:line:col) of every node, so any later check can point at it.
 * The same tree is what plugins see behind the opaque s2n_value. */
#ifndef S2N_CORE_VALUE_H
#define S2N_CORE_VALUE_H

#include <s2nbuild/plugin.h>
#include <stddef.h>

#define S2N_KIND_NULL 0 /* an empty node (`key:` with nothing after it) */

struct s2n_value {
    int kind;          /* S2N_KIND_STRING, _LIST, _MAP or S2N_KIND_NULL */
    char *str;         /* scalar text                                  */
    int quoted;        /* scalar was quoted: never a bool/int/null      */
    size_t n;          /* items of a list or map                       */
    s2n_value **items; /* list items, or map values                    */
    char **keys;       /* map keys                                     */
    s2n_value **keynodes; /* map key nodes (for their position)        */
    const char *file;  /* shared, owned by the document                */
    int line, col;     /* 1-based                                      */
    char *where;       /* "file:line:col", made on demand              */
};

s2n_value *value_new(int kind, const char *file, int line, int col);
s2n_value *value_str(const char *s, const char *file, int line, int col);
void value_push(s2n_value *list, s2n_value *item);
void value_set(s2n_value *map, const char *key, s2n_value *v); /* replaces */
s2n_value *value_get(const s2n_value *map, const char *key);
const s2n_value *value_keynode(const s2n_value *map, const char *key);
s2n_value *value_copy(const s2n_value *v);
void value_free(s2n_value *v);
const char *value_where(s2n_value *v);
int value_is_scalar(const s2n_value *v);
/* The strings of a scalar or a list of scalars (pointers into v), at most
 * max; other items are left out. */
size_t value_strings(const s2n_value *v, const char **out, size_t max);

/* Scalar conversions with YAML 1.1-ish spellings; 0 on success. */
int value_to_bool(const s2n_value *v, int *out);
int value_to_int(const s2n_value *v, long long *out);
int value_to_seconds(const s2n_value *v, double *out); /* 90, 1.5, 10s, 5m, 2h */

/* Load a YAML file (or buffer).  On a syntax error returns NULL and sets
 * *err to "file:line:col: message" (malloc'd). */
s2n_value *yaml_load_file(const char *path, char **err);
s2n_value *yaml_load_buffer(const char *name, const char *buf, size_t len, char **err);

#endif

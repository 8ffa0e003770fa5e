/*
 * A tiny C interface over toml++ (C++17): parse a file, walk tables and
 * arrays, read scalars, and say where a node was written (line:col) so
 * that errors about pyproject.toml can point at the offending value.
 * Not ABI.  Owner: the build plugin (plugins/build).
 */
#ifndef S2N_COMMON_TOML_H
#define S2N_COMMON_TOML_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct s2n_toml s2n_toml;           /* a parsed document          */
typedef struct s2n_toml_node s2n_toml_node; /* a node inside it; opaque   */

typedef enum s2n_toml_type {
    S2N_TOML_NONE = 0,
    S2N_TOML_TABLE = 1,
    S2N_TOML_ARRAY = 2,
    S2N_TOML_STRING = 3,
    S2N_TOML_INTEGER = 4,
    S2N_TOML_FLOAT = 5,
    S2N_TOML_BOOL = 6,
    S2N_TOML_DATETIME = 7 /* date, time or date-time */
} s2n_toml_type;

/* Parse `path`.  NULL on failure with "path:line:col: reason" in err. */
s2n_toml *s2n_toml_parse_file(const char *path, char *err, size_t errcap);
void s2n_toml_free(s2n_toml *doc);

/* The root table. */
const s2n_toml_node *s2n_toml_root(const s2n_toml *doc);

/* Member `key` of a table, or NULL (also when `table` is NULL or not a
 * table).  s2n_toml_path follows dotted keys: "tool.flit.module". */
const s2n_toml_node *s2n_toml_get(const s2n_toml_node *table, const char *key);
const s2n_toml_node *s2n_toml_path(const s2n_toml_node *table, const char *dotted);

s2n_toml_type s2n_toml_type_of(const s2n_toml_node *n);
const char *s2n_toml_type_name(const s2n_toml_node *n); /* "string", … */

/* Scalars: the string's text (NUL-terminated, owned by the document) or
 * NULL when `n` is not a string; bool: 0/1 into *out, -1 when not a bool. */
const char *s2n_toml_str(const s2n_toml_node *n);
int s2n_toml_bool(const s2n_toml_node *n, int *out);

/* Items of an array or members of a table (tables: sorted by key). */
size_t s2n_toml_len(const s2n_toml_node *n);
const s2n_toml_node *s2n_toml_at(const s2n_toml_node *n, size_t i);
const char *s2n_toml_key_at(const s2n_toml_node *table, size_t i);

/* "line:col" of the node's start (empty when unknown). */
void s2n_toml_where(const s2n_toml_node *n, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif

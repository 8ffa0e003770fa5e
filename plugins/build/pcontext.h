/*
 * State shared by project.c and layout.c while reading one pyproject.toml:
 * the document, the file name for messages, the error buffer.  Internal.
 */
#ifndef S2N_BUILD_PCONTEXT_H
#define S2N_BUILD_PCONTEXT_H

#include "project.h"

#include "plugins/common/toml.h"

typedef struct pctx {
    project *p;
    s2n_toml *doc;
    const s2n_toml_node *root;
    char *file; /* …/pyproject.toml, for messages */
    const char *outdir_rel; /* the output folder inside the project, or NULL */
    char *err;
    size_t errcap;
} pctx;

/* "file:line:col: message" into c->err; returns -1. */
int perr(pctx *c, const s2n_toml_node *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Record the first reason to take the PEP 517 path; returns 0. */
int pfallback(pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int get_str(pctx *c, const s2n_toml_node *table, const char *key, const char *what, const char **out);
int get_strs(pctx *c, const s2n_toml_node *table, const char *key, const char *what, strlist *out);

#endif

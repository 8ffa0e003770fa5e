/*
 * The project model of the build plugin: what pyproject.toml says, read
 * with the conventions of the backend it names, resolved into core
 * metadata fields and the exact member lists of the wheel and the sdist.
 * When the project cannot be built natively, `fallback` says why and the
 * PEP 517 path takes over.
 */
#ifndef S2N_BUILD_PROJECT_H
#define S2N_BUILD_PROJECT_H

#include "butil.h"

typedef enum backend_kind {
    BACKEND_NONE = 0, /* no [build-system]: setuptools' legacy backend */
    BACKEND_SETUPTOOLS,
    BACKEND_FLIT,
    BACKEND_HATCH,
    BACKEND_PDM,
    BACKEND_POETRY,
    BACKEND_OTHER
} backend_kind;

/* A member of a distribution: path inside it, and the file it comes from
 * (relative to the project root). */
typedef struct member {
    char *arc;
    char *src;
} member;

typedef struct memberlist {
    member *v;
    size_t n, cap;
} memberlist;

typedef struct project {
    char *root;            /* absolute source folder                       */
    backend_kind backend;
    char *backend_spec;    /* build-system.build-backend (or the legacy one) */
    strlist backend_path;  /* build-system.backend-path                     */
    char *fallback;        /* why the native path does not apply, or NULL   */

    /* core metadata */
    char *name;            /* as written                                    */
    char *fname;           /* file-name form: normalized, '_'               */
    char *version;         /* PEP 440 normal form                           */
    char *version_from;    /* "static" or the file it was read from          */
    char *summary;
    char *readme;          /* relative path, or NULL (text or none)          */
    char *readme_type;     /* Description-Content-Type                       */
    char *description;     /* the long description text                      */
    char *requires_python;
    char *license_text;    /* License: (legacy table form)                   */
    char *license_expr;    /* License-Expression (PEP 639 string form)       */
    strlist license_files; /* relative paths                                 */
    char *author, *author_email, *maintainer, *maintainer_email;
    char *keywords;
    strlist classifiers, urls, requires, extras;
    char *entry_points;    /* entry_points.txt text, or NULL                 */

    /* contents: wheel members (arc = import path), sdist members (arc =
     * path under the sdist's top folder) */
    memberlist wheel;
    memberlist sdist;
} project;

/* Read `root`/pyproject.toml and decide the path.  Returns 0 with either a
 * complete model or p->fallback set; -1 on an error in the project (err
 * holds "file:line:col: message").  Files under `outdir` (when it lies
 * inside root: earlier outputs, temporaries) never become members. */
int project_load(project *p, const char *root, const char *outdir, char *err, size_t errcap);
void project_free(project *p);

const char *backend_name(backend_kind b);

void members_add(memberlist *l, const char *arc, const char *src);
void members_sort(memberlist *l);
void members_free(memberlist *l);

#endif

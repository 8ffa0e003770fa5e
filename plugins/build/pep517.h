/*
 * The fallback: build through the project's own PEP 517 backend with the
 * system Python, no isolation and no index (there is none here), or with
 * `python3 -m build --no-isolation` when asked.  Results land in a private
 * temporary folder and are only moved into the output folder when the
 * backend succeeded.
 */
#ifndef S2N_BUILD_PEP517_H
#define S2N_BUILD_PEP517_H

#include <s2nbuild/plugin.h>

#include "project.h"

typedef struct pep517_req {
    const char *python;     /* interpreter, e.g. /usr/bin/python3         */
    const char *srcdir;
    const char *tmpdir;     /* empty folder receiving the results         */
    int sdist, wheel;
    int use_build;          /* 1: python -m build --no-isolation           */
    const char *epoch;      /* SOURCE_DATE_EPOCH for the backend, or NULL  */
} pep517_req;

/* Run the backend; 0 when it exited successfully. */
int pep517_build(s2n_stage *st, const s2n_host *h, const project *p, const pep517_req *r);

#endif

/*
 * What goes into the wheel and the sdist, by the conventions of the
 * project's backend (setuptools packages.find/package-data, flit module,
 * hatch wheel packages, pdm/poetry package settings), and the dynamic
 * version read from the package.  Internal to the build plugin.
 */
#ifndef S2N_BUILD_LAYOUT_H
#define S2N_BUILD_LAYOUT_H

#include "pcontext.h"

/* Fill c->p->wheel and c->p->sdist, resolve a dynamic version/description.
 * 0 (maybe with c->p->fallback set), -1 with c->err. */
int layout_resolve(pctx *c, const strlist *dynamic);

#endif

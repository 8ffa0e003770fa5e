/*
 * Where the documentation sources are: the `source:` option, or the first
 * of docs/, doc/, docs/source/, sphinx/source/ that holds a conf.py.
 */
#ifndef S2N_SPHINX_DOCSOURCE_H
#define S2N_SPHINX_DOCSOURCE_H

#include <s2nbuild/plugin.h>

/* The candidates, in the order they are tried, relative to the workdir. */
extern const char *const docs_candidates[];

/* The source folder (host memory), or NULL after reporting why (a missing
 * folder or conf.py is a clear error naming what was looked at). */
const char *docs_source(s2n_stage *st, const s2n_host *h);

#endif

/*
 * Publishing a built site to a branch (GitHub Pages) with git plumbing:
 * the commit is made from a temporary index, so the working tree, the
 * index and the checked-out branch of the user's repository are never
 * touched.  Adds .nojekyll, keeps an existing CNAME, makes no commit when
 * the tree is unchanged, then pushes.
 */
#ifndef S2N_SPHINX_GHPAGES_H
#define S2N_SPHINX_GHPAGES_H

#include <s2nbuild/plugin.h>

typedef struct ghpages_opts {
    const char *site;    /* the built site folder */
    const char *branch;  /* "gh-pages" */
    const char *remote;  /* remote name or URL, "origin" */
    const char *cname;   /* CNAME content to write, or NULL to keep the branch's */
    const char *message; /* commit message, or NULL for the default */
} ghpages_opts;

/* Returns an s2n_result; sets the stage message and the outputs
 * "publish_commit" and "publish_changed" ("true"/"false"). */
int ghpages_publish(s2n_stage *st, const s2n_host *h, const ghpages_opts *o);

#endif

/*
 * pip, run against an environment being built beside its final place,
 * writes the temporary path into script shebangs.  These helpers point
 * them at the final path and update the RECORD rows of the changed files,
 * so the swapped-in environment is what pip would have made in place.
 */
#ifndef S2N_VENV_PIPFIX_H
#define S2N_VENV_PIPFIX_H

#include <s2nbuild/plugin.h>
#include <stddef.h>

/* Rewrite tmp_root -> final_root in the first lines of bin/ scripts and
 * fix RECORD rows under lib_rel.  Returns the number of files changed,
 * or -1 with a message. */
int s2n_pipfix_paths(const char *tmp_root, const char *final_root, const char *lib_rel, char *err,
                     size_t errcap);

/* Secrets stay off pip's command line (every user reads argv in /proc):
 * the index URLs, which may carry user:password@, go to pip through
 * PIP_INDEX_URL / PIP_EXTRA_INDEX_URL, and find-links URLs with
 * credentials through PIP_FIND_LINKS, each added to what the stage's
 * environment already holds, as pip itself would combine them.  Returns
 * a NULL-terminated "NAME=value" list (stage arena) for s2n_spawn.env. */
const char **s2n_pipfix_index_env(s2n_stage *st, const s2n_host *h, const char *index_url,
                                  const char *const *extra, size_t nextra,
                                  const char *const *links, size_t nlinks);

/* 1 when a find-links entry goes through the environment, not argv. */
int s2n_pipfix_link_in_env(const char *link);

#endif

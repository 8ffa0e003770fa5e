/*
 * pip, run against an environment being built beside its final place,
 * writes the temporary path into script shebangs.  These helpers point
 * them at the final path and update the RECORD rows of the changed files,
 * so the swapped-in environment is what pip would have made in place.
 */
#ifndef S2N_VENV_PIPFIX_H
#define S2N_VENV_PIPFIX_H

#include <stddef.h>

/* Rewrite tmp_root -> final_root in the first lines of bin/ scripts and
 * fix RECORD rows under lib_rel.  Returns the number of files changed,
 * or -1 with a message. */
int s2n_pipfix_paths(const char *tmp_root, const char *final_root, const char *lib_rel, char *err,
                     size_t errcap);

#endif

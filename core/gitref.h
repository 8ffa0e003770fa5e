/* Branch and commit of the git repository around the current directory,
 * read without running git. */
#ifndef S2N_CORE_GITREF_H
#define S2N_CORE_GITREF_H

/* 0 with *branch ("main", or "HEAD" when detached, as `git rev-parse
 * --abbrev-ref HEAD` prints it) and *commit (full object id), both
 * malloc'd; 1 when no .git is found from here up to the root (not a
 * repository); -1 when the answer needs git itself (GIT_DIR set, a bare
 * repository, reftable, an unborn branch). */
int gitref_head(char **branch, char **commit);

#endif

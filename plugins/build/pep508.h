/*
 * A PEP 508 requirement check: name, extras, version specifiers or a URL,
 * and an environment marker of the known variables.  The native path only
 * writes requirements it can parse; anything else goes to the backend,
 * which gives the authoritative verdict.
 */
#ifndef S2N_BUILD_PEP508_H
#define S2N_BUILD_PEP508_H

/* 1 when `req` is a well-formed PEP 508 requirement. */
int pep508_valid(const char *req);

#endif

/* ${NAME} and ${NAME:-default} in option values; `$$` is a literal `$`.
 * Other ${...} forms (shell's ${x%%y}, ${#x}) are left as written. */
#ifndef S2N_CORE_INTERP_H
#define S2N_CORE_INTERP_H


/* Look a name up; return its value or NULL when unknown. */
typedef const char *(*interp_lookup)(void *ctx, const char *name);

/* Expand `in`.  Unknown names without a default: *missing receives the
 * first such name (malloc'd) and the result is NULL.  Defaults nested
 * too deeply set *bad to a message. */
char *interp_expand(const char *in, interp_lookup lookup, void *ctx, char **missing, char **bad);
/* Calls fn for each ${NAME} reference without a default. */
void interp_refs(const char *in, void (*fn)(void *ctx, const char *name), void *ctx);

#endif

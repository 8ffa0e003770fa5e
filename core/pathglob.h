// Globs over slash-separated names, the way CI systems write them for
// branches, tags and changed paths: `*`, `?` and `[...]` stay inside one
// segment, `**` spans any number of segments (also none).  A pattern
// that matches a leading directory of a path matches the whole path, so
// `core` and `core/**` both select everything under core/.
#ifndef S2N_CORE_PATHGLOB_H
#define S2N_CORE_PATHGLOB_H

/* 1 when `name` matches `pattern` exactly (no directory rule). */
int pathglob_match(const char *pattern, const char *name);
/* 1 when `path` or one of its leading directories matches `pattern`. */
int pathglob_match_path(const char *pattern, const char *path);
/* NULL when the pattern is well formed, else a static message. */
const char *pathglob_check(const char *pattern);

#endif

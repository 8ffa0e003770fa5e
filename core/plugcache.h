/* The registry cache of probed plugins (GStreamer's registry idea): a
 * plugin file whose path, size and mtime are unchanged since a good probe
 * is opened without probing again. */
#ifndef S2N_CORE_PLUGCACHE_H
#define S2N_CORE_PLUGCACHE_H

typedef struct plugcache plugcache;

/* NULL when caching is off (S2NBUILD_NO_PLUGIN_CACHE) or no cache dir. */
plugcache *plugcache_open(void);
int plugcache_known_good(plugcache *c, const char *file);
void plugcache_remember(plugcache *c, const char *file);
/* Writes the cache if it changed; frees it. */
void plugcache_close(plugcache *c);

#endif

/* Finding, probing and opening stage plugins (libltdl). */
#ifndef S2N_CORE_LOADER_H
#define S2N_CORE_LOADER_H

#include "core/util.h"
#include <s2nbuild/plugin.h>

typedef struct plugin {
    char *type;
    char *file;               /* absolute path of the .so            */
    const s2n_plugin *desc;   /* valid once opened in this process   */
    void *handle;             /* lt_dlhandle                          */
} plugin;

typedef struct registry {
    strvec dirs;              /* search order                        */
    plugin **plugins;         /* each stays put: callers keep pointers */
    size_t n;
    int allow_unsafe;         /* --allow-unsafe-plugin-path           */
    struct plugcache *cache;  /* probed-plugin cache, opened on use   */
    int cache_opened;
} registry;

/* Search dirs: explicit ones (--plugin-path, S2NBUILD_PLUGIN_PATH,
 * pipeline plugin_path), then the build tree when s2nbuild runs
 * uninstalled, then the installed plugin dir. */
void registry_init(registry *r, const strvec *cli_dirs, const strvec *pipeline_dirs);
/* Find, probe and open the plugin for `type`.  NULL with *err set
 * (malloc'd) when it cannot be used. */
const plugin *registry_get(registry *r, const char *type, char **err);
/* Probe and open one file (plugins --check). */
const plugin *registry_open_file(registry *r, const char *file, char **err);
/* All loadable plugin files in the search dirs, in search order, first
 * occurrence of each type (for `s2nbuild plugins`).  Errors go to errs. */
void registry_scan(registry *r, strvec *errs);
void registry_free(registry *r);

/* The hidden `__probe FILE` command: runs in a child with LD_BIND_NOW,
 * prints the descriptor as JSON; exit 0 ok, 2 refused. */
int loader_probe_main(const char *file);

/* Check a descriptor against this host; NULL when fine, else a message. */
char *loader_check_desc(const s2n_plugin *d, const char *file);

#endif

/*
 * Finding the Sphinx source folder.  A folder without conf.py is refused
 * here, before sphinx runs, because sphinx's own message for it ("config
 * directory doesn't contain a conf.py file") names neither the stage nor
 * the places we looked.
 */
#include "plugins/sphinx/docsource.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const char *const docs_candidates[] = {"docs", "doc", "docs/source", "sphinx/source", NULL};

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int has_conf(s2n_stage *st, const s2n_host *h, const char *dir)
{
    struct stat sb;
    return stat(h->str_printf(st, "%s/conf.py", dir), &sb) == 0 && S_ISREG(sb.st_mode);
}

const char *docs_source(s2n_stage *st, const s2n_host *h)
{
    const char *given = h->opt_string(st, "source");
    if (given) {
        if (!is_dir(given)) {
            h->error(st, "source", "%s is not a folder", given);
            return NULL;
        }
        if (!has_conf(st, h, given)) {
            h->error(st, "source", "%s has no conf.py; Sphinx needs one (create it with sphinx-quickstart)",
                     given);
            return NULL;
        }
        return given;
    }

    const char *wd = h->workdir(st);
    char looked[256] = "";
    const char *first_dir = NULL;
    for (const char *const *c = docs_candidates; *c; c++) {
        const char *dir = h->str_printf(st, "%s/%s", wd, *c);
        size_t used = strlen(looked);
        snprintf(looked + used, sizeof looked - used, "%s%s/", used ? ", " : "", *c);
        if (!is_dir(dir))
            continue;
        if (has_conf(st, h, dir))
            return dir;
        if (!first_dir)
            first_dir = *c;
    }
    if (first_dir) {
        h->set_message(st, "no conf.py in the documentation folder %s/ (looked for conf.py in %s); "
                           "create one with sphinx-quickstart or set `source:`",
                       first_dir, looked);
        h->log(st, S2N_LOG_ERROR, "no conf.py in %s/%s/ or the other candidates (%s)", wd, first_dir, looked);
    } else {
        h->set_message(st, "no documentation sources: none of %s exists in %s; set `source:`", looked, wd);
        h->log(st, S2N_LOG_ERROR, "no documentation sources: none of %s exists in %s", looked, wd);
    }
    return NULL;
}

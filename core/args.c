/* `s2nbuild stage TYPE key=value ...`: a one-stage pipeline built from
 * the command line, so a plugin can be tried without a pipeline file.
 * A repeated key, or commas, make a list; `key=` sets an empty string.
 * Nested keys use dots: `publish.branch=gh-pages`. */
#include "config.h"
#include "core/pipeline.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char ARGS_FILE[] = "command line";

static void set_arg(s2n_value *with, const char *key, const char *val, int argi)
{
    const char *dot = strchr(key, '.');
    if (dot) {
        char *head = xstrndup(key, (size_t)(dot - key));
        s2n_value *sub = value_get(with, head);
        if (!sub || sub->kind != S2N_KIND_MAP) {
            sub = value_new(S2N_KIND_MAP, ARGS_FILE, 0, argi);
            value_set(with, head, sub);
        }
        free(head);
        set_arg(sub, dot + 1, val, argi);
        return;
    }
    s2n_value *old = value_get(with, key);
    s2n_value *item = value_str(val, ARGS_FILE, 0, argi);
    item->quoted = 1;
    if (!old) {
        value_set(with, key, item);
    } else if (old->kind == S2N_KIND_LIST) {
        value_push(old, item);
    } else {
        s2n_value *list = value_new(S2N_KIND_LIST, ARGS_FILE, 0, argi);
        value_push(list, value_copy(old));
        value_push(list, item);
        value_set(with, key, list);
    }
}

int pipeline_from_args(pipeline *p, const char *type, int argc, char **argv, diag *d)
{
    memset(p, 0, sizeof *p);
    p->file = xstrdup(ARGS_FILE);
    char buf[PATH_MAX];
    p->workspace = xstrdup(getcwd(buf, sizeof buf) ? buf : ".");
    p->workdir = xstrdup(p->workspace);
    p->root = value_new(S2N_KIND_MAP, ARGS_FILE, 0, 0);
    s2n_value *with = value_new(S2N_KIND_MAP, ARGS_FILE, 0, 0);
    for (int i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (!eq || eq == argv[i]) {
            diag_take(d, xasprintf("argument %d '%s': expected key=value", i + 1, argv[i]));
            continue;
        }
        char *key = xstrndup(argv[i], (size_t)(eq - argv[i]));
        set_arg(with, key, eq + 1, i + 1);
        free(key);
    }
    value_set(p->root, "with", with);
    p->nstages = 1;
    p->stages = xcalloc(1, sizeof *p->stages);
    stage_def *s = &p->stages[0];
    s->name = xstrdup(type);
    s->type = xstrdup(type);
    s->node = p->root;
    s->with = with;
    s->workdir = xstrdup(p->workdir);
    p->order = xcalloc(1, sizeof *p->order);
    return 0;
}

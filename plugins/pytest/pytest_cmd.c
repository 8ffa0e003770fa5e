/*
 * Building `python -m pytest ...`.  Our own flags come first so that the
 * user's `args` can still override them (pytest takes the last value),
 * except --junitxml, which we need and therefore put last but for paths.
 */
#include "plugins/pytest/pytest_cmd.h"

#include <stddef.h>

static size_t list_len(const s2n_host *h, const s2n_value *v)
{
    if (!v)
        return 0;
    return h->value_kind(v) == S2N_KIND_LIST ? h->value_len(v) : 1;
}

static const char *list_at(const s2n_host *h, const s2n_value *v, size_t i)
{
    return h->value_kind(v) == S2N_KIND_LIST ? h->value_str(h->value_at(v, i)) : h->value_str(v);
}

const char **pytest_argv(s2n_stage *st, const s2n_host *h, const pytest_cmd *c)
{
    size_t cap = 16 + list_len(h, c->args) + list_len(h, c->paths) + list_len(h, c->cov_sources);
    const char **argv = h->alloc(st, cap * sizeof *argv);
    size_t n = 0;
    argv[n++] = c->python;
    argv[n++] = "-m";
    argv[n++] = "pytest";
    if (c->markers) {
        argv[n++] = "-m";
        argv[n++] = c->markers;
    }
    if (c->keyword) {
        argv[n++] = "-k";
        argv[n++] = c->keyword;
    }
    if (c->coverage_xml) {
        size_t ns = list_len(h, c->cov_sources);
        if (ns == 0)
            argv[n++] = "--cov";
        for (size_t i = 0; i < ns; i++)
            argv[n++] = h->str_printf(st, "--cov=%s", list_at(h, c->cov_sources, i));
        argv[n++] = "--cov-report=term";
        argv[n++] = h->str_printf(st, "--cov-report=xml:%s", c->coverage_xml);
    }
    for (size_t i = 0; i < list_len(h, c->args); i++) {
        const char *a = list_at(h, c->args, i);
        if (a)
            argv[n++] = a;
    }
    argv[n++] = "-o";
    argv[n++] = h->str_printf(st, "junit_suite_name=%s", c->suite_name);
    argv[n++] = h->str_printf(st, "--junitxml=%s", c->junit_path);
    /* Paths after "--" so a path starting with '-' is not an option. */
    size_t np = list_len(h, c->paths);
    if (np) {
        argv[n++] = "--";
        for (size_t i = 0; i < np; i++) {
            const char *p = list_at(h, c->paths, i);
            if (p)
                argv[n++] = p;
        }
    }
    argv[n] = NULL;
    return argv;
}

/*
 * The `python -m sphinx` command line of the build and of linkcheck.
 * -q leaves only diagnostics on the output we read; -N keeps them free
 * of colour codes.
 */
#include "plugins/sphinx/sphinx_cmd.h"

const char **sphinx_argv(s2n_stage *st, const s2n_host *h, const char *python, const char *builder,
                         const char *source, const char *outdir, const char *doctrees, unsigned flags)
{
    const s2n_value *args = h->option(st, "args");
    size_t nargs = args ? h->value_len(args) : 0;
    const char **argv = h->alloc(st, (20 + nargs) * sizeof *argv);
    size_t n = 0;
    argv[n++] = python;
    argv[n++] = "-m";
    argv[n++] = "sphinx";
    argv[n++] = "-b";
    argv[n++] = builder;
    argv[n++] = "-d";
    argv[n++] = doctrees;
    argv[n++] = "-q"; /* stdout quiet: what is printed is diagnostics */
    argv[n++] = "-N";
    if (flags & SPHINX_FRESH)
        argv[n++] = "-E"; /* read every source: incremental builds hide warnings */
    if (flags & SPHINX_WERROR) {
        argv[n++] = "-W";
        argv[n++] = "--keep-going";
    }
    long long jobs;
    if (h->opt_int(st, "jobs", &jobs) == 0) {
        argv[n++] = "-j";
        argv[n++] = jobs == 0 ? "auto" : h->str_printf(st, "%lld", jobs);
    }
    for (size_t i = 0; i < nargs; i++) {
        const char *a = h->value_str(h->value_at(args, i));
        if (a)
            argv[n++] = a;
    }
    argv[n++] = source;
    argv[n++] = outdir;
    argv[n] = NULL;
    return argv;
}


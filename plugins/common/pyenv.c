/*
 * Finding the interpreter of a Python stage.  The order (option, upstream
 * venv, system python) lets a pipeline say nothing in the common case and
 * still pin an interpreter where it matters.
 */
#include "plugins/common/pyenv.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *s2n_pyenv_origin_text(s2n_pyenv_origin origin)
{
    switch (origin) {
    case S2N_PYENV_OPTION:
        return "from the stage option `python`";
    case S2N_PYENV_UPSTREAM:
        return "published by an upstream venv stage";
    default:
        return "the system interpreter";
    }
}

const char *s2n_pyenv_python(s2n_stage *st, const s2n_host *h, const char *option,
                             s2n_pyenv_origin *origin)
{
    s2n_pyenv_origin from = S2N_PYENV_OPTION;
    const char *py = option ? h->opt_string(st, option) : NULL;
    if (py && *py && py[0] != '/' && strchr(py, '/'))
        py = h->resolve(st, py); /* "venv/bin/python": relative to the workdir */
    if (!py || !*py) {
        from = S2N_PYENV_UPSTREAM;
        py = h->get_output(st, NULL, "python");
    }
    if (!py || !*py) {
        from = S2N_PYENV_FALLBACK;
        py = S2N_PYENV_DEFAULT;
    }
    if (origin)
        *origin = from;

    /* A bare name ("python3.11") is looked up in PATH by spawn; only a
     * path can be checked here. */
    if (strchr(py, '/')) {
        struct stat sb;
        int found = stat(py, &sb) == 0;
        int missing = !found && errno == ENOENT;
        if (!found || !S_ISREG(sb.st_mode) || access(py, X_OK) != 0) {
            const char *why = missing ? "does not exist" : "is not an executable file";
            if (from == S2N_PYENV_OPTION)
                h->error(st, option, "Python interpreter %s %s", py, why);
            else
                h->set_message(st, "Python interpreter %s (%s) %s", py, s2n_pyenv_origin_text(from), why);
            h->log(st, S2N_LOG_ERROR, "Python interpreter %s (%s) %s", py, s2n_pyenv_origin_text(from), why);
            return NULL;
        }
    }
    return py;
}

int s2n_pyenv_has_module(s2n_stage *st, const s2n_host *h, const char *python,
                         const char *module)
{
    const char *code = "import importlib.util, sys\n"
                       "sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 10)\n";
    const char *argv[] = {python, "-c", code, module, NULL};
    s2n_spawn spec = {.struct_size = sizeof spec, .argv = argv, .flags = S2N_SPAWN_QUIET};
    int rc = h->spawn(st, &spec, NULL, NULL);
    if (rc == 0)
        return 1;
    if (rc == 10)
        return 0;
    return -1;
}

/*
 * Which Python interpreter a stage runs: its own `python:` option, else
 * the `python` output of an upstream venv stage (the venv plugin publishes
 * set_output("python", "<venv>/bin/python")), else Debian's /usr/bin/python3.
 * Not ABI.
 */
#ifndef S2N_COMMON_PYENV_H
#define S2N_COMMON_PYENV_H

#include <s2nbuild/plugin.h>

#define S2N_PYENV_DEFAULT "/usr/bin/python3"

/* Where the interpreter came from, for log lines and error messages. */
typedef enum s2n_pyenv_origin {
    S2N_PYENV_OPTION = 0,   /* the stage's `python:` option */
    S2N_PYENV_UPSTREAM = 1, /* an upstream stage's `python` output */
    S2N_PYENV_FALLBACK = 2  /* S2N_PYENV_DEFAULT */
} s2n_pyenv_origin;

/* The interpreter for this stage (host memory), or NULL after reporting
 * with host->error()/set_message() that it is missing or not executable.
 * `option` names the stage option to read (usually "python"). */
const char *s2n_pyenv_python(s2n_stage *st, const s2n_host *h, const char *option,
                             s2n_pyenv_origin *origin);

/* 1 when `module` can be imported by `python`, 0 when not, -1 when the
 * interpreter could not be started.  Costs one interpreter start, so call
 * it to explain a failure rather than before every run. */
int s2n_pyenv_has_module(s2n_stage *st, const s2n_host *h, const char *python,
                         const char *module);

/* A short phrase naming where `python` came from, e.g.
 * "from stage option `python`". */
const char *s2n_pyenv_origin_text(s2n_pyenv_origin origin);

#endif

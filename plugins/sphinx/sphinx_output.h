/*
 * Reading what `python -m sphinx -q` printed (its stderr: warnings,
 * errors, and the report of a crash) into diagnostics shown as
 * "file:line: message".  Pure C, no host calls, unit-tested alone.
 */
#ifndef S2N_SPHINX_OUTPUT_H
#define S2N_SPHINX_OUTPUT_H

#include <stddef.h>

typedef struct sphinx_diag {
    char *where;   /* "docs/usage.rst:11", relative to the workdir; "" if none */
    char *level;   /* "WARNING", "ERROR", "CRITICAL", "SEVERE" */
    char *text;    /* the message, continuation lines joined with "\n" */
    unsigned long hash; /* of where, level and first text line: finds repeats fast */
} sphinx_diag;

typedef struct sphinx_output {
    sphinx_diag *diags; /* in order of appearance, duplicates dropped */
    size_t ndiags, cap;
    size_t nwarnings;   /* of level WARNING */
    size_t nerrors;     /* of the other levels */
    /* "Configuration error: RuntimeError: bad conf" when sphinx stopped
     * with an error report, else NULL. */
    char *failure;
    int no_sphinx;      /* "No module named sphinx" */
} sphinx_output;

/* Parse `text`; paths under `workdir` are shown relative to it.
 * Returns 0, or -1 when out of memory. */
int sphinx_output_parse(const char *text, const char *workdir, sphinx_output *out);
void sphinx_output_free(sphinx_output *out);

/* "docs/usage.rst:11: undefined label: 'x'" (level prefixed unless it is
 * WARNING; first line of the text only).  Caller frees. */
char *sphinx_diag_line(const sphinx_diag *d);

#endif

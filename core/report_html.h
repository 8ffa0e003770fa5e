/* A self-contained HTML report of one run (no scripts, styles or fonts
 * from elsewhere: it opens from a Jenkins artifact or a mail attachment):
 * header with the result, a timeline, the results table with test
 * counts, each stage's published values, artifacts with sha256, and its
 * log.  Made from the run's record.json and stage logs, which the core
 * already masked; `m` masks once more (e.g. with secrets known now). */
#ifndef S2N_CORE_REPORT_HTML_H
#define S2N_CORE_REPORT_HTML_H

#include "core/mask.h"

/* Writes out_path (NULL: <run_dir>/report.html) atomically.  Returns 0,
 * or -1 with *err (malloc'd). */
int report_html_write_dir(const char *run_dir, const char *out_path, const mask *m, char **err);

#endif

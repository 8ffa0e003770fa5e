/*
 * What `twine check` and PyPI's upload validation would refuse, checked
 * before anything is sent: required fields, a valid name and version, a
 * file name that matches them, a known description content type and a
 * non-empty long description.
 */
#ifndef S2N_TWINE_CHECK_H
#define S2N_TWINE_CHECK_H

#include "plugins/common/coremeta.h"
#include "plugins/common/distread.h"

#include <stddef.h>

/* Report each problem through `report`; returns the number of problems
 * (0: fine to upload).  Warnings (not failures) go through `warn`. */
typedef void (*twine_report_fn)(void *ud, const char *file, const char *msg);

unsigned twine_check(const s2n_coremeta *m, s2n_dist_kind kind, const char *file_name,
                     twine_report_fn report, twine_report_fn warn, void *ud);

#endif

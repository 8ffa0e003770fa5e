/*
 * A native editable install of the workdir's project, for the simple and
 * common case: a PEP 621 [project] table with static metadata and no
 * setup.py.  An "editable wheel" is written (a .pth naming the source
 * root, dist-info from [project]) and installed by the native installer
 * like any wheel, with direct_url.json marking it editable, as pip does
 * for PEP 660 installs.  Anything else is left to pip.
 */
#ifndef S2N_VENV_EDITABLE_H
#define S2N_VENV_EDITABLE_H

#include <stddef.h>

/* Write the editable wheel of `project` into `outdir`.  0 with *wheel and
 * *direct_url (malloc'd: the wheel path, the direct_url.json text); 1
 * when the project needs its build backend (reason says why); -1 on an
 * error (message in reason). */
int s2n_editable_wheel(const char *project, const char *outdir, char **wheel, char **direct_url,
                       char *reason, size_t cap);

#endif

#ifndef S2N_CORE_VALIDATE_H
#define S2N_CORE_VALIDATE_H
#include "core/run.h"
/* Load plugins and check the whole pipeline; 0 when it may run. */
int pipeline_prepare(run *r, diag *d);
#endif

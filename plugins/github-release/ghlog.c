/* ghlog.c — forwards to whatever logger the caller installed. */
#include "ghlog.h"

#include <stdio.h>

void gh_log(const gh_logger *lg, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (lg && lg->vlog) {
        lg->vlog(lg->ctx, level, fmt, ap);
    } else {
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    va_end(ap);
}

/*
 * ghlog.h — the one logging hook of the github-release logic.  The logic
 * files (http, release, dryrun) know nothing about the plugin host: the
 * plugin routes this to host->vlog, the test driver to stderr.
 */
#ifndef GHREL_GHLOG_H
#define GHREL_GHLOG_H

#include <stdarg.h>

enum { GH_DEBUG = 0, GH_INFO = 1, GH_WARN = 2, GH_ERROR = 3 };

typedef struct gh_logger {
    void (*vlog)(void *ctx, int level, const char *fmt, va_list ap);
    void *ctx;
} gh_logger;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void gh_log(const gh_logger *lg, int level, const char *fmt, ...);

#endif

#include "config.h"
#include "core/diag.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void diag_add(diag *d, int is_error, const char *where, const char *fmt, va_list ap)
{
    char *msg = xvasprintf(fmt, ap);
    char *line = xasprintf("%s%s%s%s", where && *where ? where : "", where && *where ? ": " : "",
                           is_error ? "" : "warning: ", msg);
    free(msg);
    d->msgs = xrealloc(d->msgs, (d->n + 1) * sizeof *d->msgs);
    d->msgs[d->n++] = line;
    if (is_error)
        d->nerrors++;
    else
        d->nwarnings++;
}

void diag_take(diag *d, char *line)
{
    d->msgs = xrealloc(d->msgs, (d->n + 1) * sizeof *d->msgs);
    d->msgs[d->n++] = line;
    d->nerrors++;
}

void diag_error(diag *d, s2n_value *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_add(d, 1, value_where(at), fmt, ap);
    va_end(ap);
}

void diag_warn(diag *d, s2n_value *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_add(d, 0, value_where(at), fmt, ap);
    va_end(ap);
}

const char *diag_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    int best_d = 3;
    for (size_t i = 0; i < n; i++) {
        int dist = levenshtein(word, candidates[i]);
        int limit = (int)strlen(candidates[i]) / 3 + 1;
        if (dist < best_d && dist <= limit) {
            best = candidates[i];
            best_d = dist;
        }
    }
    return best;
}

/* "file:line:col: ..." sorts by file, then line and column numerically;
 * messages without a position keep their place after positioned ones. */
static int by_position(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    const char *cx = strchr(x, ':'), *cy = strchr(y, ':');
    if (!cx || !cy)
        return (cx == NULL) - (cy == NULL);
    int f = strncmp(x, y, (size_t)((cx - x) < (cy - y) ? (cx - x) : (cy - y)) + 1);
    if (f)
        return f;
    long lx = 0, ly = 0, kx = 0, ky = 0;
    sscanf(cx + 1, "%ld:%ld", &lx, &kx);
    sscanf(cy + 1, "%ld:%ld", &ly, &ky);
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return kx < ky ? -1 : kx > ky;
}

void diag_print(const diag *d, FILE *out)
{
    if (!d->n)
        return;
    char **sorted = xcalloc(d->n + 1, sizeof *sorted);
    memcpy(sorted, d->msgs, d->n * sizeof *sorted);
    /* qsort is not stable; messages at one position are rare and equal */
    qsort(sorted, d->n, sizeof *sorted, by_position);
    for (size_t i = 0; i < d->n; i++)
        fprintf(out, "%s\n", sorted[i]);
    free(sorted);
}

void diag_free(diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->msgs[i]);
    free(d->msgs);
    d->msgs = NULL;
    d->n = d->nerrors = d->nwarnings = 0;
}

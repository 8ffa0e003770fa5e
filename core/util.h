/* Small helpers every core file uses: allocation that cannot fail
 * silently, a growable string, an arena, files written atomically. */
#ifndef S2N_CORE_UTIL_H
#define S2N_CORE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define S2N_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Growable NUL-terminated string. */
typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;
void sb_add(strbuf *b, const char *s, size_t n);
void sb_puts(strbuf *b, const char *s);
void sb_putc(strbuf *b, char c);
void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_steal(strbuf *b); /* returns the string ("" if empty), resets b */
void sb_free(strbuf *b);

/* Growable array of strings. */
typedef struct strvec {
    char **v;
    size_t n, cap;
} strvec;
void sv_push(strvec *sv, char *owned);
void sv_free(strvec *sv);
int sv_contains(const strvec *sv, const char *s);

/* Arena: many small allocations freed at once. */
typedef struct arena arena;
arena *arena_new(void);
void *arena_alloc(arena *a, size_t n); /* zeroed */
char *arena_strdup(arena *a, const char *s);
void arena_free(arena *a);

/* Files. */
int mkdir_p(const char *path, mode_t mode);
int write_file_atomic(const char *path, const void *data, size_t len);
char *read_file(const char *path, size_t *len); /* malloc'd, NUL-terminated */
char *path_join(const char *a, const char *b);  /* b absolute -> copy of b */
int rm_rf(const char *path);
/* Lowercase hex sha256 of a file; 0, or -1 with errno set (the file
 * untouched in `out`). */
int sha256_file_hex(const char *path, char out[65], uint64_t *size);
/* 0 when OpenSSL computes SHA-256 correctly here, else -1 and why.  Cache
 * keys and artifact digests stand on it: a digest that was never written
 * would make every cache key alike. */
int sha256_selftest(char *why, size_t cap);
/* OpenSSL's SHA-256, fetched once (NULL when unavailable). */
const struct evp_md_st *core_sha256(void);

double now_monotonic(void);
int levenshtein(const char *a, const char *b);

#endif

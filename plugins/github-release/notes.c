/*
 * notes.c — groups commit subjects by conventional-commit type.  Subjects
 * that follow no convention land under "Other changes", so nothing in the
 * log is dropped.
 */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>

#include "notes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct section {
    const char *title;
    const char *types; /* space-separated, each followed by a space */
} sections[] = {
    {"Breaking changes", ""},
    {"Features", "feat feature "},
    {"Bug fixes", "fix bugfix "},
    {"Performance", "perf "},
    {"Documentation", "docs doc "},
    {"Refactoring", "refactor "},
    {"Tests", "test tests "},
    {"Build and CI", "build ci "},
    {"Other changes", NULL},
};
enum { N_SECTIONS = sizeof sections / sizeof sections[0], BREAKING = 0, OTHER = N_SECTIONS - 1 };

typedef struct buf {
    char *s;
    size_t len, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns)
            return;
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* Parse "type(scope)!: text".  Returns the section; *scope and *text point into
 * `subject` with lengths. */
static int classify(const char *subject, const char **scope, size_t *scope_len, const char **text)
{
    const char *p = subject;
    while (isalpha((unsigned char)*p))
        p++;
    size_t type_len = (size_t)(p - subject);
    *scope = NULL;
    *scope_len = 0;
    *text = subject;
    if (type_len == 0 || type_len > 16)
        return OTHER;
    if (*p == '(') {
        const char *close = strchr(p, ')');
        if (!close)
            return OTHER;
        *scope = p + 1;
        *scope_len = (size_t)(close - p - 1);
        p = close + 1;
    }
    int bang = 0;
    if (*p == '!') {
        bang = 1;
        p++;
    }
    if (p[0] != ':' || p[1] != ' ')
        return OTHER;
    *text = p + 2;
    if (bang || strstr(subject, "BREAKING CHANGE"))
        return BREAKING;
    char type[20];
    for (size_t i = 0; i < type_len; i++)
        type[i] = (char)tolower((unsigned char)subject[i]);
    type[type_len] = ' ';
    type[type_len + 1] = '\0';
    for (int s = 1; s < OTHER; s++) {
        const char *hit = strstr(sections[s].types, type);
        if (hit && (hit == sections[s].types || hit[-1] == ' '))
            return s;
    }
    return OTHER;
}

char *gh_notes_from_log(const char *log, const char *tag, const char *prev_tag)
{
    buf out = {0}, sec[N_SECTIONS] = {{0}};
    size_t count = 0;
    for (const char *line = log; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *tab = memchr(line, '\t', len);
        if (tab) {
            char *subject = strndup(tab + 1, len - (size_t)(tab + 1 - line));
            const char *scope, *text;
            size_t scope_len;
            int s = classify(subject, &scope, &scope_len, &text);
            puts_(&sec[s], "- ");
            if (scope && scope_len) {
                puts_(&sec[s], "**");
                put(&sec[s], scope, scope_len);
                puts_(&sec[s], ":** ");
            }
            puts_(&sec[s], text);
            puts_(&sec[s], " (");
            put(&sec[s], line, (size_t)(tab - line));
            puts_(&sec[s], ")\n");
            free(subject);
            count++;
        }
        line = end ? end + 1 : NULL;
    }
    char head[512];
    if (prev_tag)
        snprintf(head, sizeof head, "## %s\n\nChanges since %s.\n", tag, prev_tag);
    else
        snprintf(head, sizeof head, "## %s\n\nFirst release.\n", tag);
    puts_(&out, head);
    if (count == 0)
        puts_(&out, "\nNo changes.\n");
    for (int s = 0; s < N_SECTIONS; s++) {
        if (!sec[s].len)
            continue;
        puts_(&out, "\n### ");
        puts_(&out, sections[s].title);
        puts_(&out, "\n\n");
        puts_(&out, sec[s].s);
        free(sec[s].s);
    }
    return out.s;
}

int gh_repo_from_remote(const char *url, char *out, size_t outlen)
{
    const char *scheme = strstr(url, "://");
    /* https://host/owner/name(.git), ssh://git@host[:port]/owner/name, or
     * scp-like git@host:owner/name.git */
    const char *path = scheme ? strchr(scheme + 3, '/') : strchr(url, ':');
    if (!path)
        return -1;
    size_t len = strlen(path + 1);
    char *p = strndup(path + 1, len);
    if (!p)
        return -1;
    while (len && strchr("/\r\n ", p[len - 1]))
        p[--len] = '\0';
    if (len > 4 && strcmp(p + len - 4, ".git") == 0)
        p[len -= 4] = '\0';
    /* the last two segments: GHES and proxies may add a prefix */
    char *name = strrchr(p, '/');
    int rc = -1;
    if (name && name != p && name[1]) {
        char *owner = name;
        while (owner > p && owner[-1] != '/')
            owner--;
        size_t n = strlen(owner);
        if (owner < name && n + 1 <= outlen) {
            memcpy(out, owner, n + 1);
            rc = 0;
        }
    }
    free(p);
    return rc;
}

/*
 * Requirement files as pip reads them (pip/_internal/req/req_file.py):
 * a line is split into the requirement (tokens up to the first one that
 * starts with '-') and options; comments start at '#' at the line start or
 * after whitespace.
 */
#include "config.h"

#include "plugins/common/requirements.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_DEPTH 16

typedef struct rctx {
    s2n_reqset *rs;
    const char *file;
    const char *dir; /* of file, for relative includes */
    int line;
    int constraint;
    int depth;
    const char *stack[MAX_DEPTH]; /* real paths of the files being read */
    char *err;
    size_t errcap;
} rctx;

static int rfail(rctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int rfail(rctx *c, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errcap, "%s:%d: %s", c->file, c->line, msg);
    return -1;
}

static void note_unsupported(rctx *c, const char *what)
{
    if (c->rs->unsupported)
        return;
    if (asprintf(&c->rs->unsupported, "%s (%s:%d)", what, c->file, c->line) < 0)
        c->rs->unsupported = NULL;
}

static int push_str(char ***arr, size_t *n, const char *s)
{
    char **na = realloc(*arr, (*n + 1) * sizeof *na);
    if (!na)
        return -1;
    *arr = na;
    if (!(na[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

static void fingerprint(s2n_reqset *rs, const char *data, size_t len)
{
    char *nf = realloc(rs->fingerprint, rs->fingerprint_len + len + 1);
    if (!nf)
        return;
    memcpy(nf + rs->fingerprint_len, data, len);
    rs->fingerprint_len += len;
    nf[rs->fingerprint_len] = '\0';
    rs->fingerprint = nf;
}

void s2n_reqset_init(s2n_reqset *rs, const s2n_marker_env *env)
{
    memset(rs, 0, sizeof *rs);
    if (env)
        rs->env = *env;
}

/* ${NAME} (uppercase, digits, _) as pip expands it; unknown stays. */
static char *expand_vars(const s2n_reqset *rs, const char *s)
{
    size_t cap = strlen(s) + 1, n = 0;
    char *out = malloc(cap);
    while (out && *s) {
        const char *val = NULL;
        size_t skip = 1;
        if (s[0] == '$' && s[1] == '{') {
            const char *e = s + 2;
            while (isupper((unsigned char)*e) || isdigit((unsigned char)*e) || *e == '_')
                e++;
            if (*e == '}' && e > s + 2) {
                char name[128];
                snprintf(name, sizeof name, "%.*s", (int)(e - s - 2), s + 2);
                val = rs->getenv ? rs->getenv(rs->getenv_ctx, name) : getenv(name);
                if (val)
                    skip = (size_t)(e - s) + 1;
            }
        }
        size_t add = val ? strlen(val) : 1;
        if (n + add + 1 > cap) {
            cap = (n + add + 1) * 2;
            char *no = realloc(out, cap);
            if (!no) {
                free(out);
                return NULL;
            }
            out = no;
        }
        if (val)
            memcpy(out + n, val, add);
        else
            out[n] = *s;
        n += add;
        s += skip;
    }
    if (out)
        out[n] = '\0';
    return out;
}

static int read_whole(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        errno = bad ? EIO : ENOMEM;
        return -1;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

static char *join_rel(const char *dir, const char *path)
{
    char *out = NULL;
    if (path[0] == '/' || !dir || !*dir)
        return strdup(path);
    if (asprintf(&out, "%s/%s", dir, path) < 0)
        return NULL;
    return out;
}

static int add_file(rctx *parent, s2n_reqset *rs, const char *path, int constraint, int depth,
                    char *err, size_t errcap);

/* Split at whitespace; tokens of the options part. */
static size_t tokenize(char *s, char **tok, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        while (isspace((unsigned char)*s))
            *s++ = '\0';
        if (!*s)
            break;
        tok[n++] = s;
        while (*s && !isspace((unsigned char)*s))
            s++;
    }
    return n;
}

/* The value of an option: "--opt=value", "-ovalue" or the next token. */
static const char *opt_value(rctx *c, char **tok, size_t n, size_t *i, const char *s,
                             const char *l)
{
    const char *t = tok[*i];
    size_t ll = l ? strlen(l) : 0;
    if (l && strncmp(t, l, ll) == 0 && t[ll] == '=')
        return t + ll + 1;
    if (s && strncmp(t, s, 2) == 0 && t[2])
        return t + 2;
    if (*i + 1 < n)
        return tok[++*i];
    rfail(c, "option %s needs a value", t);
    return NULL;
}

static int is_opt(const char *t, const char *s, const char *l)
{
    size_t ll = l ? strlen(l) : 0;
    if (l && strncmp(t, l, ll) == 0 && (t[ll] == '\0' || t[ll] == '='))
        return 1;
    return s && strncmp(t, s, 2) == 0;
}

/* Looks like a path or URL, not a PEP 508 name. */
static int is_path_like(const char *r)
{
    if (strstr(r, "://") && !strchr(r, '@'))
        return 1;
    if (r[0] == '.' || r[0] == '/')
        return 1;
    size_t n = strcspn(r, " ;");
    return (n > 4 && strncmp(r + n - 4, ".whl", 4) == 0)
           || (n > 7 && strncmp(r + n - 7, ".tar.gz", 7) == 0)
           || (n > 4 && strncmp(r + n - 4, ".zip", 4) == 0);
}

static s2n_reqline *new_item(rctx *c)
{
    s2n_reqset *rs = c->rs;
    s2n_reqline *ni = realloc(rs->items, (rs->n + 1) * sizeof *ni);
    if (!ni)
        return NULL;
    rs->items = ni;
    s2n_reqline *it = &ni[rs->n++];
    memset(it, 0, sizeof *it);
    it->file = strdup(c->file);
    it->line = c->line;
    it->constraint = c->constraint;
    it->active = 1;
    return it;
}

static int handle_line(rctx *c, char *line)
{
    char *tok[128];
    /* The requirement part: everything before the first " -" token. */
    char *opts = NULL;
    char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '-') {
        for (char *q = p; *q; q++)
            if (isspace((unsigned char)*q) && q[1] == '-' && q[2] == '-') {
                *q = '\0';
                opts = q + 1;
                break;
            }
    } else {
        opts = p;
        p = NULL;
    }
    size_t nt = opts ? tokenize(opts, tok, 128) : 0;
    s2n_reqline *item = NULL;

    if (p && *p) {
        size_t l = strlen(p);
        while (l && isspace((unsigned char)p[l - 1]))
            p[--l] = '\0';
        if (!(item = new_item(c)))
            return rfail(c, "out of memory");
        item->raw = strdup(p);
        if (is_path_like(p)) {
            note_unsupported(c, "a requirement given as a path or URL");
        } else {
            char derr[300];
            if (s2n_dep_parse(p, &item->dep, derr, sizeof derr, NULL) != 0)
                return rfail(c, "invalid requirement '%s': %s", p, derr);
            if (item->dep.url)
                note_unsupported(c, "a direct URL requirement");
            if (item->dep.marker) {
                char merr[200];
                int v = s2n_marker_eval(item->dep.marker, &c->rs->env, merr, sizeof merr);
                if (v < 0)
                    return rfail(c, "invalid marker: %s", merr);
                item->active = v;
            }
        }
    }

    for (size_t i = 0; i < nt; i++) {
        const char *t = tok[i], *v;
        if (is_opt(t, NULL, "--hash")) {
            if (!(v = opt_value(c, tok, nt, &i, NULL, "--hash")))
                return -1;
            if (!item)
                return rfail(c, "--hash applies to a requirement on the same line");
            const char *colon = strchr(v, ':');
            if (!colon || colon == v || !colon[1])
                return rfail(c, "--hash expects ALGORITHM:HEXDIGEST, got '%s'", v);
            if (strncmp(v, "sha256:", 7) != 0)
                note_unsupported(c, "a --hash with an algorithm other than sha256");
            if (push_str(&item->hashes, &item->nhashes, v) != 0)
                return rfail(c, "out of memory");
        } else if (!item && (is_opt(t, "-r", "--requirement") || is_opt(t, "-c", "--constraint"))) {
            int cons = is_opt(t, "-c", "--constraint");
            if (!(v = opt_value(c, tok, nt, &i, cons ? "-c" : "-r",
                                cons ? "--constraint" : "--requirement")))
                return -1;
            char *inc = join_rel(c->dir, v);
            if (!inc)
                return rfail(c, "out of memory");
            int rc = add_file(c, c->rs, inc, cons || c->constraint, c->depth + 1, c->err,
                              c->errcap);
            free(inc);
            if (rc != 0)
                return -1;
        } else if (!item && is_opt(t, "-e", "--editable")) {
            if (!(v = opt_value(c, tok, nt, &i, "-e", "--editable")))
                return -1;
            s2n_reqline *e = new_item(c);
            if (!e)
                return rfail(c, "out of memory");
            e->editable = 1;
            e->raw = strdup(v);
            note_unsupported(c, "an editable requirement");
        } else if (!item && is_opt(t, "-i", "--index-url")) {
            if (!(v = opt_value(c, tok, nt, &i, "-i", "--index-url")))
                return -1;
            free(c->rs->index_url);
            c->rs->index_url = strdup(v);
        } else if (!item && is_opt(t, NULL, "--extra-index-url")) {
            if (!(v = opt_value(c, tok, nt, &i, NULL, "--extra-index-url")))
                return -1;
            push_str(&c->rs->extra_index, &c->rs->nextra_index, v);
        } else if (!item && is_opt(t, "-f", "--find-links")) {
            if (!(v = opt_value(c, tok, nt, &i, "-f", "--find-links")))
                return -1;
            /* pip resolves a relative find-links against the file's folder
             * when it exists there. */
            char *rel = join_rel(c->dir, v);
            const char *use = (rel && !strstr(v, "://") && access(rel, F_OK) == 0) ? rel : v;
            push_str(&c->rs->find_links, &c->rs->nfind_links, use);
            free(rel);
        } else if (!item && strcmp(t, "--no-index") == 0) {
            c->rs->no_index = 1;
        } else if (!item && strcmp(t, "--require-hashes") == 0) {
            c->rs->require_hashes = 1;
        } else if (!item && strcmp(t, "--pre") == 0) {
            c->rs->pre = 1;
        } else if (!item && (is_opt(t, NULL, "--prefer-binary") || is_opt(t, NULL, "--trusted-host")
                             || is_opt(t, NULL, "--use-feature"))) {
            /* harmless for pinned wheels; pip reads them itself */
            if (t[strcspn(t, "=")] != '=' && strcmp(t, "--prefer-binary") != 0)
                i++;
        } else if (!item && (is_opt(t, NULL, "--only-binary") || is_opt(t, NULL, "--no-binary"))) {
            if (!opt_value(c, tok, nt, &i, NULL, strncmp(t, "--only", 6) == 0 ? "--only-binary"
                                                                             : "--no-binary"))
                return -1;
            if (strncmp(t, "--no-binary", 11) == 0)
                note_unsupported(c, "--no-binary");
        } else if (item && (is_opt(t, NULL, "--config-settings") || is_opt(t, NULL, "--global-option")
                            || is_opt(t, NULL, "--install-option"))) {
            if (t[strcspn(t, "=")] != '=')
                i++;
            note_unsupported(c, "per-requirement build options");
        } else {
            return rfail(c, "unknown or misplaced option '%s'", t);
        }
    }
    return 0;
}

static int parse_text(rctx *c, char *text)
{
    char *logical = NULL;
    size_t llen = 0;
    int start_line = 0;
    int lineno = 0;
    char *save = text;
    while (save) {
        char *nl = strchr(save, '\n');
        if (nl)
            *nl = '\0';
        char *ln = save;
        save = nl ? nl + 1 : NULL;
        lineno++;
        size_t l = strlen(ln);
        if (l && ln[l - 1] == '\r')
            ln[--l] = '\0';
        /* A comment: '#' at the start or after whitespace. */
        for (char *h = ln; (h = strchr(h, '#')); h++)
            if (h == ln || isspace((unsigned char)h[-1])) {
                *h = '\0';
                l = (size_t)(h - ln);
                break;
            }
        int cont = l && ln[l - 1] == '\\';
        if (cont)
            ln[--l] = '\0';
        if (!logical)
            start_line = lineno;
        char *nlg = realloc(logical, llen + l + 2);
        if (!nlg) {
            free(logical);
            return rfail(c, "out of memory");
        }
        logical = nlg;
        memcpy(logical + llen, ln, l);
        llen += l;
        logical[llen] = '\0';
        if (cont && save)
            continue;
        char *expanded = expand_vars(c->rs, logical);
        free(logical);
        logical = NULL;
        llen = 0;
        if (!expanded)
            return rfail(c, "out of memory");
        c->line = start_line;
        char *q = expanded;
        while (isspace((unsigned char)*q))
            q++;
        int rc = *q ? handle_line(c, expanded) : 0;
        free(expanded);
        if (rc != 0)
            return -1;
    }
    free(logical);
    return 0;
}

static int add_file(rctx *parent, s2n_reqset *rs, const char *path, int constraint, int depth,
                    char *err, size_t errcap)
{
    if (depth >= MAX_DEPTH) {
        snprintf(err, errcap, "%s:%d: requirement files nest deeper than %d levels",
                 parent ? parent->file : path, parent ? parent->line : 0, MAX_DEPTH);
        return -1;
    }
    char real[PATH_MAX];
    char *data;
    size_t len;
    if (!realpath(path, real) || read_whole(path, &data, &len) != 0) {
        int e = errno;
        if (parent)
            snprintf(err, errcap, "%s:%d: cannot read requirements file %s: %s", parent->file,
                     parent->line, path, strerror(e));
        else
            snprintf(err, errcap, "%s: cannot read requirements file: %s", path, strerror(e));
        return -1;
    }
    for (rctx *a = parent; a; a = NULL)
        for (int i = 0; i < a->depth + 1 && i < MAX_DEPTH; i++)
            if (a->stack[i] && strcmp(a->stack[i], real) == 0) {
                snprintf(err, errcap, "%s:%d: %s includes itself", parent->file, parent->line,
                         path);
                free(data);
                return -1;
            }
    fingerprint(rs, path, strlen(path) + 1);
    fingerprint(rs, data, len + 1);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        dir[0] = '\0';
    rctx c = {.rs = rs, .file = path, .dir = dir, .constraint = constraint, .depth = depth,
              .err = err, .errcap = errcap};
    if (parent)
        memcpy(c.stack, parent->stack, sizeof c.stack);
    c.stack[depth] = real;
    int rc = parse_text(&c, data);
    free(data);
    return rc;
}

int s2n_reqset_add_file(s2n_reqset *rs, const char *path, int constraint, char *err,
                        size_t errcap)
{
    return add_file(NULL, rs, path, constraint, 0, err, errcap);
}

int s2n_reqset_add_line(s2n_reqset *rs, const char *text, const char *where, int line,
                        char *err, size_t errcap)
{
    char *copy = expand_vars(rs, text);
    if (!copy) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    fingerprint(rs, copy, strlen(copy) + 1);
    rctx c = {.rs = rs, .file = where, .dir = NULL, .line = line, .err = err, .errcap = errcap};
    int rc = handle_line(&c, copy);
    free(copy);
    return rc;
}

void s2n_reqset_free(s2n_reqset *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        s2n_reqline *it = &rs->items[i];
        s2n_dep_free(&it->dep);
        free(it->raw);
        for (size_t k = 0; k < it->nhashes; k++)
            free(it->hashes[k]);
        free(it->hashes);
        free(it->file);
    }
    free(rs->items);
    free(rs->index_url);
    for (size_t i = 0; i < rs->nextra_index; i++)
        free(rs->extra_index[i]);
    free(rs->extra_index);
    for (size_t i = 0; i < rs->nfind_links; i++)
        free(rs->find_links[i]);
    free(rs->find_links);
    free(rs->unsupported);
    free(rs->fingerprint);
    memset(rs, 0, sizeof *rs);
}

/*
 * Candidate files for the native installer.  A PEP 503 page is read as
 * pip reads it: anchors whose href names the file, an optional
 * #sha256= fragment, data-requires-python (HTML-escaped).
 */
#include "config.h"

#include "plugins/venv/finder.h"
#include "plugins/venv/fetch.h"
#include "plugins/common/venv_pep440.h"
#include "plugins/common/venv_pep508.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void push(char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return;
    *v = nv;
    nv[(*n)++] = strdup(s);
}

void s2n_finder_init(s2n_finder *f)
{
    memset(f, 0, sizeof *f);
}

static int is_remote(const char *url)
{
    return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

/* "file:///x" -> "/x" with %XX decoded; NULL for other schemes. */
static char *file_url_path(const char *url)
{
    if (strncmp(url, "file://", 7) == 0)
        url += 7;
    else if (strstr(url, "://"))
        return NULL;
    char *out = malloc(strlen(url) + 1);
    size_t n = 0;
    for (const char *p = url; *p; p++) {
        if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            char hex[3] = {p[1], p[2], 0};
            out[n++] = (char)strtol(hex, NULL, 16);
            p += 2;
        } else
            out[n++] = *p;
    }
    out[n] = '\0';
    return out;
}

void s2n_finder_add_link(s2n_finder *f, const char *link)
{
    if (is_remote(link))
        f->remote = 1;
    push(&f->links, &f->nlinks, link);
}

void s2n_finder_add_index(s2n_finder *f, const char *url)
{
    if (is_remote(url))
        f->remote = 1;
    push(&f->indexes, &f->nindexes, url);
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

int s2n_distfile_parse(const char *filename, s2n_distfile *d)
{
    memset(d, 0, sizeof *d);
    d->build = -1;
    char buf[NAME_MAX + 1];
    snprintf(buf, sizeof buf, "%s", filename);
    char norm[256], ver[128];
    if (ends_with(buf, ".whl")) {
        buf[strlen(buf) - 4] = '\0';
        char *parts[7];
        int n = 0;
        for (char *p = buf; p && n < 7;) {
            parts[n++] = p;
            p = strchr(p, '-');
            if (p)
                *p++ = '\0';
        }
        if (n != 5 && n != 6)
            return -1;
        if (n == 6) {
            if (!isdigit((unsigned char)parts[2][0]))
                return -1;
            d->build = strtol(parts[2], NULL, 10);
        }
        if (s2n_pver_normalize(parts[1], ver, sizeof ver) != 0)
            return -1;
        s2n_pep503(parts[0], norm, sizeof norm);
        char tags[NAME_MAX + 1];
        snprintf(tags, sizeof tags, "%s-%s-%s", parts[n - 3], parts[n - 2], parts[n - 1]);
        d->is_wheel = 1;
        d->tags = strdup(tags);
    } else {
        size_t l = strlen(buf);
        if (ends_with(buf, ".tar.gz"))
            buf[l - 7] = '\0';
        else if (ends_with(buf, ".zip"))
            buf[l - 4] = '\0';
        else
            return -1;
        char *dash = strrchr(buf, '-');
        if (!dash)
            return -1;
        *dash = '\0';
        if (s2n_pver_normalize(dash + 1, ver, sizeof ver) != 0)
            return -1;
        s2n_pep503(buf, norm, sizeof norm);
    }
    d->filename = strdup(filename);
    d->norm = strdup(norm);
    d->version = strdup(ver);
    return 0;
}

long s2n_wheel_rank(const s2n_pyinfo *py, const char *tags)
{
    char buf[NAME_MAX + 1];
    snprintf(buf, sizeof buf, "%s", tags);
    char *abi = strchr(buf, '-');
    if (!abi)
        return -1;
    *abi++ = '\0';
    char *plat = strchr(abi, '-');
    if (!plat)
        return -1;
    *plat++ = '\0';
    long best = -1;
    /* Each part may be a compressed set: "py2.py3". */
    for (char *a = buf; a;) {
        char *an = strchr(a, '.');
        size_t al = an ? (size_t)(an - a) : strlen(a);
        for (char *b = abi; b;) {
            char *bn = strchr(b, '.');
            size_t bl = bn ? (size_t)(bn - b) : strlen(b);
            for (char *c = plat; c;) {
                char *cn = strchr(c, '.');
                size_t cl = cn ? (size_t)(cn - c) : strlen(c);
                char tag[NAME_MAX + 1];
                snprintf(tag, sizeof tag, "%.*s-%.*s-%.*s", (int)al, a, (int)bl, b, (int)cl, c);
                long r = s2n_pyinfo_tag_rank(py, tag);
                if (r >= 0 && (best < 0 || r < best))
                    best = r;
                c = cn ? cn + 1 : NULL;
            }
            b = bn ? bn + 1 : NULL;
        }
        a = an ? an + 1 : NULL;
    }
    return best;
}

static void add_file(s2n_distfile **v, size_t *n, const char *dir, const char *name,
                     const char *sha256, const char *requires_python)
{
    s2n_distfile d;
    if (s2n_distfile_parse(name, &d) != 0)
        return;
    char path[PATH_MAX];
    if (is_remote(dir)) {
        d.url = strdup(dir); /* the full URL of the file */
    } else {
        snprintf(path, sizeof path, "%s/%s", dir, name);
        d.path = strdup(path);
    }
    d.sha256 = sha256 ? strdup(sha256) : NULL;
    d.requires_python = requires_python ? strdup(requires_python) : NULL;
    s2n_distfile *nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) {
        s2n_distfiles_free(&d, 1);
        return;
    }
    *v = nv;
    nv[(*n)++] = d;
}

static void scan_dir(const char *dir, s2n_distfile **v, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            add_file(v, n, dir, e->d_name, NULL, NULL);
    closedir(d);
}

static char *unescape_html(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        static const struct {
            const char *ent;
            char c;
        } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&#39;", '\''}};
        int hit = 0;
        for (size_t k = 0; k < 5; k++) {
            size_t el = strlen(ents[k].ent);
            if (i + el <= len && strncmp(s + i, ents[k].ent, el) == 0) {
                out[n++] = ents[k].c;
                i += el - 1;
                hit = 1;
                break;
            }
        }
        if (!hit)
            out[n++] = s[i];
    }
    out[n] = '\0';
    return out;
}

/* Value of attribute `name` inside one tag [tag, end). */
static char *attr(const char *tag, const char *end, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = tag; p + nl < end; p++) {
        if (strncasecmp(p, name, nl) != 0 || !isspace((unsigned char)p[-1]))
            continue;
        const char *q = p + nl;
        while (q < end && isspace((unsigned char)*q))
            q++;
        if (q >= end || *q != '=')
            continue;
        q++;
        while (q < end && isspace((unsigned char)*q))
            q++;
        char quote = (*q == '"' || *q == '\'') ? *q++ : 0;
        const char *s = q;
        while (q < end && (quote ? *q != quote : !isspace((unsigned char)*q) && *q != '>'))
            q++;
        return unescape_html(s, (size_t)(q - s));
    }
    return NULL;
}

/* Anchors of a PEP 503 page.  `base` is the page's folder (local) or its
 * URL (remote); links are resolved against it. */
static void parse_page(char *html, const char *base, int remote, s2n_distfile **v, size_t *n)
{
    for (char *p = html; (p = strcasestr(p, "<a")) != NULL; p++) {
        if (!isspace((unsigned char)p[2]))
            continue;
        char *end = strchr(p, '>');
        if (!end)
            break;
        char *href = attr(p, end, "href");
        char *rp = attr(p, end, "data-requires-python");
        if (href) {
            char *frag = strchr(href, '#');
            char *sha = NULL;
            if (frag) {
                *frag++ = '\0';
                if (strncmp(frag, "sha256=", 7) == 0)
                    sha = frag + 7;
            }
            char *path = NULL;
            if (remote) {
                path = s2n_url_join(base, href);
                if (path && !is_remote(path)) {
                    char *local = file_url_path(path);
                    free(path);
                    path = local;
                }
            } else if (is_remote(href)) {
                path = strdup(href);
            } else if (strncmp(href, "file://", 7) == 0) {
                path = file_url_path(href);
            } else if (href[0] == '/') {
                path = strdup(href);
            } else {
                path = malloc(strlen(base) + strlen(href) + 2);
                sprintf(path, "%s/%s", base, href);
            }
            if (path && is_remote(path)) {
                /* name from the last path segment, URL kept whole */
                char *q = strchr(path, '?');
                if (q)
                    *q = '\0';
                char *slash = strrchr(path, '/');
                char *dec = slash ? file_url_path(slash + 1) : NULL;
                if (dec)
                    add_file(v, n, path, dec, sha, rp);
                free(dec);
            } else if (path) {
                char *slash = strrchr(path, '/');
                if (slash) {
                    *slash = '\0';
                    char *dec = file_url_path(slash + 1);
                    add_file(v, n, path, dec ? dec : slash + 1, sha, rp);
                    free(dec);
                }
            }
            free(path);
        }
        free(href);
        free(rp);
        p = end;
    }
}

static void scan_page(const char *page, s2n_distfile **v, size_t *n)
{
    FILE *fp = fopen(page, "rb");
    if (!fp)
        return;
    char *html = NULL;
    size_t cap = 0, len = 0, k;
    char chunk[8192];
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (len + k + 1 > cap) {
            char *nh = realloc(html, cap = (len + k + 1) * 2);
            if (!nh)
                break;
            html = nh;
        }
        memcpy(html + len, chunk, k);
        len += k;
    }
    fclose(fp);
    if (!html)
        return;
    html[len] = '\0';
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", page);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    parse_page(html, dir, 0, v, n);
    free(html);
}

long s2n_finder_remote_files(s2n_finder *f, const char *norm, s2n_distfile **out, char *err,
                             size_t errcap)
{
    s2n_distfile *v = NULL;
    size_t n = 0;
    int bad = 0;
    for (size_t i = 0; i < f->nindexes + f->nlinks && !bad; i++) {
        int is_index = i < f->nindexes;
        const char *src = is_index ? f->indexes[i] : f->links[i - f->nindexes];
        if (!is_remote(src))
            continue;
        char *url = NULL;
        if (is_index) {
            size_t l = strlen(src);
            if (asprintf(&url, "%s%s%s/", src, l && src[l - 1] == '/' ? "" : "/", norm) < 0)
                url = NULL;
        } else
            url = strdup(src);
        char *body = NULL, *final = NULL;
        size_t len;
        if (!url || s2n_fetch_text(url, &body, &len, &final, err, errcap) != 0) {
            /* a project missing from an index is a 404: not an error */
            if (is_index && strstr(err, "HTTP 404"))
                err[0] = '\0';
            else
                bad = 1;
        } else {
            parse_page(body, final, 1, &v, &n);
        }
        free(url);
        free(body);
        free(final);
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].norm, norm) == 0)
            v[k++] = v[i];
        else
            s2n_distfiles_free(&v[i], 1);
    }
    if (bad) {
        s2n_distfiles_free(v, k);
        free(v);
        *out = NULL;
        return -1;
    }
    *out = v;
    return (long)k;
}

static void scan_link(const char *link, s2n_distfile **v, size_t *n)
{
    char *path = file_url_path(link);
    if (!path)
        return;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            scan_dir(path, v, n);
        else if (ends_with(path, ".html") || ends_with(path, ".htm"))
            scan_page(path, v, n);
        else {
            char *slash = strrchr(path, '/');
            if (slash) {
                *slash = '\0';
                add_file(v, n, path, slash + 1, NULL, NULL);
            } else
                add_file(v, n, ".", path, NULL, NULL);
        }
    }
    free(path);
}

static void scan_links(s2n_finder *f)
{
    if (f->scanned)
        return;
    f->scanned = 1;
    for (size_t i = 0; i < f->nlinks; i++)
        scan_link(f->links[i], &f->local, &f->nlocal);
}

static s2n_distfile copy_file(const s2n_distfile *s)
{
    s2n_distfile d = *s;
    d.path = s->path ? strdup(s->path) : NULL;
    d.url = s->url ? strdup(s->url) : NULL;
    d.filename = strdup(s->filename);
    d.norm = strdup(s->norm);
    d.version = strdup(s->version);
    d.tags = s->tags ? strdup(s->tags) : NULL;
    d.sha256 = s->sha256 ? strdup(s->sha256) : NULL;
    d.requires_python = s->requires_python ? strdup(s->requires_python) : NULL;
    return d;
}

size_t s2n_finder_files(s2n_finder *f, const char *norm, s2n_distfile **out)
{
    scan_links(f);
    s2n_distfile *v = NULL;
    size_t n = 0;
    for (size_t i = 0; i < f->nlocal; i++)
        if (strcmp(f->local[i].norm, norm) == 0) {
            s2n_distfile *nv = realloc(v, (n + 1) * sizeof *nv);
            if (!nv)
                break;
            v = nv;
            v[n++] = copy_file(&f->local[i]);
        }
    for (size_t i = 0; i < f->nindexes; i++) {
        char *base = file_url_path(f->indexes[i]);
        if (!base)
            continue;
        size_t bl = strlen(base);
        while (bl && base[bl - 1] == '/')
            base[--bl] = '\0';
        char page[PATH_MAX];
        struct stat st;
        snprintf(page, sizeof page, "%s/%s/index.html", base, norm);
        if (stat(page, &st) == 0)
            scan_page(page, &v, &n);
        else {
            snprintf(page, sizeof page, "%s/%s", base, norm);
            scan_dir(page, &v, &n);
        }
        free(base);
    }
    /* Index pages may list other projects' files: keep ours. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].norm, norm) == 0)
            v[k++] = v[i];
        else
            s2n_distfiles_free(&v[i], 1);
    }
    if (k == 0) {
        free(v);
        v = NULL;
    }
    *out = v;
    return k;
}

void s2n_distfiles_free(s2n_distfile *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].path);
        free(v[i].url);
        free(v[i].filename);
        free(v[i].norm);
        free(v[i].version);
        free(v[i].tags);
        free(v[i].sha256);
        free(v[i].requires_python);
    }
}

void s2n_finder_free(s2n_finder *f)
{
    for (size_t i = 0; i < f->nlinks; i++)
        free(f->links[i]);
    free(f->links);
    for (size_t i = 0; i < f->nindexes; i++)
        free(f->indexes[i]);
    free(f->indexes);
    s2n_distfiles_free(f->local, f->nlocal);
    free(f->local);
    free(f->download_dir);
    memset(f, 0, sizeof *f);
}

char *s2n_finder_fingerprint(s2n_finder *f)
{
    scan_links(f);
    size_t cap = 256, len = 0;
    char *s = malloc(cap);
    s[0] = '\0';
    for (size_t i = 0; i < f->nlocal; i++) {
        struct stat st;
        char line[PATH_MAX + 64];
        if (!f->local[i].path)
            continue;
        int n = snprintf(line, sizeof line, "%s|%lld|%lld\n", f->local[i].path,
                         stat(f->local[i].path, &st) == 0 ? (long long)st.st_size : -1LL,
                         stat(f->local[i].path, &st) == 0 ? (long long)st.st_mtime : -1LL);
        if (n < 0)
            continue;
        if (len + (size_t)n + 1 > cap) {
            char *ns = realloc(s, cap = (len + (size_t)n + 1) * 2);
            if (!ns)
                break;
            s = ns;
        }
        memcpy(s + len, line, (size_t)n + 1);
        len += (size_t)n;
    }
    return s;
}

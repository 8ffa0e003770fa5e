/*
 * Candidate files for the native installer.  Index pages are read as pip
 * reads them: a PEP 691 JSON page (files[]: filename, url relative to
 * the page, hashes.sha256, requires-python, yanked, core-metadata) when
 * the server answers the Accept header with JSON, else a PEP 503 HTML
 * page (anchors whose href names the file, an optional #sha256=
 * fragment, data-requires-python, data-yanked, data-core-metadata or
 * PEP 658's original data-dist-info-metadata, all HTML-escaped).
 */
#include "config.h"

#include "plugins/venv/finder.h"
#include "plugins/venv/fetch.h"
#include "plugins/common/hash.h"
#include "plugins/common/html.h"
#include "plugins/common/venv_pep440.h"
#include "plugins/common/venv_pep508.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
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

/* What an index says about a file besides its link (all optional). */
typedef struct file_facts {
    const char *filename; /* PEP 691's filename; else the link's last segment */
    const char *sha256;
    const char *requires_python;
    int yanked;
    int has_metadata;
    const char *metadata_sha256;
} file_facts;

static int is_sha256_hex(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isxdigit((unsigned char)s[n]))
            return 0;
    return n == 64;
}

static void add_file(s2n_distfile **v, size_t *n, const char *dir, const char *name,
                     const file_facts *ff)
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
    if (ff) {
        d.sha256 = ff->sha256 ? strdup(ff->sha256) : NULL;
        d.requires_python = ff->requires_python ? strdup(ff->requires_python) : NULL;
        d.yanked = ff->yanked;
        d.has_metadata = ff->has_metadata;
        if (ff->metadata_sha256 && is_sha256_hex(ff->metadata_sha256))
            snprintf(d.metadata_sha256, sizeof d.metadata_sha256, "%s", ff->metadata_sha256);
    }
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
            add_file(v, n, dir, e->d_name, NULL);
    closedir(d);
}

/* Where attribute `name` of one tag [tag, end) ends (at its '=', or
 * just past a bare name), or NULL when the tag lacks it. */
static const char *find_attr(const char *tag, const char *end, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = tag + 1; p + nl <= end; p++) {
        if (strncasecmp(p, name, nl) != 0 || !isspace((unsigned char)p[-1]))
            continue;
        const char *q = p + nl;
        while (q < end && isspace((unsigned char)*q))
            q++;
        if (q >= end || *q == '=' || *q == '/' || q > p + nl)
            return q;
    }
    return NULL;
}

/* Value of attribute `name` inside one tag [tag, end): NULL when absent,
 * "" for a bare attribute (data-yanked). */
static char *attr(const char *tag, const char *end, const char *name)
{
    const char *q = find_attr(tag, end, name);
    if (!q)
        return NULL;
    if (q >= end || *q != '=')
        return strdup("");
    q++;
    while (q < end && isspace((unsigned char)*q))
        q++;
    char quote = (*q == '"' || *q == '\'') ? *q++ : 0;
    const char *s = q;
    while (q < end && (quote ? *q != quote : !isspace((unsigned char)*q) && *q != '>'))
        q++;
    return s2n_html_unescape(s, (size_t)(q - s));
}

/* One link of a page.  `base` is the page's folder (local) or its URL
 * (remote); the link is resolved against it, its fragment dropped. */
static void add_link(const char *href_in, const char *base, int remote, const file_facts *ff,
                     s2n_distfile **v, size_t *n)
{
    char *href = strdup(href_in);
    if (!href)
        return;
    char *frag = strchr(href, '#');
    if (frag)
        *frag = '\0';
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
    } else if (asprintf(&path, "%s/%s", base, href) < 0) {
        path = NULL;
    }
    if (path && is_remote(path)) {
        /* name from the last path segment, URL kept whole */
        char *q = strchr(path, '?');
        if (q)
            *q = '\0';
        char *slash = strrchr(path, '/');
        char *dec = slash ? file_url_path(slash + 1) : NULL;
        if (dec)
            add_file(v, n, path, ff && ff->filename ? ff->filename : dec, ff);
        free(dec);
    } else if (path) {
        char *slash = strrchr(path, '/');
        if (slash) {
            *slash = '\0';
            char *dec = file_url_path(slash + 1);
            /* a local file is found by its path: the name must match it */
            add_file(v, n, path, dec ? dec : slash + 1, ff);
            free(dec);
        }
    }
    free(path);
    free(href);
}

/* PEP 658/714 value: "true" or "sha256=<hex>" (other hash names are not
 * checkable here, so they count as not advertised). */
static int metadata_attr(const char *val, const char **sha)
{
    *sha = NULL;
    if (!val)
        return 0;
    if (strcasecmp(val, "true") == 0)
        return 1;
    if (strncmp(val, "sha256=", 7) == 0 && is_sha256_hex(val + 7)) {
        *sha = val + 7;
        return 1;
    }
    return 0;
}

/* Anchors of a PEP 503 page. */
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
        char *yank = attr(p, end, "data-yanked");
        char *cm = attr(p, end, "data-core-metadata");
        if (!cm) /* PEP 714: the new name wins, the old one still counts */
            cm = attr(p, end, "data-dist-info-metadata");
        if (href) {
            char *frag = strchr(href, '#');
            file_facts ff = {.requires_python = rp, .yanked = yank != NULL};
            if (frag && strncmp(frag + 1, "sha256=", 7) == 0)
                ff.sha256 = frag + 8;
            ff.has_metadata = metadata_attr(cm, &ff.metadata_sha256);
            add_link(href, base, remote, &ff, v, n);
        }
        free(href);
        free(rp);
        free(yank);
        free(cm);
        p = end;
    }
}

/* One entry of a PEP 691 page's files[]. */
static void add_json_file(json_t *f, const char *base, int remote, s2n_distfile **v, size_t *n)
{
    const char *name = json_string_value(json_object_get(f, "filename"));
    const char *url = json_string_value(json_object_get(f, "url"));
    if (!name || !url)
        return;
    json_t *yanked = json_object_get(f, "yanked");
    json_t *cm = json_object_get(f, "core-metadata");
    if (!cm) /* PEP 714: the new name wins, the old one still counts */
        cm = json_object_get(f, "dist-info-metadata");
    file_facts ff = {
        .filename = name,
        .sha256 = json_string_value(json_object_get(json_object_get(f, "hashes"), "sha256")),
        .requires_python = json_string_value(json_object_get(f, "requires-python")),
        /* true, or a reason (even ""): pip's reading */
        .yanked = json_is_true(yanked) || json_is_string(yanked),
    };
    if (json_is_true(cm))
        ff.has_metadata = 1;
    else if (json_is_object(cm)) {
        const char *ms = json_string_value(json_object_get(cm, "sha256"));
        ff.has_metadata = ms && is_sha256_hex(ms);
        ff.metadata_sha256 = ms;
    }
    add_link(url, base, remote, &ff, v, n);
}

/* A PEP 691 project page.  0, or -1 with err (`where` names the page). */
static int parse_json(const char *text, size_t len, const char *where, const char *base,
                      int remote, s2n_distfile **v, size_t *n, char *err, size_t errcap)
{
    json_error_t je;
    json_t *doc = json_loadb(text, len, 0, &je);
    if (!doc) {
        snprintf(err, errcap, "%s:%d:%d: not a PEP 691 JSON page: %s", where, je.line, je.column,
                 je.text);
        return -1;
    }
    const char *api = json_string_value(json_object_get(json_object_get(doc, "meta"), "api-version"));
    json_t *files = json_object_get(doc, "files");
    int rc = -1;
    if (!api || strncmp(api, "1.", 2) != 0) {
        /* PEP 691: a client must not guess at another major version */
        snprintf(err, errcap, "%s: PEP 691 api-version %s is not supported (1.x is)", where,
                 api ? api : "(missing)");
    } else if (!json_is_array(files)) {
        snprintf(err, errcap, "%s: a PEP 691 page without a \"files\" list", where);
    } else {
        size_t i;
        json_t *f;
        json_array_foreach(files, i, f)
            add_json_file(f, base, remote, v, n);
        rc = 0;
    }
    json_decref(doc);
    return rc;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, k;
    *len = 0;
    char chunk[8192];
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (*len + k + 1 > cap) {
            char *nb = realloc(buf, cap = (*len + k + 1) * 2);
            if (!nb) {
                free(buf);
                fclose(fp);
                return NULL;
            }
            buf = nb;
        }
        memcpy(buf + *len, chunk, k);
        *len += k;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        return NULL;
    }
    if (!buf)
        buf = calloc(1, 1);
    else
        buf[*len] = '\0';
    return buf;
}

static void page_dir(const char *page, char *dir, size_t cap)
{
    snprintf(dir, cap, "%s", page);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
}

static void scan_page(const char *page, s2n_distfile **v, size_t *n)
{
    size_t len;
    char *html = read_file(page, &len);
    if (!html)
        return;
    char dir[PATH_MAX];
    page_dir(page, dir, sizeof dir);
    parse_page(html, dir, 0, v, n);
    free(html);
}

/* A local PEP 691 page (index.json of the twine stage's local index);
 * 0, or -1 when it cannot be used (the HTML beside it is read instead). */
static int scan_json(const char *page, s2n_distfile **v, size_t *n)
{
    size_t len;
    char *text = read_file(page, &len);
    if (!text)
        return -1;
    char dir[PATH_MAX], err[256];
    page_dir(page, dir, sizeof dir);
    size_t before = *n;
    int rc = parse_json(text, len, page, dir, 0, v, n, err, sizeof err);
    free(text);
    if (rc != 0) {
        s2n_distfiles_free(*v + before, *n - before);
        *n = before;
    }
    return rc;
}

/* The media type of a Content-Type value, without parameters. */
static int media_is(const char *ct, const char *type)
{
    size_t tl = strlen(type);
    while (ct && isspace((unsigned char)*ct))
        ct++;
    return ct && strncasecmp(ct, type, tl) == 0
           && (ct[tl] == '\0' || ct[tl] == ';' || isspace((unsigned char)ct[tl]));
}

/* Read a fetched page by its Content-Type, as pip does: JSON for PEP
 * 691's type, HTML for either HTML type (or none at all); anything else
 * is not an index page. */
static int parse_fetched(char *body, size_t len, const char *url, const char *ctype,
                         s2n_distfile **v, size_t *n, char *err, size_t errcap)
{
    if (media_is(ctype, "application/vnd.pypi.simple.v1+json"))
        return parse_json(body, len, url, url, 1, v, n, err, errcap);
    if (!ctype || media_is(ctype, "text/html")
        || media_is(ctype, "application/vnd.pypi.simple.v1+html")) {
        parse_page(body, url, 1, v, n);
        return 0;
    }
    snprintf(err, errcap, "%s: Content-Type %s is not a simple-index page", url, ctype);
    return -1;
}

/* Index pages may list other projects' files: keep ours.  PEP 592, as
 * pip applies it: a yanked file is passed over unless an == pin can only
 * be met by yanked files -- and the native installer only installs ==
 * pins, so a yanked file stays exactly when no file of its version is
 * left unyanked.  Returns the new count. */
static size_t keep_project(s2n_distfile *v, size_t n, const char *norm)
{
    char *keep = calloc(n + 1, 1);
    if (!keep) {
        s2n_distfiles_free(v, n);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        keep[i] = strcmp(v[i].norm, norm) == 0;
        for (size_t j = 0; keep[i] && v[i].yanked && j < n; j++)
            if (!v[j].yanked && strcmp(v[j].norm, norm) == 0
                && strcmp(v[j].version, v[i].version) == 0)
                keep[i] = 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (keep[i])
            v[k++] = v[i];
        else
            s2n_distfiles_free(&v[i], 1);
    }
    free(keep);
    return k;
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
        char *body = NULL, *final = NULL, *ctype = NULL;
        size_t len;
        if (!url
            || s2n_fetch_text(url, S2N_SIMPLE_ACCEPT, &body, &len, &final, &ctype, err, errcap)
                   != 0) {
            /* a project missing from an index is a 404: not an error */
            if (is_index && strstr(err, "HTTP 404"))
                err[0] = '\0';
            else
                bad = 1;
        } else if (parse_fetched(body, len, final, ctype, &v, &n, err, errcap) != 0) {
            bad = 1;
        }
        free(url);
        free(body);
        free(final);
        free(ctype);
    }
    size_t k = keep_project(v, n, norm);
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
                add_file(v, n, path, slash + 1, NULL);
            } else
                add_file(v, n, ".", path, NULL);
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

s2n_distfile s2n_distfile_copy(const s2n_distfile *s)
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
            v[n++] = s2n_distfile_copy(&f->local[i]);
        }
    for (size_t i = 0; i < f->nindexes; i++) {
        char *base = file_url_path(f->indexes[i]);
        if (!base)
            continue;
        size_t bl = strlen(base);
        while (bl && base[bl - 1] == '/')
            base[--bl] = '\0';
        /* A folder index serves index.html; the twine stage's local
         * index has PEP 691's index.json beside it, which says more
         * (yanked, core-metadata) without HTML parsing: read it first. */
        char page[PATH_MAX];
        struct stat st;
        snprintf(page, sizeof page, "%s/%s/index.json", base, norm);
        if (stat(page, &st) != 0 || scan_json(page, &v, &n) != 0) {
            snprintf(page, sizeof page, "%s/%s/index.html", base, norm);
            if (stat(page, &st) == 0)
                scan_page(page, &v, &n);
            else {
                snprintf(page, sizeof page, "%s/%s", base, norm);
                scan_dir(page, &v, &n);
            }
        }
        free(base);
    }
    size_t k = keep_project(v, n, norm);
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

int s2n_distfile_metadata(const s2n_distfile *d, char **text, size_t *len, char *err,
                          size_t errcap)
{
    *text = NULL;
    *len = 0;
    if (!d->has_metadata)
        return 0;
    char *where = NULL;
    if (asprintf(&where, "%s.metadata", d->path ? d->path : d->url) < 0) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    int rc = 0;
    if (d->path) {
        if (!(*text = read_file(where, len))) {
            snprintf(err, errcap, "%s: %s (the index advertises it, PEP 658)", where,
                     strerror(errno));
            rc = -1;
        }
    } else {
        rc = s2n_fetch_text(where, NULL, text, len, NULL, NULL, err, errcap);
    }
    if (rc == 0 && d->metadata_sha256[0]) {
        uint8_t dg[32];
        char hex[65];
        s2n_sha256(*text, *len, dg);
        s2n_hex(dg, 32, hex);
        if (strcasecmp(hex, d->metadata_sha256) != 0) {
            snprintf(err, errcap,
                     "hash mismatch for %s: the index says its core metadata has sha256=%s, "
                     "the file has %s",
                     where, d->metadata_sha256, hex);
            rc = -1;
        }
    }
    if (rc != 0) {
        free(*text);
        *text = NULL;
        *len = 0;
    }
    free(where);
    return rc == 0 ? 1 : -1;
}

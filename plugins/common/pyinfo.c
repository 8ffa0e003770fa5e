/*
 * Interpreter facts, asked once per interpreter build and cached.
 */
#include "config.h"

#include "plugins/common/pyinfo.h"
#include "plugins/common/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *const s2n_marker_names[S2N_MK_COUNT] = {
    "os_name", "sys_platform", "platform_machine", "platform_python_implementation",
    "platform_release", "platform_system", "platform_version", "python_version",
    "python_full_version", "implementation_name", "implementation_version",
};

/* Bump when the shape of the cached JSON changes. */
#define PYINFO_FORMAT 3

/* Printed as one JSON object.  Tags come from the packaging library pip
 * vendors (the same list pip uses); an interpreter without it gets the
 * generic CPython/pure list. */
static const char facts_script[] =
    "import json, os, platform, site, sys, sysconfig, importlib.util\n"
    "def iv(i):\n"
    "    v = '{0.major}.{0.minor}.{0.micro}'.format(i.version)\n"
    "    if i.version.releaselevel != 'final':\n"
    "        v += i.version.releaselevel[0] + str(i.version.serial)\n"
    "    return v\n"
    "m = {'os_name': os.name, 'sys_platform': sys.platform,\n"
    "     'platform_machine': platform.machine(),\n"
    "     'platform_python_implementation': platform.python_implementation(),\n"
    "     'platform_release': platform.release(), 'platform_system': platform.system(),\n"
    "     'platform_version': platform.version(),\n"
    "     'python_version': '.'.join(platform.python_version_tuple()[:2]),\n"
    "     'python_full_version': platform.python_version(),\n"
    "     'implementation_name': sys.implementation.name,\n"
    "     'implementation_version': iv(sys.implementation)}\n"
    "try:\n"
    "    from pip._vendor.packaging import tags as T\n"
    "except Exception:\n"
    "    try:\n"
    "        from packaging import tags as T\n"
    "    except Exception:\n"
    "        T = None\n"
    "if T is not None:\n"
    "    tags = [str(t) for t in T.sys_tags()]\n"
    "else:\n"
    "    xy = '%d%d' % sys.version_info[:2]\n"
    "    plat = sysconfig.get_platform().replace('-', '_').replace('.', '_')\n"
    "    tags = ['cp%s-cp%s-%s' % (xy, xy, plat), 'cp%s-abi3-%s' % (xy, plat),\n"
    "            'cp%s-none-%s' % (xy, plat), 'py%s-none-%s' % (xy, plat),\n"
    "            'py3-none-%s' % plat, 'py%s-none-any' % xy, 'py3-none-any']\n"
    "names = sysconfig.get_scheme_names()\n"
    "scheme = 'venv' if 'venv' in names else 'posix_prefix'\n"
    "b = '/@@'\n"
    "p = sysconfig.get_paths(scheme=scheme, vars={'base': b, 'platbase': b,\n"
    "    'installed_base': b, 'installed_platbase': b})\n"
    "rel = lambda s: os.path.relpath(s, b)\n"
    "xy = '%d.%d' % sys.version_info[:2]\n"
    "base = getattr(sys, '_base_executable', None) or sys.executable\n"
    "print(json.dumps({'version': platform.python_version(), 'xy': xy, 'base': base,\n"
    "    'purelib': rel(p['purelib']), 'platlib': rel(p['platlib']),\n"
    "    'include': 'include/site/python' + xy,\n"
    "    'cache_tag': sys.implementation.cache_tag, 'tags': tags, 'markers': m,\n"
    "    'site': [d for d in getattr(site, 'getsitepackages', lambda p: [])([sys.base_prefix])\n"
    "             if os.path.isdir(d)]}))\n";

int s2n_run_capture(void *ctx, const char *const *argv, char **out, size_t *out_len)
{
    (void)ctx;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0)
            dup2(nul, 0);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf && len + 1024 > cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            } else
                buf = nb;
        }
        if (!buf) {
            char sink[4096];
            if (read(fds[0], sink, sizeof sink) <= 0)
                break;
            continue;
        }
        ssize_t n = read(fds[0], buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (buf)
        buf[len] = '\0';
    if (out)
        *out = buf;
    else
        free(buf);
    if (out_len)
        *out_len = len;
    if (WIFEXITED(status))
        return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

/* PATH lookup for a bare command name. */
static char *find_in_path(const char *name)
{
    if (strchr(name, '/'))
        return strdup(name);
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        char cand[PATH_MAX];
        if (n > 0 && snprintf(cand, sizeof cand, "%.*s/%s", (int)n, path, name) < (int)sizeof cand
            && access(cand, X_OK) == 0)
            return strdup(cand);
        if (!end)
            break;
        path = end + 1;
    }
    return NULL;
}

static char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? strdup(s) : NULL;
}

/* An array of strings (none when absent), NULL-terminated: 0 or -1. */
static int jstrv(json_t *arr, char ***out, size_t *n)
{
    *n = json_array_size(arr);
    *out = calloc(*n + 1, sizeof **out);
    if (!*out)
        return -1;
    for (size_t i = 0; i < *n; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s || !((*out)[i] = strdup(s)))
            return -1;
    }
    return 0;
}

/* Fill `out` from the facts object; 0 when every field is present. */
static int from_json(json_t *j, s2n_pyinfo *out)
{
    out->version = jstr(j, "version");
    out->xy = jstr(j, "xy");
    out->purelib = jstr(j, "purelib");
    out->platlib = jstr(j, "platlib");
    out->include = jstr(j, "include");
    out->cache_tag = jstr(j, "cache_tag");
    out->base = jstr(j, "base");
    json_t *tags = json_object_get(j, "tags");
    json_t *mk = json_object_get(j, "markers");
    if (!out->version || !out->xy || !out->purelib || !out->platlib || !out->include
        || !out->cache_tag || !json_is_array(tags) || !json_is_object(mk))
        return -1;
    if (jstrv(tags, &out->tags, &out->ntags) != 0)
        return -1;
    for (int i = 0; i < S2N_MK_COUNT; i++)
        if (!(out->markers[i] = jstr(mk, s2n_marker_names[i])))
            return -1;
    return jstrv(json_object_get(j, "site"), &out->site, &out->nsite);
}

static void cache_file_name(const char *cache_dir, const char *realpath, char *buf, size_t cap)
{
    uint8_t d[32];
    char hex[65];
    s2n_sha256(realpath, strlen(realpath), d);
    s2n_hex(d, 12, hex);
    snprintf(buf, cap, "%s/python-%s.json", cache_dir, hex);
}

/* The cached facts, when they were written for this very file. */
static json_t *cache_read(const char *file, const char *realpath, const struct stat *st)
{
    json_t *j = json_load_file(file, 0, NULL);
    if (!j)
        return NULL;
    json_t *facts = json_object_get(j, "facts");
    if (json_integer_value(json_object_get(j, "format")) != PYINFO_FORMAT
        || !json_is_string(json_object_get(j, "realpath"))
        || strcmp(json_string_value(json_object_get(j, "realpath")), realpath) != 0
        || json_integer_value(json_object_get(j, "mtime")) != (json_int_t)st->st_mtime
        || json_integer_value(json_object_get(j, "size")) != (json_int_t)st->st_size
        || !json_is_object(facts)) {
        json_decref(j);
        return NULL;
    }
    json_incref(facts);
    json_decref(j);
    return facts;
}

/* Best effort: a cache that cannot be written only costs time. */
static void cache_write(const char *cache_dir, const char *file, const char *realpath,
                        const struct stat *st, json_t *facts)
{
    char tmp[PATH_MAX];
    if (mkdir(cache_dir, 0777) != 0 && errno != EEXIST)
        return;
    json_t *j = json_pack("{s:i, s:s, s:I, s:I, s:O}", "format", PYINFO_FORMAT, "realpath",
                          realpath, "mtime", (json_int_t)st->st_mtime, "size",
                          (json_int_t)st->st_size, "facts", facts);
    if (!j)
        return;
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", file, (long)getpid());
    if (json_dump_file(j, tmp, JSON_COMPACT) != 0 || rename(tmp, file) != 0)
        unlink(tmp); /* a full disk leaves no half file behind */
    json_decref(j);
}

int s2n_pyinfo_get(const char *python, const char *cache_dir, const s2n_runner *runner,
                   s2n_pyinfo *out, char *err, size_t errcap)
{
    memset(out, 0, sizeof *out);
    char *found = find_in_path(python);
    char real[PATH_MAX];
    struct stat st;
    if (!found || !realpath(found, real) || stat(real, &st) != 0) {
        snprintf(err, errcap, "python interpreter %s not found%s", python,
                 found ? "" : " in PATH");
        free(found);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || access(real, X_OK) != 0) {
        snprintf(err, errcap, "python interpreter %s is not an executable file", found);
        free(found);
        return -1;
    }
    if (found[0] != '/') {
        char cwd[PATH_MAX];
        char *abs = NULL;
        if (getcwd(cwd, sizeof cwd) && asprintf(&abs, "%s/%s", cwd, found) > 0) {
            free(found);
            found = abs;
        }
    }
    out->path = found;
    out->realpath = strdup(real);

    char file[PATH_MAX] = "";
    json_t *facts = NULL;
    if (cache_dir) {
        cache_file_name(cache_dir, real, file, sizeof file);
        facts = cache_read(file, real, &st);
        out->cached = facts != NULL;
    }
    if (!facts) {
        /* -I: no PYTHONPATH or user site, so the facts are the interpreter's. */
        const char *argv[] = {found, "-I", "-c", facts_script, NULL};
        char *text = NULL;
        size_t len = 0;
        int rc = runner->run(runner->ctx, argv, &text, &len);
        if (rc != 0 || !text) {
            snprintf(err, errcap, "python interpreter %s failed to report its facts (exit %d)",
                     found, rc);
            free(text);
            s2n_pyinfo_free(out);
            return -1;
        }
        json_error_t jerr;
        facts = json_loads(text, 0, &jerr);
        free(text);
        if (!facts) {
            snprintf(err, errcap, "python interpreter %s: unreadable facts: %s", found, jerr.text);
            s2n_pyinfo_free(out);
            return -1;
        }
        if (cache_dir)
            cache_write(cache_dir, file, real, &st, facts);
    }
    int rc = from_json(facts, out);
    json_decref(facts);
    if (rc != 0) {
        snprintf(err, errcap, "python interpreter %s: incomplete facts (is it Python 3?)", found);
        s2n_pyinfo_free(out);
        return -1;
    }
    return 0;
}

void s2n_pyinfo_free(s2n_pyinfo *info)
{
    free(info->path);
    free(info->realpath);
    free(info->version);
    free(info->xy);
    free(info->purelib);
    free(info->platlib);
    free(info->include);
    free(info->cache_tag);
    free(info->base);
    for (size_t i = 0; info->tags && i < info->ntags; i++)
        free(info->tags[i]);
    free(info->tags);
    for (int i = 0; i < S2N_MK_COUNT; i++)
        free(info->markers[i]);
    for (size_t i = 0; info->site && i < info->nsite; i++)
        free(info->site[i]);
    free(info->site);
    memset(info, 0, sizeof *info);
}

long s2n_pyinfo_tag_rank(const s2n_pyinfo *info, const char *tag)
{
    for (size_t i = 0; i < info->ntags; i++)
        if (strcmp(info->tags[i], tag) == 0)
            return (long)i;
    return -1;
}

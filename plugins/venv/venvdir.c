/*
 * Native venv layout.  Checked against `python3 -m venv --without-pip`
 * of Debian's 3.11: same pyvenv.cfg keys, links, folders.
 */
#include "config.h"

#include "plugins/venv/venvdir.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

char *s2n_activate_sh(const char *venv, const char *prompt);
char *s2n_activate_fish(const char *venv, const char *prompt);
char *s2n_activate_csh(const char *venv, const char *prompt);

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}

int s2n_mkdirs(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int write_file(const char *path, const char *text, mode_t mode)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.s2n-tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    ssize_t w = write(fd, text, len);
    if (close(fd) != 0 || w != (ssize_t)len || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int link_at(const char *root, const char *name, const char *target)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", root, name);
    unlink(path);
    return symlink(target, path);
}

int s2n_venv_create(const s2n_venv_spec *s, char *err, size_t errcap)
{
    const s2n_pyinfo *py = s->py;
    char path[PATH_MAX];
    if (s2n_mkdirs(s->root) != 0)
        return fail(err, errcap, "cannot create %s: %s", s->root, strerror(errno));
    snprintf(path, sizeof path, "%s/bin", s->root);
    if (s2n_mkdirs(path) != 0)
        return fail(err, errcap, "cannot create %s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/%s", s->root, py->purelib);
    if (s2n_mkdirs(path) != 0)
        return fail(err, errcap, "cannot create %s: %s", path, strerror(errno));
    if (strcmp(py->platlib, py->purelib) != 0) {
        snprintf(path, sizeof path, "%s/%s", s->root, py->platlib);
        if (s2n_mkdirs(path) != 0)
            return fail(err, errcap, "cannot create %s: %s", path, strerror(errno));
    }
    snprintf(path, sizeof path, "%s/include/python%s", s->root, py->xy);
    s2n_mkdirs(path);
    /* venv links lib64 -> lib on 64-bit POSIX (not macOS). */
    if (sizeof(void *) == 8 && strncmp(py->purelib, "lib/", 4) == 0)
        link_at(s->root, "lib64", "lib");

    /* Interpreter links as venv makes them: python3 -> the interpreter as
     * given, python and python3.X -> python3. */
    char pyx[32];
    snprintf(pyx, sizeof pyx, "bin/python%s", py->xy);
    /* An interpreter inside another venv stands for its base, as
     * `python -m venv` run from an active venv does. */
    const char *exe = py->base && py->base[0] == '/' ? py->base : py->path;
    if (link_at(s->root, "bin/python3", exe) != 0 || link_at(s->root, "bin/python", "python3") != 0
        || link_at(s->root, pyx, "python3") != 0)
        return fail(err, errcap, "cannot link the interpreter into %s/bin: %s", s->root,
                    strerror(errno));

    /* home is the folder of the interpreter as given; executable its
     * real path (what `python -m venv` writes). */
    char home[PATH_MAX];
    snprintf(home, sizeof home, "%s", exe);
    char *slash = strrchr(home, '/');
    if (slash && slash != home)
        *slash = '\0';
    char *cfg = NULL;
    if (asprintf(&cfg,
                 "home = %s\n"
                 "include-system-site-packages = %s\n"
                 "version = %s\n"
                 "executable = %s\n"
                 "command = %s\n",
                 home, s->system_site_packages ? "true" : "false", py->version, py->realpath,
                 s->command ? s->command : "s2nbuild stage venv") < 0)
        return fail(err, errcap, "out of memory");
    snprintf(path, sizeof path, "%s/pyvenv.cfg", s->root);
    int rc = write_file(path, cfg, 0666);
    free(cfg);
    if (rc != 0)
        return fail(err, errcap, "cannot write %s: %s", path, strerror(errno));

    const char *prompt_name = s->prompt;
    if (!prompt_name) {
        const char *b = strrchr(s->final_root, '/');
        prompt_name = b ? b + 1 : s->final_root;
    }
    char prompt[NAME_MAX + 8];
    snprintf(prompt, sizeof prompt, "(%s) ", prompt_name);
    struct {
        const char *name;
        char *text;
    } scripts[] = {
        {"bin/activate", s2n_activate_sh(s->final_root, prompt)},
        {"bin/activate.fish", s2n_activate_fish(s->final_root, prompt)},
        {"bin/activate.csh", s2n_activate_csh(s->final_root, prompt)},
    };
    rc = 0;
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", s->root, scripts[i].name);
        if (!scripts[i].text || write_file(path, scripts[i].text, 0666) != 0)
            rc = rc ? rc : fail(err, errcap, "cannot write %s", path);
        free(scripts[i].text);
    }
    return rc;
}

char *s2n_venv_cfg_get(const char *root, const char *key)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/pyvenv.cfg", root);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char line[4096];
    size_t kl = strlen(key);
    char *val = NULL;
    while (!val && fgets(line, sizeof line, f)) {
        char *p = line;
        if (strncmp(p, key, kl) != 0)
            continue;
        p += kl;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '=')
            continue;
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        p[strcspn(p, "\r\n")] = '\0';
        val = strdup(p);
    }
    fclose(f);
    return val;
}

int s2n_venv_cfg_set(const char *root, const char *key, const char *value, char *err,
                     size_t errcap)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/pyvenv.cfg", root);
    FILE *f = fopen(path, "r");
    if (!f)
        return fail(err, errcap, "cannot read %s: %s", path, strerror(errno));
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    text[0] = '\0';
    char line[4096];
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, f)) {
        const char *p = line + (strncmp(line, key, kl) == 0 ? kl : 0);
        while (p != line && (*p == ' ' || *p == '\t'))
            p++;
        if (p != line && *p == '=')
            continue; /* the old value */
        size_t ll = strlen(line);
        if (len + ll + 1 > cap) {
            char *nt = realloc(text, cap = (len + ll + 1) * 2);
            if (!nt)
                break;
            text = nt;
        }
        memcpy(text + len, line, ll + 1);
        len += ll;
    }
    fclose(f);
    char *out = NULL;
    int rc = asprintf(&out, "%s%s = %s\n", text, key, value) < 0 ? -1 : write_file(path, out, 0666);
    free(text);
    free(out);
    return rc == 0 ? 0 : fail(err, errcap, "cannot write %s: %s", path, strerror(errno));
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

int s2n_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

int s2n_swap_in(const char *fresh, const char *path, char *err, size_t errcap)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (rename(fresh, path) != 0)
            return fail(err, errcap, "cannot move %s to %s: %s", fresh, path, strerror(errno));
        return 0;
    }
    if (renameat2(AT_FDCWD, fresh, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
        /* `fresh` now names the old environment */
        s2n_rmtree(fresh);
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS)
        return fail(err, errcap, "cannot swap %s into %s: %s", fresh, path, strerror(errno));
    char old[PATH_MAX];
    snprintf(old, sizeof old, "%s.s2n-old-%ld", path, (long)getpid());
    s2n_rmtree(old);
    if (rename(path, old) != 0)
        return fail(err, errcap, "cannot move %s aside: %s", path, strerror(errno));
    if (rename(fresh, path) != 0) {
        int e = errno;
        rename(old, path);
        return fail(err, errcap, "cannot move %s to %s: %s", fresh, path, strerror(e));
    }
    s2n_rmtree(old);
    return 0;
}

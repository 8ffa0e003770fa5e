/*
 * sphinx — builds the documentation with `python -m sphinx` in the
 * interpreter of the upstream venv (or `python:`), shows its warnings as
 * file:line: message, archives the site reproducibly as an artifact, and
 * optionally publishes it to a gh-pages branch or runs linkcheck.
 * Thin: docsource.c finds the sources, sphinx_output.c reads sphinx's
 * diagnostics, sitearchive.c writes the tar.gz, ghpages.c publishes,
 * linkcheck.c checks links.
 */
#include <s2nbuild/plugin.h>

#include "plugins/common/pyenv.h"
#include "plugins/sphinx/docsource.h"
#include "plugins/sphinx/ghpages.h"
#include "plugins/sphinx/sphinx_cmd.h"
#include "plugins/sphinx/linkcheck.h"
#include "plugins/sphinx/sitearchive.h"
#include "plugins/sphinx/sphinx_output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const s2n_option sphinx_options[] = {
    {.name = "python", .kind = S2N_KIND_STRING,
     .help = "interpreter to run (default: the upstream venv's python, else /usr/bin/python3)"},
    {.name = "source", .kind = S2N_KIND_PATH,
     .help = "folder with conf.py (default: the first of docs/, doc/, docs/source/, sphinx/source/ with one)"},
    {.name = "builder", .kind = S2N_KIND_STRING, .default_value = "html", .help = "sphinx builder (-b)"},
    {.name = "warnings_as_errors", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "fail on any warning (-W --keep-going: all warnings are still shown)"},
    {.name = "jobs", .kind = S2N_KIND_INT, .help = "parallel jobs (-j); 0 means auto"},
    {.name = "args", .kind = S2N_KIND_LIST, .help = "extra sphinx arguments (e.g. -D name=value, -t tag)"},
    {.name = "outdir", .kind = S2N_KIND_PATH,
     .help = "where the site is written (default: the stage's own directory)"},
    {.name = "archive", .kind = S2N_KIND_BOOL, .default_value = "true",
     .help = "declare the site as a reproducible tar.gz artifact"},
    {.name = "publish", .kind = S2N_KIND_ANY,
     .help = "commit the site to a branch and push: true, or {branch: gh-pages, remote: origin, cname, message}"},
    {.name = "linkcheck", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "also check external links (linkcheck builder); remembers when each link last worked"},
    {.name = "linkcheck_cache_hours", .kind = S2N_KIND_INT, .default_value = "24",
     .help = "a failing link that worked within this many hours only warns (flaky sites); 0: always fail"},
    {.name = NULL},
};

static const char *const publish_keys[] = {"branch", "remote", "cname", "message", NULL};

/* publish: true/false, or a map of publish_keys. */
static int publish_opts(s2n_stage *st, const s2n_host *h, ghpages_opts *o, int report)
{
    const s2n_value *v = h->option(st, "publish");
    memset(o, 0, sizeof *o);
    o->branch = "gh-pages";
    o->remote = "origin";
    if (!v)
        return 0;
    if (h->value_kind(v) == S2N_KIND_STRING) {
        const char *s = h->value_str(v);
        if (strcmp(s, "true") == 0)
            return 1;
        if (strcmp(s, "false") == 0)
            return 0;
        if (report)
            h->error(st, "publish", "expected true, false or a mapping {branch, remote, cname, message}, got '%s'", s);
        return -1;
    }
    if (h->value_kind(v) != S2N_KIND_MAP) {
        if (report)
            h->error(st, "publish", "expected true, false or a mapping {branch, remote, cname, message}");
        return -1;
    }
    for (size_t i = 0; i < h->value_len(v); i++) {
        const char *key = h->value_key_at(v, i);
        const char *val = h->value_str(h->value_at(v, i));
        const char *const *k = publish_keys;
        while (*k && strcmp(*k, key) != 0)
            k++;
        if (!*k) {
            if (report)
                h->error(st, "publish", "unknown key '%s' (expected branch, remote, cname or message)", key);
            return -1;
        }
        if (!val || !*val) {
            if (report)
                h->error(st, "publish", "'%s' must be a non-empty string", key);
            return -1;
        }
        if (strcmp(key, "branch") == 0) {
            if (val[0] == '-' || strchr(val, ' ') || strstr(val, "..") || strchr(val, ':')) {
                if (report)
                    h->error(st, "publish", "'%s' is not a valid branch name", val);
                return -1;
            }
            o->branch = strncmp(val, "refs/heads/", 11) == 0 ? val + 11 : val;
        } else if (strcmp(key, "remote") == 0) {
            if (val[0] == '-') {
                if (report)
                    h->error(st, "publish", "remote '%s' may not start with '-'", val);
                return -1;
            }
            o->remote = val;
        } else if (strcmp(key, "cname") == 0) {
            o->cname = val;
        } else {
            o->message = val;
        }
    }
    return 1;
}

static int sphinx_validate(s2n_stage *st, const s2n_host *h)
{
    ghpages_opts o;
    if (publish_opts(st, h, &o, 1) < 0)
        return S2N_ERROR;
    long long j;
    if (h->opt_int(st, "jobs", &j) == 0 && j < 0) {
        h->error(st, "jobs", "expected 0 (auto) or a positive number, got %lld", j);
        return S2N_ERROR;
    }
    const char *b = h->opt_string(st, "builder");
    if (b && (!*b || b[0] == '-')) {
        h->error(st, "builder", "'%s' is not a builder name", b);
        return S2N_ERROR;
    }
    return S2N_OK;
}

static int mkdir_p(const char *path)
{
    char buf[4096];
    if ((size_t)snprintf(buf, sizeof buf, "%s", path) >= sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Log every diagnostic and build the summary's first line. */
static const char *show_diagnostics(s2n_stage *st, const s2n_host *h, const sphinx_output *so)
{
    const char *first = NULL;
    for (size_t i = 0; i < so->ndiags; i++) {
        char *line = sphinx_diag_line(&so->diags[i]);
        if (!line)
            continue;
        const char *more = strchr(so->diags[i].text, '\n'); /* an indented block that belongs to it */
        h->log(st, strcmp(so->diags[i].level, "WARNING") == 0 ? S2N_LOG_WARN : S2N_LOG_ERROR, "%s%s", line,
               more ? more : "");
        if (!first)
            first = h->str_dup(st, line);
        free(line);
    }
    return first;
}

/* The result of the sphinx run, with the summary message when it is not OK. */
static int judge_build(s2n_stage *st, const s2n_host *h, int code, const sphinx_output *so, int werror,
                       const char *python, s2n_pyenv_origin origin, const char *first)
{
    size_t nd = so->nwarnings + so->nerrors;
    if (so->no_sphinx) {
        h->set_message(st, "sphinx is not installed for %s (%s); add sphinx to the venv's requirements"
                           " or install python3-sphinx",
                       python, s2n_pyenv_origin_text(origin));
        return S2N_ERROR;
    }
    if (code > 128) {
        h->set_message(st, "sphinx was killed by signal %d", code - 128);
        return S2N_ERROR;
    }
    if (code == 2 || so->failure) {
        /* sphinx's own report of a crash, a config or an extension error */
        h->set_message(st, "sphinx stopped: %s", so->failure ? so->failure : "see the stage log");
        return S2N_ERROR;
    }
    if (code != 0 && nd > 0) {
        h->set_message(st, "%zu %s%s %s; first: %s", nd, werror ? "warning" : "problem", nd == 1 ? "" : "s",
                       werror ? (nd == 1 ? "treated as an error" : "treated as errors") : "reported", first);
        return S2N_FAILED;
    }
    if (code != 0) {
        h->set_message(st, "sphinx exited with status %d; see the stage log", code);
        return S2N_ERROR;
    }
    return S2N_OK;
}

static int sphinx_run_stage(s2n_stage *st, const s2n_host *h)
{
    s2n_pyenv_origin origin;
    const char *python = s2n_pyenv_python(st, h, "python", &origin);
    if (!python)
        return S2N_ERROR;
    const char *source = docs_source(st, h);
    if (!source)
        return S2N_ERROR;
    const char *builder = h->opt_string(st, "builder");
    int werror = 0;
    h->opt_bool(st, "warnings_as_errors", &werror);
    const char *outdir = h->opt_string(st, "outdir");
    if (!outdir)
        outdir = h->str_printf(st, "%s/%s", h->stage_dir(st), builder);
    /* -E reads every source each run: incremental builds would hide the
     * warnings of unchanged pages, and the stage cache already skips
     * unchanged runs. */
    const char *doctrees = h->str_printf(st, "%s/doctrees", h->stage_dir(st));
    if (mkdir_p(outdir) != 0) {
        h->set_message(st, "cannot create %s: %s", outdir, strerror(errno));
        return S2N_ERROR;
    }

    h->log(st, S2N_LOG_INFO, "sphinx %s: %s -> %s with %s (%s)", builder, source, outdir, python,
           s2n_pyenv_origin_text(origin));
    s2n_spawn spec = {.struct_size = sizeof spec,
                      .argv = sphinx_argv(st, h, python, builder, source, outdir, doctrees,
                                           SPHINX_FRESH | (werror ? SPHINX_WERROR : 0)),
                      .flags = S2N_SPAWN_CAPTURE | S2N_SPAWN_MERGE};
    char *text = NULL;
    size_t len = 0;
    int code = h->spawn(st, &spec, &text, &len);
    if (code < 0) {
        h->set_message(st, "could not start %s", python);
        return S2N_ERROR;
    }

    sphinx_output so;
    if (sphinx_output_parse(text ? text : "", h->workdir(st), &so) != 0) {
        h->set_message(st, "out of memory reading sphinx's output");
        return S2N_ERROR;
    }
    const char *first = show_diagnostics(st, h, &so);
    if (!first)
        first = "";
    if (code != 0 && text && *text)
        h->log(st, S2N_LOG_INFO, "sphinx output:\n%s", text);

    size_t nd = so.nwarnings + so.nerrors;
    int result = judge_build(st, h, code, &so, werror, python, origin, first);
    sphinx_output_free(&so);
    if (result != S2N_OK)
        return result;

    h->set_output(st, "site", outdir);
    int archive = 1;
    h->opt_bool(st, "archive", &archive);
    const char *summary = nd ? h->str_printf(st, "built %s with %zu warning%s; first: %s", builder, nd,
                                             nd == 1 ? "" : "s", first)
                             : h->str_printf(st, "built %s", builder);
    if (archive) {
        const char *tgz = h->str_printf(st, "%s/%s-%s.tar.gz", h->stage_dir(st), h->stage_name(st), builder);
        char err[512];
        long long epoch = site_archive_epoch(h->getenv(st, "SOURCE_DATE_EPOCH"));
        long files = site_archive_write(outdir, tgz, epoch, err, sizeof err);
        if (files < 0) {
            h->set_message(st, "cannot archive the site: %s", err);
            return S2N_ERROR;
        }
        if (h->add_artifact(st, tgz, "docs") != 0)
            return S2N_ERROR;
        summary = h->str_printf(st, "%s (%ld files archived)", summary, files);
    }
    h->set_message(st, "%s", summary);

    int lc = 0;
    h->opt_bool(st, "linkcheck", &lc);
    if (lc) {
        int r = linkcheck_run(st, h, python, source, summary);
        if (r != S2N_OK) {
            h->log(st, S2N_LOG_INFO, "not publishing: the link check did not pass");
            return r;
        }
    }

    ghpages_opts po;
    if (publish_opts(st, h, &po, 0) > 0) {
        po.site = outdir;
        return ghpages_publish(st, h, &po);
    }
    return S2N_OK;
}

static const s2n_plugin sphinx_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "sphinx",
    .version = "1.0.0",
    .summary = "build the documentation with Sphinx; archive and publish the site",
    .options = sphinx_options,
    .validate = sphinx_validate,
    .run = sphinx_run_stage,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &sphinx_plugin;
}

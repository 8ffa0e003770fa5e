/*
 * Resolving the target the way twine does (options > environment >
 * .pypirc), plus the local-index default:
 *
 *   repository_url / TWINE_REPOSITORY_URL   an upload URL, credentials
 *                                           from options/env only
 *   repository / TWINE_REPOSITORY           a .pypirc name ("pypi" and
 *                                           "testpypi" are built in), a
 *                                           URL, or "local"
 *   neither, .pypirc with index-servers     its first server
 *   nothing at all                          the local index
 *
 * Username: option > TWINE_USERNAME > .pypirc; password: option (password
 * or token) > TWINE_PASSWORD > .pypirc.  A token, or a password without a
 * username, goes as "__token__".  Every credential is registered for
 * masking before it is used.
 */
#include "plugins/twine/settings.h"

#include "plugins/common/hash.h" /* S2N_DIGEST_* */
#include "plugins/common/pypirc.h"

#include <stdlib.h>
#include <string.h>

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

static const char *opt_or_env(s2n_stage *st, const s2n_host *h, const char *opt, const char *env)
{
    const char *v = nonempty(h->opt_string(st, opt));
    return v ? v : nonempty(h->getenv(st, env));
}

const char *twine_guess_index(s2n_stage *st, const s2n_host *h, const char *url)
{
    if (!url)
        return NULL;
    if (strncmp(url, "https://upload.pypi.org/", 24) == 0)
        return "https://pypi.org/simple/";
    if (strncmp(url, "https://test.pypi.org/", 22) == 0)
        return "https://test.pypi.org/simple/";
    size_t n = strlen(url);
    const char *suffixes[] = {"/legacy/", "/legacy"};
    for (size_t i = 0; i < 2; i++) {
        size_t m = strlen(suffixes[i]);
        if (n >= m && strcmp(url + n - m, suffixes[i]) == 0)
            return h->str_printf(st, "%.*s/simple/", (int)(n - m), url);
    }
    /* pypiserver ("/" -> "/simple/"), Nexus (".../repository/R/"),
     * Artifactory (".../api/pypi/R") and GitLab (".../packages/pypi")
     * serve it under the upload URL.  Only a guess: where nothing
     * answers, the upload goes ahead quietly. */
    while (n > 0 && url[n - 1] == '/')
        n--;
    return h->str_printf(st, "%.*s/simple/", (int)n, url);
}

int twine_config_resolve(s2n_stage *st, const s2n_host *h, twine_config *c)
{
    memset(c, 0, sizeof *c);
    long long v;
    c->retries = h->opt_int(st, "retries", &v) == 0 ? v : 3;
    c->timeout = h->opt_int(st, "timeout", &v) == 0 ? v : 60;
    int b;
    c->skip_existing = h->opt_bool(st, "skip_existing", &b) == 0 && b;
    c->insecure = h->opt_bool(st, "insecure", &b) == 0 && b;
    c->check = !(h->opt_bool(st, "check", &b) == 0 && !b);
    const char *dg = h->opt_string(st, "digests");
    c->digests = dg && strcmp(dg, "sha256") == 0 ? S2N_DIGEST_SHA256 : S2N_DIGEST_ALL;
    if (c->retries < 0 || c->retries > 20) {
        h->error(st, "retries", "expected 0 to 20, got %lld", c->retries);
        return S2N_ERROR;
    }
    if (c->timeout <= 0) {
        h->error(st, "timeout", "expected a positive number of seconds, got %lld", c->timeout);
        return S2N_ERROR;
    }

    /* .pypirc: option, else ~/.pypirc (missing is fine only then). */
    const char *cfg = nonempty(h->opt_string(st, "config_file"));
    int explicit_cfg = cfg != NULL;
    if (!cfg) {
        const char *home = nonempty(h->getenv(st, "HOME"));
        cfg = home ? h->str_printf(st, "%s/.pypirc", home) : NULL;
    }
    s2n_pypirc *rc = NULL;
    char err[512];
    if (s2n_pypirc_load(cfg, !explicit_cfg, &rc, err, sizeof err) != 0) {
        h->error(st, explicit_cfg ? "config_file" : NULL, "%s", err);
        return S2N_ERROR;
    }

    const char *url = opt_or_env(st, h, "repository_url", "TWINE_REPOSITORY_URL");
    const char *name = url ? NULL : opt_or_env(st, h, "repository", "TWINE_REPOSITORY");
    if (name && strstr(name, "://")) {
        url = name;
        name = NULL;
    }
    if (!url && !name && s2n_pypirc_present(rc) &&
        s2n_pypirc_get(rc, "distutils", "index-servers"))
        name = s2n_pypirc_index_server(rc, 0, 0);

    s2n_pypirc_repo repo = {0};
    if (!url && (!name || strcmp(name, "local") == 0)) {
        c->local = 1;
        const char *dir = nonempty(h->opt_string(st, "index_dir"));
        c->index_dir = dir ? dir : h->str_printf(st, "%s/index", h->state_dir(st));
        c->repo_label = c->index_dir;
        s2n_pypirc_free(rc);
        return S2N_OK;
    }
    if (!url) {
        if (s2n_pypirc_repository(rc, name, &repo, err, sizeof err) != 0) {
            h->error(st, h->opt_string(st, "repository") ? "repository" : NULL, "%s (%s%s)", err,
                     cfg && s2n_pypirc_present(rc) ? "read " : "no file ", cfg ? cfg : "$HOME/.pypirc");
            s2n_pypirc_free(rc);
            return S2N_ERROR;
        }
        url = repo.repository;
        c->repo_label = h->str_dup(st, name);
    } else {
        c->repo_label = url;
    }
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
        h->error(st, NULL, "repository URL '%s': expected http:// or https://", url);
        s2n_pypirc_free(rc);
        return S2N_ERROR;
    }
    c->upload_url = h->str_dup(st, url);

    const char *user = opt_or_env(st, h, "username", "TWINE_USERNAME");
    const char *token = nonempty(h->opt_string(st, "token"));
    const char *pass = token ? token : opt_or_env(st, h, "password", "TWINE_PASSWORD");
    if (!user && !token)
        user = nonempty(repo.username);
    if (!pass)
        pass = nonempty(repo.password);
    if (token || (pass && !user))
        user = "__token__";
    c->username = user ? h->str_dup(st, user) : NULL;
    c->password = pass ? h->str_dup(st, pass) : NULL;
    if (c->password)
        h->add_secret(st, c->password);
    const char *cert = opt_or_env(st, h, "cert", "TWINE_CERT");
    if (!cert)
        cert = nonempty(repo.ca_cert);
    c->cafile = cert ? h->str_dup(st, cert) : NULL;
    const char *idx = nonempty(h->opt_string(st, "index_url"));
    c->index_url = idx ? idx : twine_guess_index(st, h, c->upload_url);
    s2n_pypirc_free(rc);
    return S2N_OK;
}

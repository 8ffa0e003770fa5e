/*
 * Resolving the target: the stage's options, then the environment, then
 * the local-index default:
 *
 *   repository_url, repository              the stage's own choice wins
 *                                           over anything exported
 *   TWINE_REPOSITORY_URL, TWINE_REPOSITORY  twine's variables
 *   nothing chosen                          the local index (twine would
 *                                           go to PyPI: credentials that
 *                                           are then left unused are
 *                                           named in a warning)
 *
 * A name is a .pypirc section ("pypi" and "testpypi" are built in), a URL,
 * or "local".  Unlike twine, an exported TWINE_REPOSITORY_URL does not
 * override a repository the pipeline file names: the file is the more
 * specific of the two.
 *
 * Username: option > TWINE_USERNAME > .pypirc; password: option (password
 * or token) > TWINE_PASSWORD > .pypirc.  A token, or a password without a
 * username, goes as "__token__".  Every credential is registered for
 * masking before it is used.
 */
#include "plugins/twine/settings.h"

#include "plugins/common/hash.h" /* S2N_DIGEST_* */
#include "plugins/common/pypirc.h"

#include <curl/curl.h>
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

/* Credentials in the upload URL itself (https://user:token@host/...,
 * common with GitLab, Nexus and Artifactory) are used by libcurl; their
 * password is a secret like any other. */
static void mask_url_password(s2n_stage *st, const s2n_host *h, const char *url)
{
    CURLU *u = curl_url();
    char *pw = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PASSWORD, &pw, CURLU_URLDECODE) == CURLUE_OK && pw && *pw)
        h->add_secret(st, pw);
    curl_free(pw);
    curl_url_cleanup(u);
}

/* With nothing chosen the files go to the local index, where twine would
 * upload to PyPI: name the credentials this leaves unused, so a job
 * moved over from `twine upload dist/...` does not pass quietly without
 * publishing.  NULL when there are none. */
static const char *unused_credentials(s2n_stage *st, const s2n_host *h, const s2n_pypirc *rc,
                                      const char *cfg)
{
    const char *what = nonempty(h->opt_string(st, "token"))        ? "the token option"
                       : nonempty(h->opt_string(st, "password"))   ? "the password option"
                       : nonempty(h->getenv(st, "TWINE_PASSWORD")) ? "TWINE_PASSWORD"
                       : nonempty(h->getenv(st, "TWINE_USERNAME")) ? "TWINE_USERNAME"
                                                                   : NULL;
    if (!what && s2n_pypirc_present(rc) &&
        (s2n_pypirc_get(rc, "distutils", "index-servers") || s2n_pypirc_get(rc, "pypi", "password") ||
         s2n_pypirc_get(rc, "server-login", "password")))
        what = h->str_printf(st, "the repositories of %s", cfg);
    if (!what)
        return NULL;
    return h->str_printf(st,
                         "no repository chosen, so nothing goes to a remote index (twine would "
                         "upload to PyPI): %s left unused; set repository: pypi (or another "
                         "name or URL), or TWINE_REPOSITORY, to upload; repository: local "
                         "says the local index is meant",
                         what);
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

    const char *url = nonempty(h->opt_string(st, "repository_url"));
    const char *name = url ? NULL : nonempty(h->opt_string(st, "repository"));
    if (url || name) {
        const char *shadowed = nonempty(h->getenv(st, "TWINE_REPOSITORY_URL"))
                                   ? "TWINE_REPOSITORY_URL"
                               : nonempty(h->getenv(st, "TWINE_REPOSITORY")) ? "TWINE_REPOSITORY"
                                                                             : NULL;
        if (shadowed)
            c->note = h->str_printf(st, "%s is set; the stage's %s option wins", shadowed,
                                    url ? "repository_url" : "repository");
    } else {
        url = nonempty(h->getenv(st, "TWINE_REPOSITORY_URL"));
        name = url ? NULL : nonempty(h->getenv(st, "TWINE_REPOSITORY"));
    }
    c->chosen = url || name;
    if (name && strstr(name, "://")) {
        url = name;
        name = NULL;
    }

    s2n_pypirc_repo repo = {0};
    if (!url && (!name || strcmp(name, "local") == 0)) {
        c->local = 1;
        const char *dir = nonempty(h->opt_string(st, "index_dir"));
        c->index_dir = dir ? dir : h->str_printf(st, "%s/index", h->state_dir(st));
        c->repo_label = c->index_dir;
        if (!name) /* nothing chosen: say so if the job looks set up for an upload */
            c->note = unused_credentials(st, h, rc, cfg);
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
    mask_url_password(st, h, url);

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
    c->index_guessed = !idx;
    s2n_pypirc_free(rc);
    return S2N_OK;
}

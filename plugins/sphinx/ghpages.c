/*
 * gh-pages publishing.  Every step is a git command run through
 * host->spawn (so it is logged, masked and killed with the stage):
 *
 *   ls-remote      does the remote have the branch?  its tip is the parent
 *   fetch          bring that tip's objects here (FETCH_HEAD only)
 *   add -A -f      the site into a temporary GIT_INDEX_FILE, work tree = site
 *   update-index   .nojekyll, and CNAME kept from the parent
 *   write-tree     -> tree; equal to the parent's tree: nothing to do
 *   commit-tree    -> commit with the parent
 *   push           commit:refs/heads/<branch>
 *
 * No ref of the local repository is written except by push's own
 * remote-tracking update; HEAD, the index and the working tree stay.
 */
#include "plugins/sphinx/ghpages.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ARGS 24

typedef struct git {
    s2n_stage *st;
    const s2n_host *h;
    const char *gitdir;    /* --git-dir, once known */
    const char *index;     /* GIT_INDEX_FILE, or NULL */
    const char *const *ident; /* extra -c user.name/-c user.email, or NULL */
    const char *const *auth;  /* environment of the credential helper, or NULL */
} git;

/* Run git with the NULL-terminated arguments after `cwd`.  With `out`,
 * stdout is captured (trailing newlines removed).  Returns the exit code. */
static int run_git(git *g, const char *cwd, const char *stdin_path, char **out, ...)
{
    const char *argv[MAX_ARGS + 8];
    size_t n = 0;
    argv[n++] = "git";
    if (g->gitdir)
        argv[n++] = g->h->str_printf(g->st, "--git-dir=%s", g->gitdir);
    argv[n++] = "-c";
    argv[n++] = "core.autocrlf=false";
    argv[n++] = "-c";
    argv[n++] = "core.safecrlf=false";
    for (const char *const *i = g->ident; i && *i; i++)
        argv[n++] = *i;
    va_list ap;
    va_start(ap, out);
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < MAX_ARGS + 6)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;

    const char *env[16];
    size_t ne = 0;
    env[ne++] = "GIT_TERMINAL_PROMPT=0"; /* never wait for a password */
    if (g->index)
        env[ne++] = g->h->str_printf(g->st, "GIT_INDEX_FILE=%s", g->index);
    for (const char *const *e = g->auth; e && *e && ne < 15; e++)
        env[ne++] = *e;
    env[ne] = NULL;

    s2n_spawn spec = {.struct_size = sizeof spec, .argv = argv, .env = env, .cwd = cwd,
                      .flags = out ? S2N_SPAWN_CAPTURE : 0, .stdin_path = stdin_path};
    size_t len = 0;
    int rc = g->h->spawn(g->st, &spec, out, out ? &len : NULL);
    if (out && *out) {
        while (len && ((*out)[len - 1] == '\n' || (*out)[len - 1] == '\r'))
            (*out)[--len] = '\0';
    }
    return rc;
}

static int is_file(const char *p)
{
    struct stat sb;
    return lstat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int fail(s2n_stage *st, const s2n_host *h, int result, const char *msg)
{
    h->set_message(st, "publish: %s", msg);
    h->log(st, S2N_LOG_ERROR, "publish: %s", msg);
    return result;
}

/* A blob of `content` (written to a scratch file first). */
static const char *blob_of(git *g, const char *content, const char *scratch)
{
    FILE *f = fopen(scratch, "w");
    if (!f)
        return NULL;
    fputs(content, f);
    if (fclose(f) != 0)
        return NULL;
    char *sha = NULL;
    if (run_git(g, NULL, scratch, &sha, "hash-object", "-w", "--stdin", (char *)NULL) != 0)
        return NULL;
    return sha;
}

static char *percent_decode(s2n_stage *st, const s2n_host *h, const char *s, size_t n)
{
    char *out = h->alloc(st, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        char hex[3] = {0};
        if (s[i] == '%' && i + 2 < n) {
            hex[0] = s[i + 1];
            hex[1] = s[i + 2];
            char *end;
            long v = strtol(hex, &end, 16);
            if (*end == '\0' && v > 0) {
                *o++ = (char)v;
                i += 2;
                continue;
            }
        }
        *o++ = s[i];
    }
    *o = '\0';
    return out;
}

/* Credentials in a remote URL (https://user:token@host/...) must not
 * reach git's command line, which every user can read in /proc.  git
 * gets the URL without them, and a credential helper given through the
 * environment (GIT_CONFIG_COUNT, git 2.31) answers from the environment,
 * for that host only: a redirect elsewhere gets nothing.  The token is
 * masked too, in case git prints it.  Returns the URL for the command
 * line. */
static const char *split_url_credentials(git *g, const char *remote)
{
    /* only HTTP(S) carries tokens: ssh://git@host names a login, which
     * must stay in the URL (and is no secret) */
    if (strncmp(remote, "https://", 8) != 0 && strncmp(remote, "http://", 7) != 0)
        return remote;
    const char *scheme = strstr(remote, "://");
    const char *auth = scheme + 3;
    const char *end = auth + strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < end; p++)
        if (*p == '@')
            at = p;
    if (!at)
        return remote;
    s2n_stage *st = g->st;
    const s2n_host *h = g->h;
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    const char *user = percent_decode(st, h, auth, (size_t)((colon ? colon : at) - auth));
    const char *pass = colon ? percent_decode(st, h, colon + 1, (size_t)(at - colon - 1)) : "";
    /* the token: the password, or a bare user that is one */
    const char *token = colon ? colon + 1 : auth;
    h->add_secret(st, h->str_printf(st, "%.*s", (int)(at - token), token));
    h->add_secret(st, colon ? pass : user);
    const char *host = h->str_printf(st, "%.*s", (int)(end - at - 1), at + 1);
    /* Config from the environment comes after the user's: keep theirs. */
    const char *cnt = h->getenv(st, "GIT_CONFIG_COUNT");
    char *e;
    long base = cnt ? strtol(cnt, &e, 10) : 0;
    if (!cnt || *e || base < 0 || base > 1000)
        base = 0;
    const char **env = h->alloc(st, 10 * sizeof *env);
    size_t n = 0;
    env[n++] = h->str_printf(st, "GIT_CONFIG_COUNT=%ld", base + 2);
    /* an empty helper first: credential helpers of the user's config are
     * not asked (nor told to store this token) */
    env[n++] = h->str_printf(st, "GIT_CONFIG_KEY_%ld=credential.helper", base);
    env[n++] = h->str_printf(st, "GIT_CONFIG_VALUE_%ld=", base);
    env[n++] = h->str_printf(st, "GIT_CONFIG_KEY_%ld=credential.helper", base + 1);
    env[n++] = h->str_printf(
        st, "GIT_CONFIG_VALUE_%ld=!f() { test \"$1\" = get || exit 0; h=; while read -r l; do "
            "case $l in host=*) h=${l#host=};; esac; done; test \"$h\" = \"$S2N_GIT_HOST\" || "
            "exit 0; printf 'username=%%s\\npassword=%%s\\n' \"$S2N_GIT_USERNAME\" "
            "\"$S2N_GIT_PASSWORD\"; }; f",
        base + 1);
    env[n++] = h->str_printf(st, "S2N_GIT_HOST=%s", host);
    env[n++] = h->str_printf(st, "S2N_GIT_USERNAME=%s", user);
    env[n++] = h->str_printf(st, "S2N_GIT_PASSWORD=%s", pass);
    env[n] = NULL;
    g->auth = env;
    return h->str_printf(st, "%.*s%s", (int)(auth - remote), remote, at + 1);
}

int ghpages_publish(s2n_stage *st, const s2n_host *h, const ghpages_opts *o_in)
{
    git g = {.st = st, .h = h};
    ghpages_opts copy = *o_in;
    const ghpages_opts *o = &copy;
    copy.remote = split_url_credentials(&g, o_in->remote);
    const char *wd = h->workdir(st);
    const char *ref = h->str_printf(st, "refs/heads/%s", o->branch);
    char *out = NULL;

    if (run_git(&g, wd, NULL, &out, "rev-parse", "--absolute-git-dir", (char *)NULL) != 0 || !out || !*out)
        return fail(st, h, S2N_ERROR, h->str_printf(st, "%s is not inside a git repository", wd));
    g.gitdir = out;

    out = NULL;
    if (run_git(&g, wd, NULL, &out, "symbolic-ref", "-q", "HEAD", (char *)NULL) == 0 && out &&
        strcmp(out, ref) == 0)
        return fail(st, h, S2N_ERROR,
                    h->str_printf(st, "branch %s is checked out in %s; publishing would have to change "
                                      "that working tree, so it is refused",
                                  o->branch, wd));

    /* The parent: the remote's branch tip, else a local branch of that
     * name, else none (the first commit of the branch). */
    out = NULL;
    int lr = run_git(&g, wd, NULL, &out, "ls-remote", "--exit-code", o->remote, ref, (char *)NULL);
    const char *parent = NULL;
    int remote_has = 0;
    /* ls-remote matches patterns by their tail: take the exact ref. */
    const char *tip = NULL;
    for (char *line = lr == 0 ? out : NULL; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *tab = strchr(line, '\t');
        if (tab && strcmp(tab + 1, ref) == 0 && tab - line >= 40)
            tip = line;
        line = nl ? nl + 1 : NULL;
    }
    if (lr == 0 && !tip)
        lr = 2;
    if (lr == 0) {
        parent = h->str_printf(st, "%.*s", (int)strcspn(tip, "\t"), tip);
        remote_has = 1;
        if (run_git(&g, wd, NULL, NULL, "fetch", "--quiet", "--no-tags", o->remote, ref, (char *)NULL) != 0) {
            h->set_retryable(st, 1);
            return fail(st, h, S2N_ERROR, h->str_printf(st, "cannot fetch %s from %s", ref, o->remote));
        }
    } else if (lr == 2) {
        out = NULL;
        if (run_git(&g, wd, NULL, &out, "rev-parse", "--verify", "-q",
                    h->str_printf(st, "%s^{commit}", ref), (char *)NULL) == 0 && out && *out)
            parent = out;
    } else {
        h->set_retryable(st, 1);
        return fail(st, h, S2N_ERROR,
                    h->str_printf(st, "cannot read branches of remote '%s' (git ls-remote exit %d)", o->remote, lr));
    }

    /* The site into a private index. */
    g.index = h->str_printf(st, "%s/publish.index", h->stage_dir(st));
    unlink(g.index);
    if (run_git(&g, o->site, NULL, NULL, "--work-tree=.", "add", "-A", "-f", "--", ".", (char *)NULL) != 0)
        return fail(st, h, S2N_ERROR, "git add of the site failed");

    /* .nojekyll: GitHub Pages would otherwise hide _static/ and _sources/. */
    if (!is_file(h->str_printf(st, "%s/.nojekyll", o->site))) {
        const char *empty = blob_of(&g, "", h->str_printf(st, "%s/publish.blob", h->stage_dir(st)));
        if (!empty || run_git(&g, wd, NULL, NULL, "update-index", "--add", "--cacheinfo",
                              h->str_printf(st, "100644,%s,.nojekyll", empty), (char *)NULL) != 0)
            return fail(st, h, S2N_ERROR, "cannot add .nojekyll");
    }
    /* CNAME: the configured one, else the site's, else the branch's. */
    if (o->cname) {
        const char *blob = blob_of(&g, h->str_printf(st, "%s\n", o->cname),
                                   h->str_printf(st, "%s/publish.blob", h->stage_dir(st)));
        if (!blob || run_git(&g, wd, NULL, NULL, "update-index", "--add", "--cacheinfo",
                             h->str_printf(st, "100644,%s,CNAME", blob), (char *)NULL) != 0)
            return fail(st, h, S2N_ERROR, "cannot add CNAME");
    } else if (parent && !is_file(h->str_printf(st, "%s/CNAME", o->site))) {
        out = NULL;
        /* "100644 blob <sha>\tCNAME" */
        if (run_git(&g, wd, NULL, &out, "ls-tree", parent, "CNAME", (char *)NULL) == 0 && out &&
            strncmp(out, "100644 blob ", 12) == 0 && strchr(out + 12, '\t')) {
            int idlen = (int)strcspn(out + 12, "\t"); /* 40 (sha1) or 64 (sha256) */
            if (run_git(&g, wd, NULL, NULL, "update-index", "--add", "--cacheinfo",
                        h->str_printf(st, "100644,%.*s,CNAME", idlen, out + 12), (char *)NULL) != 0)
                return fail(st, h, S2N_ERROR, "cannot keep the branch's CNAME");
            h->log(st, S2N_LOG_INFO, "publish: keeping CNAME of %s", o->branch);
        }
    }

    char *tree = NULL;
    if (run_git(&g, wd, NULL, &tree, "write-tree", (char *)NULL) != 0 || !tree || !*tree)
        return fail(st, h, S2N_ERROR, "git write-tree failed");
    unlink(g.index);
    g.index = NULL;

    const char *commit = NULL;
    if (parent) {
        char *ptree = NULL;
        if (run_git(&g, wd, NULL, &ptree, "rev-parse", h->str_printf(st, "%s^{tree}", parent), (char *)NULL) == 0 &&
            ptree && strcmp(ptree, tree) == 0) {
            commit = parent;
            if (remote_has) {
                h->set_output(st, "publish_commit", commit);
                h->set_output(st, "publish_changed", "false");
                h->set_message(st, "site unchanged; %s of %s stays at %.12s", o->branch, o->remote, commit);
                return S2N_OK;
            }
        }
    }

    if (!commit) {
        /* An identity for the commit when the user's git has none (CI). */
        static const char *const fallback_ident[] = {"-c", "user.name=s2nbuild", "-c",
                                                     "user.email=s2nbuild@localhost", NULL};
        char *email = NULL;
        if (!h->getenv(st, "GIT_COMMITTER_EMAIL") &&
            (run_git(&g, wd, NULL, &email, "config", "user.email", (char *)NULL) != 0 || !email || !*email))
            g.ident = fallback_ident;
        char *head = NULL;
        const char *msg = o->message;
        if (!msg) {
            if (run_git(&g, wd, NULL, &head, "rev-parse", "--short=12", "HEAD", (char *)NULL) == 0 && head && *head)
                msg = h->str_printf(st, "Update documentation from %s", head);
            else
                msg = "Update documentation";
        }
        char *c = NULL;
        int rc = parent ? run_git(&g, wd, NULL, &c, "commit-tree", tree, "-p", parent, "-m", msg, (char *)NULL)
                        : run_git(&g, wd, NULL, &c, "commit-tree", tree, "-m", msg, (char *)NULL);
        if (rc != 0 || !c || !*c)
            return fail(st, h, S2N_ERROR, "git commit-tree failed");
        commit = c;
    }

    if (run_git(&g, wd, NULL, NULL, "push", "--quiet", o->remote,
                h->str_printf(st, "%s:%s", commit, ref), (char *)NULL) != 0) {
        h->set_retryable(st, 1);
        return fail(st, h, S2N_ERROR,
                    h->str_printf(st, "git push to %s %s failed (someone else pushed? credentials?)", o->remote,
                                  o->branch));
    }
    h->set_output(st, "publish_commit", commit);
    h->set_output(st, "publish_changed", "true");
    h->set_message(st, "published to %s of %s: %.12s", o->branch, o->remote, commit);
    return S2N_OK;
}

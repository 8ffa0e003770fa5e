/*
 * release.c — the idempotent flow of shared/reference/github-api.md:
 *
 *   1. find: GET …/releases/tags/{tag}; on 404 the draft with that tag in
 *      GET …/releases (several → error, don't guess); none → POST a draft.
 *      A 422 already_exists on tag_name means a concurrent run made it:
 *      find again, once.
 *   2. assets: decide from the release's own `assets`, upload what is
 *      missing; an upload's 422 already_exists on name (a stale list) →
 *      list the assets once and decide again; never loop on 422.
 *   3. notes: PATCH only what differs.
 *   4. publish last: a draft gets {"draft":false,"make_latest":…}.
 *
 * A POST that failed in transit may have worked, so before repeating one
 * the state is read again.
 */
#define _POSIX_C_SOURCE 200809L
#include "release.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct flow {
    gh_client *c;
    const gh_release_spec *s;
    gh_release_result *res;
    json_t *rel;         /* the release as GitHub last returned it */
    json_t *listing;     /* assets list to decide from (borrowed or owned) */
    int listing_fresh;   /* listing came from GET …/assets in this run      */
} flow;

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static long long jint(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static int fail(flow *f, const char *fmt, const char *a, const char *b)
{
    snprintf(f->res->message, sizeof f->res->message, fmt, a ? a : "", b ? b : "");
    return -1;
}

static int fail_response(flow *f, const gh_response *r, const char *what)
{
    char *m = gh_explain(r, what, f->s->repo);
    f->res->transient = gh_transient(r);
    snprintf(f->res->message, sizeof f->res->message, "%s", m ? m : what);
    free(m);
    return -1;
}

static int send(flow *f, const char *method, const char *url, const json_t *body,
                gh_response *r, int retry)
{
    f->res->calls++;
    gh_log(&f->c->log, GH_DEBUG, "%s %s", method, url);
    return retry ? gh_call(f->c, method, url, body, r) : gh_send(f->c, method, url, body, r);
}

/* A 422 validation error carrying errors[] {code: already_exists, field}. */
static int already_exists(const gh_response *r, const char *field)
{
    if (r->status != 422)
        return 0;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "errors"), i, e) {
        const char *code = jstr(e, "code"), *fld = jstr(e, "field");
        if (code && strcmp(code, "already_exists") == 0 && fld && strcmp(fld, field) == 0)
            return 1;
    }
    return 0;
}

json_t *gh_create_body(const gh_release_spec *s)
{
    json_t *b = json_object();
    json_object_set_new(b, "tag_name", json_string(s->tag));
    if (s->target)
        json_object_set_new(b, "target_commitish", json_string(s->target));
    json_object_set_new(b, "name", json_string(s->name ? s->name : s->tag));
    if (s->body)
        json_object_set_new(b, "body", json_string(s->body));
    json_object_set_new(b, "draft", json_true());
    if (s->prerelease)
        json_object_set_new(b, "prerelease", json_true());
    return b;
}

json_t *gh_publish_body(const gh_release_spec *s)
{
    json_t *b = json_object();
    json_object_set_new(b, "draft", json_false());
    /* Prereleases can't be latest; GitHub's default applies then. */
    if (!s->prerelease)
        json_object_set_new(b, "make_latest", json_string(s->make_latest ? s->make_latest : "true"));
    return b;
}

json_t *gh_generate_notes_body(const gh_release_spec *s)
{
    json_t *b = json_object();
    json_object_set_new(b, "tag_name", json_string(s->tag));
    if (s->target)
        json_object_set_new(b, "target_commitish", json_string(s->target));
    return b;
}

void gh_github_asset_name(const char *name, char *out, size_t outlen)
{
    size_t i = 0;
    for (; name[i] && i + 1 < outlen; i++) {
        char ch = name[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '.' || ch == '-' || ch == '_' || ch == '+';
        out[i] = ok ? ch : '.';
    }
    out[i] = '\0';
}

static void set_release(flow *f, json_t *rel)
{
    if (f->rel)
        json_decref(f->rel);
    f->rel = json_incref(rel);
    if (f->listing)
        json_decref(f->listing);
    /* The release's own `assets` can be stale; an upload 422 will tell. */
    f->listing = json_incref(json_object_get(rel, "assets"));
    if (!f->listing)
        f->listing = json_array();
    f->listing_fresh = 0;
}

/* GET a paginated list, following Link rel="next".  *out: one array. */
static int get_all(flow *f, const char *url, const char *what, json_t **out)
{
    json_t *all = json_array();
    char *next = strdup(url);
    while (next) {
        gh_response r;
        send(f, "GET", next, NULL, &r, 1);
        free(next);
        next = NULL;
        if (r.status != 200 || !json_is_array(r.json)) {
            int rc = fail_response(f, &r, what);
            if (r.status == 200)
                snprintf(f->res->message, sizeof f->res->message, "%s: the answer is not a list",
                         what);
            gh_response_free(&r);
            json_decref(all);
            return rc;
        }
        json_array_extend(all, r.json);
        if (r.link_next)
            next = strdup(r.link_next);
        gh_response_free(&r);
    }
    *out = all;
    return 0;
}

/* 1 found (f->rel set), 0 not there, -1 error. */
static int find_release(flow *f)
{
    char *tag = gh_escape(f->s->tag, 1);
    char suffix[1024];
    snprintf(suffix, sizeof suffix, "/releases/tags/%s", tag);
    free(tag);
    char *url = gh_repo_url(f->c, f->s->repo, suffix);
    gh_response r;
    send(f, "GET", url, NULL, &r, 1);
    free(url);
    if (r.status == 200 && json_is_object(r.json)) {
        set_release(f, r.json);
        gh_response_free(&r);
        return 1;
    }
    /* GitHub's own 404 says "Not Found"; any other 404 (a proxy, a test
     * peer out of step) is an error, not "no release". */
    if (r.status != 404 || !jstr(r.json, "message")) {
        int rc = fail_response(f, &r, "find the release by tag");
        gh_response_free(&r);
        return rc;
    }
    gh_response_free(&r);

    /* Drafts are not found by tag: look through the list. */
    url = gh_repo_url(f->c, f->s->repo, "/releases?per_page=100");
    json_t *list;
    int rc = get_all(f, url, "list releases (looking for a draft)", &list);
    free(url);
    if (rc != 0)
        return -1;
    json_t *found = NULL, *item;
    size_t i, n = 0;
    char ids[256] = "";
    json_array_foreach(list, i, item) {
        const char *t = jstr(item, "tag_name");
        if (json_is_true(json_object_get(item, "draft")) && t && strcmp(t, f->s->tag) == 0) {
            found = item;
            n++;
            size_t len = strlen(ids);
            snprintf(ids + len, sizeof ids - len, "%s%lld", len ? ", " : "", jint(item, "id"));
        }
    }
    if (n > 1) {
        json_decref(list);
        return fail(f, "%s draft releases exist for this tag (ids %s): delete the extra ones; "
                       "not guessing which one to publish",
                    n == 2 ? "two" : "several", ids);
    }
    if (found) {
        gh_log(&f->c->log, GH_INFO, "found draft release %lld for %s", jint(found, "id"), f->s->tag);
        set_release(f, found);
    }
    json_decref(list);
    return found ? 1 : 0;
}

static int create_release(flow *f)
{
    json_t *body = gh_create_body(f->s);
    char *url = gh_repo_url(f->c, f->s->repo, "/releases");
    int refound = 0, rc = -1;
    for (int attempt = 1;; attempt++) {
        gh_response r;
        send(f, "POST", url, body, &r, 0);
        if (r.status == 201 && json_is_object(r.json)) {
            set_release(f, r.json);
            f->res->created = 1;
            gh_log(&f->c->log, GH_INFO, "created draft release %lld for %s", jint(r.json, "id"),
                   f->s->tag);
            gh_response_free(&r);
            rc = 0;
            break;
        }
        int race = already_exists(&r, "tag_name");
        int transient = gh_transient(&r);
        if (!race && (!transient || attempt >= f->c->attempts)) {
            rc = fail_response(f, &r, "create the release");
            gh_response_free(&r);
            break;
        }
        if (race) {
            if (refound) {
                rc = fail_response(f, &r, "create the release (it exists but can't be found)");
                gh_response_free(&r);
                break;
            }
            refound = 1;
            gh_log(&f->c->log, GH_INFO, "release for %s created concurrently: reading it", f->s->tag);
        } else if (gh_backoff(f->c, &r, attempt) != 0) {
            rc = fail_response(f, &r, "create the release");
            gh_response_free(&r);
            break;
        }
        gh_response_free(&r);
        /* The failed POST may have worked: read the state first. */
        int found = find_release(f);
        if (found != 0) {
            rc = found > 0 ? 0 : -1;
            break;
        }
    }
    free(url);
    json_decref(body);
    return rc;
}

static json_t *find_asset(const json_t *listing, const char *name)
{
    char gh_name[512];
    gh_github_asset_name(name, gh_name, sizeof gh_name);
    size_t i;
    json_t *a;
    json_array_foreach(listing, i, a) {
        const char *n = jstr(a, "name");
        if (n && (strcmp(n, name) == 0 || strcmp(n, gh_name) == 0))
            return a;
    }
    return NULL;
}

static int list_assets(flow *f)
{
    char suffix[64];
    snprintf(suffix, sizeof suffix, "/releases/%lld/assets", jint(f->rel, "id"));
    char *url = gh_repo_url(f->c, f->s->repo, suffix);
    json_t *list;
    int rc = get_all(f, url, "list the release's assets", &list);
    free(url);
    if (rc != 0)
        return -1;
    json_decref(f->listing);
    f->listing = list;
    f->listing_fresh = 1;
    return 0;
}

static int delete_asset(flow *f, long long id, const char *name)
{
    char suffix[64];
    snprintf(suffix, sizeof suffix, "/releases/assets/%lld", id);
    char *url = gh_repo_url(f->c, f->s->repo, suffix);
    gh_response r;
    send(f, "DELETE", url, NULL, &r, 1);
    free(url);
    /* 404: already gone (a retried DELETE whose first answer was lost). */
    int rc = 0;
    if (r.status != 204 && r.status != 404)
        rc = fail_response(f, &r, "delete an asset");
    else
        gh_log(&f->c->log, GH_INFO, "deleted asset %s (%lld)", name, id);
    gh_response_free(&r);
    return rc;
}

static int str_differs(const char *remote, const char *want)
{
    return strcmp(remote ? remote : "", want ? want : "") != 0;
}

static int relabel_asset(flow *f, long long id, const gh_asset *a)
{
    char suffix[64];
    snprintf(suffix, sizeof suffix, "/releases/assets/%lld", id);
    char *url = gh_repo_url(f->c, f->s->repo, suffix);
    json_t *body = json_pack("{s:s}", "label", a->label);
    gh_response r;
    send(f, "PATCH", url, body, &r, 1);
    free(url);
    json_decref(body);
    int rc = 0;
    if (r.status == 200)
        gh_log(&f->c->log, GH_INFO, "asset %s: label set to \"%s\"", a->name, a->label);
    else
        rc = fail_response(f, &r, "set an asset's label");
    gh_response_free(&r);
    return rc;
}

enum { KEEP, UPLOAD, REPLACE, CONFLICT };

static int decide(flow *f, const gh_asset *a, const json_t *remote)
{
    if (!remote)
        return UPLOAD;
    const char *state = jstr(remote, "state");
    if (state && strcmp(state, "uploaded") != 0)
        return REPLACE; /* a broken upload ("starter", "open"): never useful */
    const char *digest = jstr(remote, "digest");
    if (digest) {
        if (strncmp(digest, "sha256:", 7) == 0 && strcmp(digest + 7, a->sha256) == 0)
            return KEEP;
        return f->s->replace_assets ? REPLACE : CONFLICT;
    }
    if ((unsigned long long)jint(remote, "size") != (unsigned long long)a->size)
        return f->s->replace_assets ? REPLACE : CONFLICT;
    /* No digest (older servers), same size: can't be proven equal without a
     * download.  Follow replace_assets; never upload a duplicate. */
    if (!f->s->replace_assets)
        gh_log(&f->c->log, GH_WARN,
               "asset %s exists with the same size but GitHub gives no digest to compare; "
               "keeping it (replace_assets: true replaces it)",
               a->name);
    return f->s->replace_assets ? REPLACE : KEEP;
}

static int check_uploaded(flow *f, const gh_asset *a, const json_t *remote)
{
    const char *digest = jstr(remote, "digest");
    char got[32];
    snprintf(got, sizeof got, "%lld", jint(remote, "size"));
    if ((unsigned long long)jint(remote, "size") != (unsigned long long)a->size)
        return fail(f, "uploaded asset %s has size %s, not the local file's", a->name, got);
    if (digest && (strncmp(digest, "sha256:", 7) != 0 || strcmp(digest + 7, a->sha256) != 0))
        return fail(f, "uploaded asset %s has digest %s, not the local file's", a->name, digest);
    return 0;
}

static int sync_asset(flow *f, const gh_asset *a)
{
    int transient_tries = 0, replaced = 0;
    for (;;) {
        json_t *remote = find_asset(f->listing, a->name);
        switch (decide(f, a, remote)) {
        case KEEP:
            gh_log(&f->c->log, GH_INFO, "asset %s already there", a->name);
            f->res->kept++;
            /* Same file, other label: the label converges too. */
            if (a->label && remote && str_differs(jstr(remote, "label"), a->label))
                return relabel_asset(f, jint(remote, "id"), a);
            return 0;
        case CONFLICT: {
            char detail[256];
            const char *digest = jstr(remote, "digest");
            snprintf(detail, sizeof detail, "%s, %lld bytes; local sha256:%s, %llu bytes",
                     digest ? digest : "no digest", jint(remote, "size"), a->sha256,
                     (unsigned long long)a->size);
            return fail(f, "asset %s exists with different content (%s); "
                           "set replace_assets: true to replace it",
                        a->name, detail);
        }
        case REPLACE:
            if (delete_asset(f, jint(remote, "id"), a->name) != 0)
                return -1;
            replaced = 1;
            /* the listing is now out of date for this name */
            size_t i;
            json_t *x;
            json_array_foreach(f->listing, i, x) if (x == remote) {
                json_array_remove(f->listing, i);
                break;
            }
            break;
        case UPLOAD:
            break;
        }
        const char *tmpl = jstr(f->rel, "upload_url");
        if (!tmpl)
            return fail(f, "the release has no upload_url%s%s", "", "");
        char *url = gh_upload_url(tmpl, a->name, a->label);
        gh_response r;
        f->res->calls++;
        gh_log(&f->c->log, GH_DEBUG, "POST %s (%llu bytes)", url, (unsigned long long)a->size);
        gh_send_file(f->c, url, a->path, a->content_type, &r);
        free(url);
        if (r.status == 201 && json_is_object(r.json)) {
            int rc = check_uploaded(f, a, r.json);
            if (rc == 0) {
                gh_log(&f->c->log, GH_INFO, "uploaded %s (%llu bytes, sha256:%s)", a->name,
                       (unsigned long long)a->size, a->sha256);
                if (replaced)
                    f->res->replaced++;
                else
                    f->res->uploaded++;
            }
            gh_response_free(&r);
            return rc;
        }
        if (already_exists(&r, "name")) {
            if (f->listing_fresh) {
                int rc = fail_response(&*f, &r, "upload an asset (GitHub says it exists, "
                                                "but it is not in the list)");
                gh_response_free(&r);
                return rc;
            }
            gh_log(&f->c->log, GH_INFO, "asset %s exists though not listed: reading the list",
                   a->name);
        } else if (gh_transient(&r) && ++transient_tries < f->c->attempts) {
            if (gh_backoff(f->c, &r, transient_tries) != 0) {
                int rc = fail_response(f, &r, "upload an asset");
                gh_response_free(&r);
                return rc;
            }
            /* It may have arrived (or left a broken "starter" asset). */
        } else {
            char what[600];
            snprintf(what, sizeof what, "upload asset %s", a->name);
            int rc = fail_response(f, &r, what);
            gh_response_free(&r);
            return rc;
        }
        gh_response_free(&r);
        if (list_assets(f) != 0)
            return -1;
        /* Our own failed upload may be the one now listed: an identical
         * asset is kept, a broken one replaced; with no digest and the same
         * size it is taken as ours rather than uploaded twice. */
        if (transient_tries && !f->s->replace_assets) {
            json_t *mine = find_asset(f->listing, a->name);
            if (mine && !jstr(mine, "digest") && jstr(mine, "state") &&
                strcmp(jstr(mine, "state"), "uploaded") == 0 &&
                (unsigned long long)jint(mine, "size") == (unsigned long long)a->size) {
                f->res->uploaded++;
                return 0;
            }
        }
    }
}

static int patch_release(flow *f, json_t *changes, const char *what)
{
    char suffix[64];
    snprintf(suffix, sizeof suffix, "/releases/%lld", jint(f->rel, "id"));
    char *url = gh_repo_url(f->c, f->s->repo, suffix);
    gh_response r;
    send(f, "PATCH", url, changes, &r, 1);
    free(url);
    int rc = 0;
    if (r.status == 200 && json_is_object(r.json)) {
        json_t *keep = json_incref(f->listing);
        int fresh = f->listing_fresh;
        set_release(f, r.json);
        json_decref(f->listing);
        f->listing = keep;
        f->listing_fresh = fresh;
    } else {
        rc = fail_response(f, &r, what);
    }
    gh_response_free(&r);
    return rc;
}

static int generate_notes(flow *f, char **body)
{
    char *url = gh_repo_url(f->c, f->s->repo, "/releases/generate-notes");
    json_t *req = gh_generate_notes_body(f->s);
    gh_response r;
    /* No state changes on GitHub's side: safe to repeat. */
    send(f, "POST", url, req, &r, 1);
    free(url);
    json_decref(req);
    int rc = 0;
    if (r.status == 200 && jstr(r.json, "body"))
        *body = strdup(jstr(r.json, "body"));
    else
        rc = fail_response(f, &r, "generate release notes");
    gh_response_free(&r);
    return rc;
}

int gh_release_sync(gh_client *c, const gh_release_spec *spec, gh_release_result *res)
{
    memset(res, 0, sizeof *res);
    gh_release_spec s = *spec;
    flow f = {.c = c, .s = &s, .res = res};
    char *generated = NULL;
    int rc = -1;

    if (s.generate_notes) {
        if (generate_notes(&f, &generated) != 0)
            goto out;
        s.body = generated;
    }
    int found = find_release(&f);
    if (found < 0)
        goto out;
    if (found == 0 && create_release(&f) != 0)
        goto out;

    for (size_t i = 0; s.assets && i < s.assets->count; i++)
        if (sync_asset(&f, &s.assets->items[i]) != 0)
            goto out;

    json_t *changes = json_object();
    if (s.name && str_differs(jstr(f.rel, "name"), s.name))
        json_object_set_new(changes, "name", json_string(s.name));
    if (s.body && str_differs(jstr(f.rel, "body"), s.body))
        json_object_set_new(changes, "body", json_string(s.body));
    if (json_is_true(json_object_get(f.rel, "prerelease")) != !!s.prerelease)
        json_object_set_new(changes, "prerelease", json_boolean(s.prerelease));
    if (json_object_size(changes) && patch_release(&f, changes, "update the release notes") != 0) {
        json_decref(changes);
        goto out;
    }
    json_decref(changes);

    if (json_is_true(json_object_get(f.rel, "draft"))) {
        if (s.draft) {
            gh_log(&c->log, GH_INFO, "leaving release %s a draft (draft: true)", s.tag);
        } else {
            json_t *pub = gh_publish_body(&s);
            int prc = patch_release(&f, pub, "publish the release");
            json_decref(pub);
            if (prc != 0)
                goto out;
            res->published = 1;
        }
    } else if (s.draft) {
        gh_log(&c->log, GH_WARN, "release %s is already published; draft: true does not "
                                 "unpublish it", s.tag);
    }
    res->id = jint(f.rel, "id");
    if (jstr(f.rel, "html_url"))
        res->html_url = strdup(jstr(f.rel, "html_url"));
    if (s.body)
        res->body = strdup(s.body);
    rc = 0;
out:
    free(generated);
    if (f.rel)
        json_decref(f.rel);
    if (f.listing)
        json_decref(f.listing);
    return rc;
}

void gh_release_result_free(gh_release_result *res)
{
    free(res->html_url);
    free(res->body);
    res->html_url = res->body = NULL;
}

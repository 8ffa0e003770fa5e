/*
 * release.h — the idempotent release flow (find → create draft → assets →
 * notes → publish last).  Running it again after a failure at any step
 * ends in the same state as one clean run: no second release, no
 * duplicate asset.
 */
#ifndef GHREL_RELEASE_H
#define GHREL_RELEASE_H

#include "assets.h"
#include "http.h"

#include <jansson.h>

typedef struct gh_release_spec {
    const char *repo;          /* owner/name                                */
    const char *tag;
    const char *target;        /* commit or branch; NULL: GitHub's default */
    const char *name;          /* NULL: keep GitHub's (the tag on create)  */
    const char *body;          /* release notes; NULL: leave them alone     */
    int generate_notes;        /* body from …/releases/generate-notes       */
    int draft;                 /* leave the release a draft                 */
    int prerelease;
    const char *make_latest;   /* "true" | "false" | "legacy"               */
    int replace_assets;        /* a different same-name asset is replaced   */
    const gh_assets *assets;
} gh_release_spec;

typedef struct gh_release_result {
    long long id;
    char *html_url;
    char *body;                /* the notes actually set (generated ones)  */
    int created, published;
    unsigned uploaded, kept, replaced, calls;
    int transient;             /* it failed on a connection error, 5xx or
                                  rate limit: worth running again later    */
    char message[1024];        /* why it failed                             */
} gh_release_result;

/* Bring the release on GitHub to the spec.  0 on success; -1 with
 * res->message set. */
int gh_release_sync(gh_client *c, const gh_release_spec *s, gh_release_result *res);
void gh_release_result_free(gh_release_result *res);

/* The request bodies, shared with the dry run so it prints exactly what a
 * real run sends. */
json_t *gh_create_body(const gh_release_spec *s);
json_t *gh_publish_body(const gh_release_spec *s);
json_t *gh_generate_notes_body(const gh_release_spec *s);

/* The asset name GitHub stores for `name` (it replaces characters outside
 * letters, digits and ".-_+" with '.'). */
void gh_github_asset_name(const char *name, char *out, size_t outlen);

#endif

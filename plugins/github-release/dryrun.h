/*
 * dryrun.h — what a run would send, as text, when there is no token: the
 * calls in order (with their JSON bodies, built by the same functions a
 * real run uses), each asset with size, media type and sha256, and where
 * the notes went.  Needs no network.
 */
#ifndef GHREL_DRYRUN_H
#define GHREL_DRYRUN_H

#include "release.h"

/* `api_url` is the base a real run would call; `notes_path` names the notes
 * file written for this run (or NULL).  Returns malloc'd text. */
char *gh_dry_run_plan(const char *api_url, const gh_release_spec *s, const char *notes_path);

#endif

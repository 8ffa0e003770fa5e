/* `s2nbuild export jenkinsfile | github-actions`: the pipeline as a CI
 * definition whose every step calls `s2nbuild run --only NAME`, so the CI
 * system shows one stage (or job) per pipeline stage and can spread them
 * over agents, while s2nbuild still does the work (and still decides each
 * stage's `when:`; the CI conditions only save starting an agent).
 *
 * Jenkinsfile (declarative): stages at the same depth of the DAG run in a
 * `parallel` block; `when:` maps to branch / changeRequest() / buildingTag()
 * / tag / environment; `changes:` is left to s2nbuild (Jenkins' changeset
 * is empty on a first build, which would skip silently); secrets become
 * withCredentials; junit + archiveArtifacts in post; the state of earlier
 * stages travels with stash/unstash so agents can differ.
 *
 * GitHub Actions: one job per stage with `needs:`, `if:` from `when:`
 * where Actions can express it, secrets from `secrets.NAME`, state passed
 * with upload/download-artifact. */
#ifndef S2N_CORE_EXPORT_H
#define S2N_CORE_EXPORT_H

#include "core/pipeline.h"
#include "core/secrets.h"

#include <stdio.h>

/* The formats `export` knows, NULL-terminated. */
extern const char *const export_formats[];

/* Writes the export of a loaded pipeline (plugins need not be loaded).
 * Returns 0, or -1 with *err (malloc'd) for an unknown format. */
int export_pipeline(const pipeline *p, const secret_set *secrets, const char *format, FILE *out,
                    char **err);
int export_jenkinsfile(const pipeline *p, const secret_set *secrets, FILE *out);
int export_github_actions(const pipeline *p, const secret_set *secrets, FILE *out);

#endif

/* Profiles and overrides, applied to the parsed pipeline file (the value
 * tree) before the pipeline model is built, so every later check sees the
 * merged result with each value's own file:line:col.
 *
 * Precedence, lowest first:
 *   1. defaults (plugin option tables, built-in values)
 *   2. the pipeline file
 *   3. the profile (--profile NAME): `profiles: {NAME: {...}}` inline, or
 *      an overlay file NAME.yml / NAME.yaml beside the pipeline file
 *   4. the environment: a variable set when s2nbuild starts replaces the
 *      pipeline's top-level `env:` value of the same name (unless that
 *      value extends itself, like PATH: "${PATH}:/opt/bin")
 *   5. the command line: --set KEY.PATH=VALUE
 *
 * Merging: mappings merge key by key, anything else is replaced.  Under
 * `stages:` an overlay names stages (a list of {name: ..., ...} or a map
 * NAME: {...}); a named stage merges into the pipeline's stage of that
 * name, a new name with a `type:` adds a stage. */
#ifndef S2N_CORE_PROFILE_H
#define S2N_CORE_PROFILE_H

#include "core/diag.h"
#include "core/util.h"
#include "core/value.h"

/* Merge profile `name` onto root.  0, or -1 with errors in d (unknown
 * profile with did-you-mean, unknown keys, bad stage names). */
int profile_apply(s2n_value *root, const char *pipeline_file, const char *name, diag *d);
/* Level 4 above. */
void profile_apply_environment(s2n_value *root);
/* --set a.b.c=value; `stages.NAME.…` addresses a stage by name. */
int profile_set(s2n_value *root, const char *assignment, diag *d);
/* All of the above in order (name may be NULL, sets may be NULL). */
int profile_prepare(s2n_value *root, const char *pipeline_file, const char *name,
                    const strvec *sets, diag *d);
/* Profile names available: inline ones, then overlay files. */
void profile_names(const s2n_value *root, const char *pipeline_file, strvec *out);

#endif

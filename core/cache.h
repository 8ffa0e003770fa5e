/* The stage cache: a stage whose inputs did not change is not run again;
 * its result, published values, test counts, JUnit files and artifacts
 * are restored instead (outcome "cached").
 *
 * Key = sha256 over: the s2nbuild version; the plugin's identity (file,
 * size, mtime, version, ABI); the stage's type, name and workdir; its
 * options after ${} interpolation; the pipeline's and stage's env:; its
 * declared inputs; and what its upstream stages produced (artifact
 * hashes and published values).
 *
 * Inputs (stage key `inputs:`):
 *   inputs: [src, "*.cfg", requirements.txt]     files (globs, workdir-relative)
 *   inputs: {files: [...], env: [PYTHONPATH]}   files and environment variables
 * Without `inputs:` every file under the stage's workdir counts, except
 * tool state (.git, .s2nbuild, virtualenvs, caches, build/, dist/,
 * *.egg-info).  `cache: false` on a stage never caches it.
 *
 * Also hashed: variables that steer Python tools without an option
 * (PATH, PYTHONPATH, VIRTUAL_ENV, SOURCE_DATE_EPOCH, PIP_INDEX_URL, ...).
 * `s2nbuild stage TYPE ...` (a one-off) never uses the cache.
 *
 * Only stages that ended OK are stored.  A hit needs every artifact
 * restorable (still in place with its hash, or kept in the cache) and
 * every published value that is an absolute path (a venv) still present.
 * Layout: .s2nbuild/cache/stages/<key>.json, blobs/<sha256[:2]>/<sha256>;
 * every file written atomically (temp + rename). */
#ifndef S2N_CORE_CACHE_H
#define S2N_CORE_CACHE_H

#include "core/run.h"

/* --no-cache: neither look up nor store.  --force: run everything, still
 * store the new results. */
void cache_configure(int no_cache, int force);
/* Validates a stage's `inputs:` and `cache:` (file:line:col errors). */
void cache_check_stage(stage_def *s, diag *d);

/* Before a stage starts (in the core, upstream stages done): computes its
 * key; on a hit fills sr (outcome OUT_CACHED, phase PH_DONE, message,
 * outputs, tests, junit, artifacts restored) and returns 1.  Returns 0
 * when the stage must run (the key is kept for cache_end). */
int cache_begin(run *r, stage_run *sr);
/* After the stage finished: stores an OK result under the key computed
 * by cache_begin.  Returns 0 when stored or not applicable. */
int cache_end(run *r, stage_run *sr);
/* Frees the keys kept for a run. */
void cache_forget(run *r);

/* The key (64 hex, malloc'd), or NULL with *why_not (malloc'd) when the
 * stage cannot be cached. */
char *cache_key(run *r, stage_run *sr, char **why_not);

#endif

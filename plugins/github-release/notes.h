/*
 * notes.h — release notes from `git log`, grouped by conventional-commit
 * type (feat, fix, perf, …; `!` or "BREAKING CHANGE" first).  Pure text in,
 * markdown out: running git is the plugin's job.
 */
#ifndef GHREL_NOTES_H
#define GHREL_NOTES_H

/* `log` holds one commit per line as "<short hash>\t<subject>" (the output
 * of `git log --no-merges --format=%h%x09%s`).  `prev_tag` may be NULL
 * (first release).  Returns malloc'd markdown. */
char *gh_notes_from_log(const char *log, const char *tag, const char *prev_tag);

/* "owner/name" from a remote URL (https, ssh, scp-like; ".git" dropped)
 * into out.  -1 when the URL has no owner/name path. */
int gh_repo_from_remote(const char *url, char *out, size_t outlen);

#endif

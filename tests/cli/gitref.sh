#!/bin/sh
# The run record's branch and commit are read from .git without running
# git; each layout must give what `git rev-parse` says: loose refs, packed
# refs, a linked worktree, a detached HEAD, an unborn branch (git is asked),
# not a repository (empty), and CI variables winning over git.
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t \
    GIT_COMMITTER_EMAIL=t@example.invalid
unset BRANCH_NAME GITHUB_HEAD_REF GITHUB_REF_NAME GIT_BRANCH GIT_COMMIT GITHUB_SHA GIT_DIR
record_of() { # DIR -> "branch commit" of its last run
    "$S2N" -C "$1" stage command run=true >/dev/null 2>&1 || { echo "run failed"; return; }
    json_get "$1/.s2nbuild/runs/latest/record.json" 'j.get("branch", "") + " " + j.get("commit", "")'
}
git_says() { # DIR
    (cd "$1" && echo "$(git rev-parse --abbrev-ref HEAD 2>/dev/null) $(git rev-parse HEAD 2>/dev/null)")
}
same() { # NAME DIR
    want=$(git_says "$2"); got=$(record_of "$2")
    if [ "$got" = "$want" ]; then ok "$1: $got"; else not_ok "$1" "record: '$got'; git: '$want'"; fi
}

git init -q -b trunk repo && printf 'x\n' > repo/f && git -C repo add f && git -C repo commit -qm one
printf '.s2nbuild/\n' > repo/.gitignore
same "loose ref" repo
mkdir -p repo/sub/dir
same "from a subfolder" repo/sub/dir
git -C repo pack-refs --all
check "the ref is packed now" test ! -e repo/.git/refs/heads/trunk
same "packed ref" repo
git -C repo commit -q --allow-empty -m two
same "loose ref newer than the packed one" repo
git -C repo worktree add -q -b feature/x "$TMP/wt" >/dev/null 2>&1
git -C "$TMP/wt" commit -q --allow-empty -m three
same "linked worktree (a .git file, refs in the common dir)" wt
git -C repo checkout -q --detach HEAD~1
same "detached HEAD" repo
git init -q -b fresh unborn
got=$(record_of unborn)
check "an unborn branch records no commit" test "$got" = "fresh " -o "$got" = " "
mkdir plain
got=$(record_of plain)
check "not a repository: empty branch and commit" test "$got" = " "
got=$(BRANCH_NAME=release GIT_COMMIT=abc123 record_of repo)
check "CI variables win over .git" test "$got" = "release abc123"
# No git process is started to learn what .git says.
if command -v strace >/dev/null 2>&1; then
    (cd repo && strace -f -e trace=execve -o "$TMP/exec.log" "$S2N" stage command run=true >/dev/null 2>&1)
    lacks "no git started for the record" "$(cat "$TMP/exec.log")" "bin/git\""
fi
finish

#!/bin/sh
# sphinx publish: the site goes to gh-pages of a local bare repository by
# git plumbing.  Publishing twice makes one commit; a CNAME on the branch
# is kept; .nojekyll is added; the working tree, index, HEAD and the
# current branch are untouched; a checked-out gh-pages is refused.
. "$top_srcdir/tests/pytest/lib.sh"
set -e

# A git without the user's configuration: the stage must bring its own
# committer identity when none is configured (as on a CI agent).
export HOME="$tmp/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

remote="$tmp/remote.git"
proj="$tmp/proj"
git init -q --bare "$remote"
cp -R "$top_srcdir/tests/sphinx/fixture" "$proj"
chmod -R u+w "$proj"
(
    cd "$proj"
    git init -q -b main
    git add -A
    git -c user.name=dev -c user.email=dev@example.org commit -qm "project"
    git remote add origin "$remote"
    echo "local change" >>docs/usage.rst      # a dirty working tree
    echo "untracked" >notes.txt
    git add docs/usage.rst                     # and a staged change
)
state() {
    (cd "$proj" && git rev-parse HEAD && git symbolic-ref HEAD && git ls-files -s | sha1sum &&
        git status --porcelain=v1 --untracked-files=all -- . ':!.s2nbuild' && sha1sum docs/usage.rst notes.txt)
}
before=$(state)

# 1. First publish: a commit on gh-pages with the site and .nojekyll.
run_stage -C "$proj" sphinx publish=true
expect_result OK
expect_message "published to gh-pages of origin"
c1=$(git -C "$remote" rev-parse gh-pages)
[ "$(field output | sed -n 's/^publish_commit=//p')" = "$c1" ] || fail "publish_commit is not the remote's tip"
git -C "$remote" cat-file -e gh-pages:index.html || fail "index.html not published"
git -C "$remote" cat-file -e gh-pages:.nojekyll || fail ".nojekyll not added"
git -C "$remote" cat-file -p gh-pages:api.html | grep -q "Euclidean distance" || fail "autodoc page not published"
[ "$(git -C "$remote" log -1 --format=%ae gh-pages)" = "s2nbuild@localhost" ] ||
    fail "fallback identity not used"
[ "$(state)" = "$before" ] || fail "publishing changed the working tree, index or HEAD"
[ -z "$(git -C "$proj" branch --list gh-pages)" ] || fail "a local gh-pages branch was created"

# 2. Unchanged site: no new commit.
run_stage -C "$proj" sphinx publish.branch=gh-pages publish.remote=origin
expect_result OK
expect_message "site unchanged"
[ "$(git -C "$remote" rev-parse gh-pages)" = "$c1" ] || fail "second publish of the same site made a commit"
[ "$(git -C "$remote" rev-list --count gh-pages)" = 1 ] || fail "gh-pages has more than one commit"

# 3. Someone adds a CNAME on gh-pages; a changed site keeps it.
clone="$tmp/clone"
git clone -q -b gh-pages "$remote" "$clone"
echo docs.example.org >"$clone/CNAME"
git -C "$clone" add CNAME
git -C "$clone" -c user.name=dev -c user.email=dev@example.org commit -qm "custom domain"
git -C "$clone" push -q origin gh-pages
c2=$(git -C "$remote" rev-parse gh-pages)
sed -i 's/^Usage$/How to use it/; s/^=====$/=============/' "$proj/docs/usage.rst"
run_stage -C "$proj" sphinx publish=true
expect_result OK
c3=$(git -C "$remote" rev-parse gh-pages)
[ "$c3" != "$c2" ] || fail "a changed site made no commit"
[ "$(git -C "$remote" rev-parse "$c3^")" = "$c2" ] || fail "the new commit does not follow the remote tip"
[ "$(git -C "$remote" cat-file -p gh-pages:CNAME)" = docs.example.org ] || fail "CNAME was not kept"
git -C "$remote" cat-file -p gh-pages:usage.html | grep -q "How to use it" || fail "changed page not published"
run_stage -C "$proj" sphinx publish=true
expect_message "site unchanged"
[ "$(git -C "$remote" rev-parse gh-pages)" = "$c3" ] || fail "unchanged site made a commit after the CNAME"

# 4. cname and message options; another branch name.
run_stage -C "$proj" sphinx publish.branch=site publish.cname=www.example.org "publish.message=Docs build 7"
expect_result OK
[ "$(git -C "$remote" cat-file -p site:CNAME)" = www.example.org ] || fail "cname option not written"
[ "$(git -C "$remote" log -1 --format=%s site)" = "Docs build 7" ] || fail "message option not used"

# 5. Refusals: gh-pages checked out here; a remote that does not exist.
run_stage -C "$proj" sphinx publish.remote=nowhere
expect_result ERROR
expect_message "cannot read branches of remote 'nowhere'"
# Credentials in a remote URL never reach the log or the record.
run_stage -C "$proj" sphinx "publish.remote=http://bot:s3cr3t-t0ken@127.0.0.1:9/site.git"
expect_result ERROR
if grep -rq "s3cr3t-t0ken" "$run_dir/" || printf '%s' "$log$out" | grep -q "s3cr3t-t0ken"; then
    fail "the token of the remote URL was not masked"
fi
git -C "$proj" stash -q
git -C "$proj" checkout -q -b gh-pages
run_stage -C "$proj" sphinx publish=true
expect_result ERROR
expect_message "branch gh-pages is checked out in $proj"
[ "$(git -C "$remote" rev-parse gh-pages)" = "$c3" ] || fail "a refused publish changed the remote"

finish

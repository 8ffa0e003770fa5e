#!/bin/sh
# Configuration users already have: .pypirc (index-servers, repository,
# username, password), TWINE_* variables and options, in twine's order;
# tokens go as __token__; secrets never reach the log.
. "$top_srcdir/tests/twine/lib.sh"

build_fixture "$T/p"
cd "$T/p"
rm dist/*.tar.gz
start_stub one --user carol:pw1
start_stub two --user dave:pw2 --user __token__:pypi-AgEtoken
user_of() { records "$1" 'posts[-1]["user"] if posts else None'; }
count() { records "$1" 'len(posts)'; }

cat >"$HOME/.pypirc" <<EOF2
; a comment
[distutils]
index-servers =
    one
    two

[one]
repository = $URL_one/legacy/
username = carol
password: pw1

[two]
repository=$URL_two/legacy/
username = dave
# comment inside a section
password = pw2
EOF2

# Nothing chosen: the local index, never the first index-server (twine
# would go to PyPI; we go nowhere remote unless told), with a warning that
# names what is left unused.
stage >"$T/0.log" 2>&1 && rc=0 || rc=$?
checks "nothing chosen, a .pypirc with servers: the local index" \
    '[ "$rc" = 0 ] && [ "$(count "$REC_one")" = 0 ] && [ "$(count "$REC_two")" = 0 ] && [ -d .s2nbuild/index/simple ]'
check "... with a warning naming the .pypirc and how to choose" \
    grep -q "warning: no repository chosen, so nothing goes to a remote index (twine would upload to PyPI): the repositories of $HOME/.pypirc left unused; set repository: pypi" "$T/0.log"
rm -rf .s2nbuild
TWINE_USERNAME=__token__ TWINE_PASSWORD=pypi-AgEtoken stage config_file=/dev/null >"$T/0b.log" 2>&1 && rc=0 || rc=$?
checks "nothing chosen, TWINE_PASSWORD set: the local index, a warning naming TWINE_PASSWORD" \
    '[ "$rc" = 0 ] && grep -q "warning: no repository chosen.*TWINE_PASSWORD left unused" "$T/0b.log"'
check "... and the token is not in that log" sh -c "! grep -q pypi-AgEtoken '$T/0b.log'"
rm -rf .s2nbuild
stage repository=local >"$T/0c.log" 2>&1 && rc=0 || rc=$?
checks "repository: local says the local index is meant: no warning" \
    '[ "$rc" = 0 ] && ! grep -q "warning" "$T/0c.log"'
rm -rf .s2nbuild

check ".pypirc: repository names an index-server" stage repository=one >"$T/1.log" 2>&1
check ".pypirc: uploaded to 'one' as carol" [ "$(user_of "$REC_one")" = carol ]
check ".pypirc: the password is masked in the log" sh -c "! grep -q pw1 '$T/1.log'"

TWINE_REPOSITORY=two stage >"$T/2.log" 2>&1 && rc=0 || rc=$?
checks "TWINE_REPOSITORY picks a .pypirc section" '[ "$rc" = 0 ] && [ "$(user_of "$REC_two")" = dave ]'
rm -rf "$T/p/.s2nbuild"

stage repository=one skip_existing=true >"$T/3.log" 2>&1 && rc=0 || rc=$?
checks "option repository picks a section (already there)" '[ "$rc" = 0 ] && [ "$(count "$REC_one")" = 1 ]'

# Env credentials win over .pypirc; a token goes as __token__.
# /upload/: its guessed index /upload/simple/ is not there, so each run sends.
start_stub three --user __token__:pypi-AgEtoken --user erin:pw3 --upload-at /upload/
TWINE_USERNAME=erin TWINE_PASSWORD=pw3 stage repository_url="$URL_three/legacy/" >"$T/4.log" 2>&1
check "TWINE_USERNAME/TWINE_PASSWORD with repository_url" [ "$(user_of "$REC_three")" = erin ]
stage repository_url="$URL_three/upload/" token=pypi-AgEtoken >"$T/5.log" 2>&1 && rc=0 || rc=$?
checks "token option: sent as __token__" '[ "$rc" = 0 ] && [ "$(user_of "$REC_three")" = __token__ ]'
check "the token is masked in the log" sh -c "! grep -q pypi-AgEtoken '$T/5.log'"
TWINE_PASSWORD=pypi-AgEtoken stage repository_url="$URL_three/upload/" >"$T/6.log" 2>&1 && rc=0 || rc=$?
checks "a password without a username goes as __token__" '[ "$rc" = 0 ] && [ "$(count "$REC_three")" = 3 ]'
check "TWINE_PASSWORD is masked in the log" sh -c "! grep -q pypi-AgEtoken '$T/6.log'"

stage repository=nowhere >"$T/7.log" 2>&1 && rc=0 || rc=$?
check "unknown repository name: configuration error (exit 2)" [ "$rc" = 2 ]
check "the error names the repository" grep -q "repository 'nowhere' is not configured" "$T/7.log"

printf '[distutils]\nindex-servers = a\nthis line is wrong\n' >"$T/bad.pypirc"
stage config_file="$T/bad.pypirc" >"$T/8.log" 2>&1 && rc=0 || rc=$?
checks "malformed .pypirc: exit 2 with file:line:col" '[ "$rc" = 2 ] && grep -q "bad.pypirc:3:1: expected '\''key = value'\'' or '\''\[section\]'\''" "$T/8.log"'
check "... the line itself is not echoed (it may hold a password)" sh -c "! grep -q 'this line is wrong' '$T/8.log'"
stage config_file="$T/missing.pypirc" >"$T/9.log" 2>&1 && rc=0 || rc=$?
checks "an explicit config_file must exist" '[ "$rc" = 2 ] && grep -q "missing.pypirc" "$T/9.log"'

stage repository_url="$URL_one/legacy/" username=carol password=pw1 insecure=true skip_existing=true >"$T/10.log" 2>&1 && rc=0 || rc=$?
checks "insecure warns" '[ "$rc" = 0 ] && grep -q "TLS certificates are NOT verified" "$T/10.log"'
stage repository_url="ftp://example.invalid/" >"$T/11.log" 2>&1 && rc=0 || rc=$?
checks "non-http URL refused" '[ "$rc" = 2 ] && grep -q "expected http:// or https://" "$T/11.log"'
stage repository=one repository_url="$URL_one/" >"$T/12.log" 2>&1 && rc=0 || rc=$?
check "repository and repository_url together refused" [ "$rc" = 2 ]

# The stage's own choice wins over an exported TWINE_REPOSITORY_URL.
n_two=$(count "$REC_two")
rm -rf .s2nbuild
TWINE_REPOSITORY_URL="$URL_two/legacy/" TWINE_USERNAME=dave TWINE_PASSWORD=pw2 stage repository=local >"$T/13.log" 2>&1 && rc=0 || rc=$?
checks "repository: local wins over TWINE_REPOSITORY_URL" \
    '[ "$rc" = 0 ] && [ "$(count "$REC_two")" = "$n_two" ] && [ -d .s2nbuild/index/simple ] && grep -q "TWINE_REPOSITORY_URL is set; the stage'\''s repository option wins" "$T/13.log"'
build_fixture "$T/p3" 1.3.0
(cd "$T/p3" && rm dist/*.tar.gz && TWINE_REPOSITORY_URL="$URL_two/legacy/" "$S2NBUILD" stage twine repository=one >"$T/14.log" 2>&1) && rc=0 || rc=$?
checks "repository: one wins over TWINE_REPOSITORY_URL" \
    '[ "$rc" = 0 ] && [ "$(count "$REC_two")" = "$n_two" ] && [ "$(records "$REC_one" "posts[-1][\"fields\"]" | grep -c 1.3.0)" = 1 ]'

# .pypirc layouts configparser (and so twine) reads: keys all indented,
# blank lines inside index-servers, comments inside values.  Debian's
# twine is the reference: both must reach the same server as the same user.
cat >"$T/indented.pypirc" <<EOF2
[distutils]
  index-servers =
      one

      # the second one
      two

[two]
  repository = $URL_two/legacy/
  username = dave
  password = pw2
EOF2
build_fixture "$T/p4" 1.4.0
cd "$T/p4" && rm dist/*.tar.gz
twine upload --disable-progress-bar --config-file "$T/indented.pypirc" -r two dist/* >"$T/15t.log" 2>&1 && trc=0 || trc=$?
checks "twine reads the indented .pypirc (reference)" '[ "$trc" = 0 ] && [ "$(user_of "$REC_two")" = dave ]'
build_fixture "$T/p4b" 1.4.1
cd "$T/p4b" && rm dist/*.tar.gz
stage config_file="$T/indented.pypirc" repository=two >"$T/15.log" 2>&1 && rc=0 || rc=$?
checks "so does the stage: same server, same user" \
    '[ "$rc" = 0 ] && [ "$(user_of "$REC_two")" = dave ] && [ "$(records "$REC_two" "posts[-1][\"fields\"]" | grep -c 1.4.1)" = 1 ]'
check "... and the password is in no log, record or report" sh -c "! grep -rq pw2 '$T/15.log' .s2nbuild/runs"

# Credentials inside the upload URL (GitLab, Nexus, Artifactory): used,
# and their password masked everywhere.
start_stub four --user frank:url-SECRET
build_fixture "$T/p5" 1.5.0
cd "$T/p5" && rm dist/*.tar.gz
hostport=${URL_four#http://}
stage repository_url="http://frank:url-SECRET@$hostport/legacy/" >"$T/16.log" 2>&1 && rc=0 || rc=$?
checks "credentials in the URL: uploaded as that user" '[ "$rc" = 0 ] && [ "$(user_of "$REC_four")" = frank ]'
check "... the URL's password is in no log, record or report" sh -c "! grep -rq url-SECRET '$T/16.log' .s2nbuild/runs"
check "... and masked where the URL is shown" grep -q "frank:\*\*\*@$hostport" "$T/16.log"
finish

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

check ".pypirc: the first index-server is the default" stage >"$T/1.log" 2>&1
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
checks "malformed .pypirc: exit 2 with file:line" '[ "$rc" = 2 ] && grep -q "bad.pypirc:3: expected '\''key = value'\''" "$T/8.log"'
stage config_file="$T/missing.pypirc" >"$T/9.log" 2>&1 && rc=0 || rc=$?
checks "an explicit config_file must exist" '[ "$rc" = 2 ] && grep -q "missing.pypirc" "$T/9.log"'

stage repository_url="$URL_one/legacy/" username=carol password=pw1 insecure=true skip_existing=true >"$T/10.log" 2>&1 && rc=0 || rc=$?
checks "insecure warns" '[ "$rc" = 0 ] && grep -q "TLS certificates are NOT verified" "$T/10.log"'
stage repository_url="ftp://example.invalid/" >"$T/11.log" 2>&1 && rc=0 || rc=$?
checks "non-http URL refused" '[ "$rc" = 2 ] && grep -q "expected http:// or https://" "$T/11.log"'
stage repository=one repository_url="$URL_one/" >"$T/12.log" 2>&1 && rc=0 || rc=$?
check "repository and repository_url together refused" [ "$rc" = 2 ]
finish

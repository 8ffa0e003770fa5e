#!/bin/sh
# TLS is verified always: a self-signed server is refused (no retry, a
# clear message), trusted through TWINE_CERT / cert, and reachable with
# insecure=true only with a warning.
. "$top_srcdir/tests/twine/lib.sh"

command -v openssl >/dev/null || { echo "FAIL: the openssl command is missing (Debian package openssl)"; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
    -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" >"$T/openssl.log" 2>&1 ||
    { cat "$T/openssl.log"; exit 1; }
build_fixture "$T/p"
cd "$T/p"
rm dist/*.tar.gz
start_stub s --user u:p --tls "$T/cert.pem" "$T/key.pem"
case "$URL_s" in https://*) ok "stub serves HTTPS" ;; *) fail "stub serves HTTPS" ;; esac
export TWINE_USERNAME=u TWINE_PASSWORD=p
n() { records "$REC_s" 'len(posts)'; }

stage repository_url="$URL_s/legacy/" >"$T/1.log" 2>&1 && rc=0 || rc=$?
checks "an untrusted certificate fails the stage" '[ "$rc" = 1 ]'
check "the error says why" grep -qi "certificate" "$T/1.log"
check "no retry on a certificate error, nothing sent" [ "$(n)" = 0 ]
check "no retry messages" sh -c "! grep -q 'retry 1 of' '$T/1.log'"

TWINE_CERT="$T/cert.pem" stage repository_url="$URL_s/legacy/" >"$T/2.log" 2>&1 && rc=0 || rc=$?
checks "TWINE_CERT trusts the server" '[ "$rc" = 0 ] && [ "$(n)" = 1 ]'
check "the index was asked over TLS too" grep -q "uploaded s2n_demo-1.2.0-py3-none-any.whl" "$T/2.log"

stage repository_url="$URL_s/" cert="$T/cert.pem" skip_existing=true >"$T/3.log" 2>&1 && rc=0 || rc=$?
checks "the cert option works as well" '[ "$rc" = 0 ]'

stage repository_url="$URL_s/" insecure=true >"$T/4.log" 2>&1 && rc=0 || rc=$?
checks "insecure=true connects" '[ "$rc" = 0 ]'
check "insecure=true warns" grep -q "TLS certificates are NOT verified" "$T/4.log"
# Credentials never follow a redirect to another host (here: port).
start_stub other
start_stub redir --user u:p --redirect-simple "$URL_other"
stage repository_url="$URL_redir/legacy/" >"$T/5.log" 2>&1 && rc=0 || rc=$?
checks "upload after an index redirect succeeds" '[ "$rc" = 0 ] && [ "$(records "$REC_redir" '\''posts[-1]["user"]'\'')" = u ]'
checks "the index redirect was followed" '[ "$(records "$REC_other" '\''len([x for x in r if x["method"] == "GET"])'\'')" = 1 ]'
checks "no credentials sent to the redirect target" '[ "$(records "$REC_other" '\''[x["user"] for x in r if x["method"] == "GET"]'\'')" = "[None]" ]'
finish

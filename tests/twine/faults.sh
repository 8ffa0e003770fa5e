#!/bin/sh
# Retries: connection resets, 5xx and 429 (Retry-After) are retried with
# backoff; 403/413 and other 4xx are not; the server's text is shown.
. "$top_srcdir/tests/twine/lib.sh"

build_fixture "$T/p"
cd "$T/p"
rm dist/*.tar.gz
start_stub f --user u:p --max-size 100000000
export TWINE_USERNAME=u TWINE_PASSWORD=p
n() { records "$REC_f" 'len(posts)'; }

fault "$URL_f" '["503", "500"]'
check "503 then 500 then success" stage repository_url="$URL_f/legacy/" >"$T/1.log" 2>&1
check "three POSTs for it" [ "$(n)" = 3 ]
check "the 503 text is shown with the retry" grep -q "HTTP 503 Service Unavailable: injected server error: please retry; retry 1 of 3" "$T/1.log"

start_stub g --user u:p
fault "$URL_g" '["429:1"]'
check "429 with Retry-After then success" stage repository_url="$URL_g/legacy/" >"$T/2.log" 2>&1
check "Retry-After honoured" grep -q "retry 1 of 3 in 1.0 s" "$T/2.log"

start_stub h --user u:p
fault "$URL_h" '["reset"]'
check "connection reset mid-body then success" stage repository_url="$URL_h/legacy/" >"$T/3.log" 2>&1
check "the reset was retried" [ "$(records "$REC_h" 'len(posts)')" = 2 ]

start_stub i --user u:p
# A server that takes the body and then says nothing: the stalled request
# is abandoned (timeout = seconds without progress; libcurl averages the
# speed over a few seconds) and retried.
fault "$URL_i" '["slow:20"]'
check "a stalled answer is abandoned and retried" stage repository_url="$URL_i/legacy/" timeout=1 >"$T/4.log" 2>&1
check "the stall was logged" grep -q "Operation too slow.*retry 1 of 3" "$T/4.log"

start_stub j --user u:p
fault "$URL_j" '["500", "502", "503"]'
stage repository_url="$URL_j/legacy/" retries=2 >"$T/5.log" 2>&1 && rc=0 || rc=$?
check "retries exhausted: stage fails" [ "$rc" = 1 ]
check "exactly retries+1 attempts" [ "$(records "$REC_j" 'len(posts)')" = 3 ]
check "last server text in the error" grep -q "HTTP 503 Service Unavailable: injected server error: please retry (no retries left)" "$T/5.log"

start_stub k --user u:p
fault "$URL_k" '["403"]'
stage repository_url="$URL_k/legacy/" >"$T/6.log" 2>&1 && rc=0 || rc=$?
checks "403 fails without retry" '[ "$rc" = 1 ] && [ "$(records "$REC_k" '\''len(posts)'\'')" = 1 ]'
check "403 body text shown" grep -q "isn't allowed to upload to project" "$T/6.log"

TWINE_PASSWORD=wrong stage repository_url="$URL_k/legacy/" >"$T/7.log" 2>&1 && rc=0 || rc=$?
checks "bad credentials: 403, one attempt" '[ "$rc" = 1 ] && [ "$(records "$REC_k" '\''len(posts)'\'')" = 2 ]'
check "bad credentials: PyPI's text" grep -q "Invalid or non-existent authentication information" "$T/7.log"
check "the password never appears in the log" sh -c "! grep -q wrong '$T/7.log'"

start_stub m --user u:p --max-size 1000
stage repository_url="$URL_m/legacy/" >"$T/8.log" 2>&1 && rc=0 || rc=$?
checks "413 too large fails without retry" '[ "$rc" = 1 ] && [ "$(records "$REC_m" '\''len(posts)'\'')" = 1 ]'
check "413 text shown" grep -q "HTTP 413: Request Entity Too Large: file too large" "$T/8.log"

fault "$URL_k" '["409"]'
stage repository_url="$URL_k/" >"$T/9.log" 2>&1 && rc=0 || rc=$?
checks "409 fails without retry" '[ "$rc" = 1 ] && grep -q "HTTP 409: Conflict: name/version conflict" "$T/9.log"'
finish

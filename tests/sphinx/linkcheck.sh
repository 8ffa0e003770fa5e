#!/bin/sh
# sphinx linkcheck: true against a local HTTP server.  A broken link fails;
# a link that worked recently and breaks only warns (the cache); with
# linkcheck_cache_hours=0 it fails again.
. "$top_srcdir/tests/pytest/lib.sh"
set -e

www="$tmp/www"
mkdir -p "$www"
echo ok >"$www/ok.html"
"$PYTHON3" -u -m http.server --bind 127.0.0.1 --directory "$www" 0 >"$tmp/http.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's/.* port \([0-9][0-9]*\) .*/\1/p' "$tmp/http.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "FAIL: the local HTTP server did not start" >&2; cat "$tmp/http.log" >&2; exit 1; }

proj="$tmp/proj"
cp -R "$top_srcdir/tests/sphinx/fixture" "$proj"
chmod -R u+w "$proj"
printf '\nLinks: `ok <http://127.0.0.1:%s/ok.html>`_ and `later <http://127.0.0.1:%s/later.html>`_.\n' \
    "$port" "$port" >>"$proj/docs/usage.rst"

# 1. later.html does not exist yet: FAILED, naming file:line and the link.
run_stage -C "$proj" sphinx linkcheck=true
expect_result FAILED
expect_message "linkcheck: 1 broken link; first: docs/usage.rst:11: http://127.0.0.1:$port/later.html"
[ -n "$(field artifact)" ] || fail "the site archive is missing although the build itself passed"

# 2. It appears: OK, both links now remembered as working.
echo later >"$www/later.html"
run_stage -C "$proj" sphinx linkcheck=true
expect_result OK
expect_message "linkcheck: 2 links ok"
cache="$proj/.s2nbuild/cache/sphinx-linkcheck/sphinx.json"
grep -q "later.html" "$cache" || fail "working link not cached"

# 3. It breaks again: only a warning, the site is still fine.
rm "$www/later.html"
run_stage -C "$proj" sphinx linkcheck=true
expect_result OK
expect_message "1 failing now but working within 24 h"
expect_log "link http://127.0.0.1:$port/later.html fails now but worked within 24 h"

# 4. Without the grace period it fails.
run_stage -C "$proj" sphinx linkcheck=true linkcheck_cache_hours=0
expect_result FAILED

# 5. A corrupt cache is ignored with a warning, not a crash.
echo '{not json' >"$cache"
run_stage -C "$proj" sphinx linkcheck=true
expect_result FAILED
expect_log "ignoring unreadable cache"

finish

#!/bin/sh
# Convergence: interrupt the stage at every request of a clean run — the
# request refused (drop, 502) or done with its answer lost (drop_after) — with
# no retries, so the stage stops there; then run it again.  The second run
# must end in exactly the state of one clean run (no second release, no
# duplicate asset), and a third run must change nothing (one GET).
# The release list is paginated (page size 2, three older releases), so a
# draft left behind is found on its second page.
. "$top_srcdir/tests/github-release/lib.sh"
TOKEN=ghs_fakeToken0000000000000000000000000042
start_fake "$TOKEN"
printf 'sha256 sums\n' >"$work/SUMS.txt"
OPTS="api_url=$FAKE/api token=$TOKEN repo=s2n-fixture-org/demo tag=v1.2.0 target=main
 assets=$here/data/demo_pkg-1.2.0-py3-none-any.whl assets=$work/SUMS.txt
 notes=$here/data/CHANGES.md retries=0"
RESET='{"page_size": 2, "decoys": ["v1.0.0", "v1.1.0", "v1.1.1"]}'
fake POST /_reset "$RESET" >/dev/null
ghrel clean $OPTS
check "clean run succeeds" [ "$rc" -eq 0 ]
fake GET /_state >"$work/clean.state"
steps=$(fake GET /_log | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "a clean run takes 7 requests (find, 2 list pages, create, 2 uploads, publish)" [ "$steps" -eq 7 ]
explain clean

for action in drop 502 drop_after; do
    n=1
    while [ "$n" -le "$steps" ]; do
        fake POST /_reset "$RESET" >/dev/null
        fake POST /_faults "[{\"at\": $n, \"action\": \"$action\"}]" >/dev/null
        ghrel "cut-$action-$n" $OPTS
        # A 502 always stops it (retries=0).  A dropped connection may not:
        # libcurl itself re-sends a GET or PATCH whose reused connection died
        # unanswered (never a POST: see http.c).
        if [ "$action" = 502 ]; then
            check "$action at request $n: the stage stops (exit 1)" [ "$rc" -eq 1 ]
        else
            check "$action at request $n: the stage stops or recovers (exit 0/1)" [ "$rc" -le 1 ]
        fi
        explain "cut-$action-$n"
        ghrel "resume-$action-$n" $OPTS
        check "$action at request $n: the re-run succeeds" [ "$rc" -eq 0 ]
        check "$action at request $n: same end state as one clean run" \
            sh -c "fake_state=\$(curl -sf '$FAKE/_state'); [ \"\$fake_state\" = \"\$(cat '$work/clean.state')\" ]"
        explain "resume-$action-$n"
        before=$(fake GET /_log | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
        ghrel "again-$action-$n" $OPTS
        after=$(fake GET /_log | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
        check "$action at request $n: a third run makes one call" [ "$rc" -eq 0 ] && [ $((after - before)) -eq 1 ]
        n=$((n + 1))
    done
done
finish

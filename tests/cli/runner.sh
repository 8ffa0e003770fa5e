#!/bin/sh
# The runner: order, parallelism, failures, not-run reasons, timeouts,
# retries, keep-going, logs and the record.
. "$top_srcdir/tests/lib.sh"
cd "$TMP"
export S2NBUILD_KILL_GRACE=1 S2NBUILD_RETRY_DELAY=0

# Parallelism proven without timing: each of p1/p2 waits for the other's
# marker, which only works when both run at once.
cat > s2nbuild.yml <<'Y'
version: 1
stages:
  - name: p1
    type: command
    timeout: 20
    with: { run: "touch p1.mark; i=0; while [ ! -e p2.mark ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i+1)); done; test -e p2.mark" }
  - name: p2
    type: command
    timeout: 20
    with: { run: "touch p2.mark; i=0; while [ ! -e p1.mark ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i+1)); done; test -e p1.mark" }
  - name: after
    type: command
    needs: [p1, p2]
    with: { run: "echo both done", outputs: [p1.mark] }
Y
expect_rc "independent stages run in parallel with -j2" 0 "$S2N" run -j2
contains "downstream ran" "$OUT" "after     | both done"
rec=.s2nbuild/runs/latest/record.json
check "latest link points at a run with a record" test -f "$rec"
sha=$(sha256sum p1.mark | cut -d' ' -f1)
check "artifact sha256 recorded" test "$(json_get "$rec" 'j["stages"][2]["artifacts"][0]["sha256"]')" = "$sha"
check "per-stage log written" grep -q "both done" .s2nbuild/runs/latest/after.log
check "junit.xml parses, one testcase per stage" test "$("$PYTHON3" -c 'import sys,xml.etree.ElementTree as E; print(len(E.parse(sys.argv[1]).findall(".//testcase")))' .s2nbuild/runs/latest/junit.xml)" = 3
rm -f p1.mark p2.mark

cat > fail.yml <<'Y'
version: 1
stages:
  - { name: lint, type: command, with: { run: "echo lint; exit 4" } }
  - { name: test, type: command, needs: [lint], with: { run: "echo never" } }
  - { name: docs, type: command, with: { run: "echo docs ran" } }
Y
expect_rc "a failed stage exits 1" 1 "$S2N" run -f fail.yml -j1
contains "failure message" "$OUT" "command exited with status 4"
contains "downstream not run, with reason" "$OUT" "not run: needs 'lint', which failed"
contains "without --keep-going independent stages stop" "$OUT" "not run: an earlier stage failed"
expect_rc "--keep-going runs independent stages" 1 "$S2N" run -f fail.yml -j1 --keep-going
contains "independent stage ran" "$OUT" "docs ran"

# a sleep only this test runs, so other tests' processes never count
SLEEPID=$$
cat > timeout.yml <<'Y'
version: 1
stages:
  - { name: hang, type: command, timeout: 1, with: { run: "trap '' TERM; sleep 30.SLEEPID" } }
Y
sed -i "s/SLEEPID/$SLEEPID/" timeout.yml
expect_rc "timeout is a failure" 1 "$S2N" run -f timeout.yml
contains "timeout reported" "$OUT" "timed out after 1 s"
check "processes that ignored SIGTERM are gone" sh -c "! ps -eo args | grep -q '[s]leep 30.'$SLEEPID"
check "record says timeout" test "$(json_get .s2nbuild/runs/latest/record.json 'j["stages"][0]["result"]')" = timeout

cat > retry.yml <<'Y'
version: 1
stages:
  - name: flaky
    type: command
    retries: 3
    with: { run: "n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n; test $n -ge 3 || exit 75", retry_codes: [75] }
  - name: hard
    type: command
    retries: 3
    with: { run: "echo once >> hard.count; exit 1", retry_codes: [75] }
Y
expect_rc "retryable failures are retried" 1 "$S2N" run -f retry.yml -k
check "flaky stage succeeded on attempt 3" test "$(json_get .s2nbuild/runs/latest/record.json 'j["stages"][0]["attempts"], j["stages"][0]["result"]')" = "(3, 'ok')"
check "non-retryable failure ran once" test "$(wc -l < hard.count)" = 1

cat > sig.yml <<'Y'
version: 1
stages:
  - { name: long, type: command, with: { run: "echo started; sleep 30.SLEEPID" } }
  - { name: later, type: command, needs: [long], with: { run: "true" } }
Y
sed -i "s/SLEEPID/$SLEEPID/" sig.yml
"$S2N" run -f sig.yml > sig.out 2>&1 &
pid=$!
i=0; while ! grep -q started sig.out 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
kill -TERM $pid
wait $pid; rc=$?
check "SIGTERM to s2nbuild exits 143" test $rc = 143
check "record written on abort" test "$(json_get .s2nbuild/runs/latest/record.json 'j["result"], j["stages"][0]["result"], j["stages"][1]["result"]')" = "('aborted', 'aborted', 'not-run')"
check "no stage process left behind" sh -c "! ps -eo args | grep -q '[s]leep 30.'$SLEEPID"
"$S2N" run -f sig.yml > sig2.out 2>&1 &
pid=$!
i=0; while ! grep -q started sig2.out 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
kill -INT $pid
wait $pid; rc=$?
check "SIGINT to s2nbuild exits 130" test $rc = 130

# two runs in one workspace: the second stops at once and names the first
"$S2N" run -f sig.yml > lock1.out 2>&1 &
pid=$!
i=0; while ! grep -q started lock1.out 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
expect_rc "a second run in the same workspace is refused" 2 "$S2N" run -f fail.yml
contains "the message names the holder" "$OUT" "another s2nbuild run (pid $pid) holds"
kill -TERM $pid; wait $pid

cat > sel.yml <<'Y'
version: 1
stages:
  - { name: a, type: command, with: { run: "echo A" } }
  - { name: b, type: command, needs: [a], with: { run: "echo B" } }
  - { name: c, type: command, with: { run: "echo C" } }
Y
expect_rc "run STAGE runs it and what it needs" 0 "$S2N" run -f sel.yml b
contains "needed stage ran" "$OUT" "a         | A"
lacks "unrelated stage did not run" "$OUT" "| C"
expect_rc "unknown stage name on the command line" 2 "$S2N" run -f sel.yml nope
finish

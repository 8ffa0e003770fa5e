#!/bin/sh
# The policy through the real CLI, on a small git monorepo of command
# stages: plan reasons, when: skips, change detection against the last
# green run, the stage cache on an unchanged re-run, --only reusing
# recorded results, --failed, --profile/--set, a file secret masked in
# every output, export and report.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
s2n="$top_builddir/s2nbuild"
if ! "$s2n" --help 2>&1 | grep -q -- "--profile"; then
    echo "not ok - s2nbuild --help does not offer --profile: the policy is not wired in"
    echo "0 passed, 1 failed"
    exit 1
fi
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
ws="$tmp/repo"    # the monorepo
out="$tmp/out"    # what the runs print (outside the repo: not a change)
mkdir -p "$ws" "$out"
fail=0
check() { # check DESCRIPTION COMMAND...
    d=$1; shift
    if ! "$@"; then echo "FAIL: $d"; fail=1; fi
}
result_of() { # result_of STAGE [RUN]: the stage's result in the latest record
    ${PYTHON3:-/usr/bin/python3} -c '
import json, sys
rec = json.load(open(sys.argv[1]))
print([s["result"] for s in rec["stages"] if s["name"] == sys.argv[2]][0] if any(
    s["name"] == sys.argv[2] for s in rec["stages"]) else "absent")' \
        "$ws/.s2nbuild/runs/latest/record.json" "$1"
}
secret='dpl-Secret/Value+42'
printf '%s\n' "$secret" > "$tmp/token-file"
export TOKEN_FILE="$tmp/token-file"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t \
    GIT_COMMITTER_EMAIL=t@example.invalid GIT_CONFIG_NOSYSTEM=1 HOME="$ws"
unset BRANCH_NAME CHANGE_ID CHANGE_TARGET TAG_NAME GIT_COMMIT GIT_PREVIOUS_SUCCESSFUL_COMMIT \
    GITHUB_REF GITHUB_EVENT_NAME GITHUB_HEAD_REF GITHUB_BASE_REF GITHUB_SHA BUILD_NUMBER \
    JENKINS_URL INDEX 2>/dev/null || true
mkdir -p "$ws/core" "$ws/docs"
cat > "$ws/s2nbuild.yml" <<'YML'
version: 1
workdir: core
profiles:
  prod: {env: {INDEX: pypi, DEPLOY: "yes"}}
env: {INDEX: local}
secrets:
  - {name: DEPLOY_TOKEN, file: "${TOKEN_FILE}"}
stages:
  - {name: env, type: command, inputs: [requirements.txt], with: {run: "echo making the env"}}
  - name: test
    type: command
    needs: [env]
    inputs: [src.py]
    with: {run: "echo testing; cat src.py"}
  - name: build
    type: command
    needs: [test]
    with: {run: "mkdir -p dist && cp src.py dist/pkg-1.0-py3-none-any.whl", outputs: ["dist/*.whl"]}
  - {name: docs, type: command, needs: [env], when: {event: pull_request}, with: {run: "echo docs"}}
  - name: publish
    type: command
    needs: [build]
    when: {branch: main, changes: ["core/**"]}
    with: {run: "echo publishing to ${INDEX} with $DEPLOY_TOKEN"}
  - {name: deploy, type: command, needs: [build], when: {env: {DEPLOY: "yes"}}, with: {run: "echo deploying"}}
YML
echo "print('v1')" > "$ws/core/src.py"
printf 'dist/\n.s2nbuild/\n' > "$ws/.gitignore"
(cd "$ws" && git init -q -b main . && git add -A && git commit -qm one)

# plan: each stage's decision and why; a first build never skips silently
"$s2n" -C "$ws" plan --branch main --event push > "$out/plan1.out" 2>&1 || { cat "$out/plan1.out"; fail=1; }
check "plan: docs skipped on a push" grep -q "skip: event is push, not pull_request" "$out/plan1.out"
check "plan: publish runs, everything changed on a first build" \
    grep -q "run: branch is 'main'; everything counts as changed: no base to compare with" "$out/plan1.out"

# first run
"$s2n" -C "$ws" run --branch main --event push > "$out/run1.out" 2>&1 || { echo "FAIL: run 1"; cat "$out/run1.out"; fail=1; }
check "run 1: publish ran" test "$(result_of publish)" = ok
check "run 1: docs skipped" test "$(result_of docs)" = skipped
check "run 1: deploy skipped without the prod profile" grep -q "skipped: DEPLOY is not set (wanted 'yes')" "$out/run1.out"
check "run 1: the record has the commit" grep -q '"commit": "[0-9a-f]\{40\}"' "$ws/.s2nbuild/runs/latest/record.json"
check "run 1: the secret reached the stage (masked)" grep -q "publishing to local with \*\*\*" "$out/run1.out"
check "run 1: report.html" test -s "$ws/.s2nbuild/runs/latest/report.html"

# unchanged re-run: everything from the cache, publish skipped (no change)
"$s2n" -C "$ws" run --branch main --event push > "$out/run2.out" 2>&1 || { echo "FAIL: run 2"; cat "$out/run2.out"; fail=1; }
for s in env test build; do
    check "run 2: $s cached" test "$(result_of $s)" = cached
done
check "run 2: publish skipped: nothing changed" test "$(result_of publish)" = skipped
check "run 2: the reason names the last green run" \
    grep -q "skipped: nothing under core/\*\* changed since commit [0-9a-f]* of the last green run" "$out/run2.out"
check "run 2: the wheel is still there" test -f "$ws/core/dist/pkg-1.0-py3-none-any.whl"

# another branch
"$s2n" -C "$ws" run --branch dev --event push > "$out/run3.out" 2>&1 || fail=1
check "run 3: publish skipped on dev" grep -q "skipped: branch 'dev' does not match main" "$out/run3.out"

# a source change: test and build run again, publish runs (core changed)
echo "print('v2')" > "$ws/core/src.py"
(cd "$ws" && git commit -qam two)
"$s2n" -C "$ws" run --branch main --event push > "$out/run4.out" 2>&1 || { echo "FAIL: run 4"; cat "$out/run4.out"; fail=1; }
check "run 4: env still cached" test "$(result_of env)" = cached
check "run 4: test ran" test "$(result_of test)" = ok
check "run 4: build ran" test "$(result_of build)" = ok
check "run 4: publish ran" test "$(result_of publish)" = ok

# --only publish after another commit: build is reused from the recorded
# run with its wheel (the bytes tested are the bytes published)
echo "print('v3')" > "$ws/core/src.py"
(cd "$ws" && git commit -qam three)
"$s2n" -C "$ws" run --only publish --branch main --event push --force > "$out/run5.out" 2>&1 || { echo "FAIL: run 5"; cat "$out/run5.out"; fail=1; }
check "run 5: build reused" grep -q "reused from run" "$out/run5.out"
check "run 5: publish ran" test "$(result_of publish)" = ok
check "run 5: test not part of it" test "$(result_of docs)" = absent

# a failure, then --failed runs only what failed and what follows
rc=0
"$s2n" -C "$ws" run --set 'stages.test.with.run=exit 3' --branch main > "$out/run6.out" 2>&1 || rc=$?
check "run 6: the --set failure fails the run" test $rc = 1
check "run 6: test failed" test "$(result_of test)" = failed
"$s2n" -C "$ws" run --failed --branch main > "$out/run7.out" 2>&1 || { echo "FAIL: run 7"; cat "$out/run7.out"; fail=1; }
# test's options are those of an earlier green run again: cached is right
check "run 7: test ran again (or came from the cache)" sh -c "test \"$(result_of test)\" = ok || test \"$(result_of test)\" = cached"
check "run 7: env reused, not run" grep -q "reused from run" "$out/run7.out"
rc=0
"$s2n" -C "$ws" run --failed > "$out/run8.out" 2>&1 || rc=$?
check "run 8: nothing failed last time is a usage error" test $rc = 2
rc=0
"$s2n" -C "$ws" run --only pubish > "$out/run9.out" 2>&1 || rc=$?
check "run 9: unknown --only stage" test $rc = 2
check "run 9: did you mean" grep -q "did you mean 'publish'" "$out/run9.out"

# --profile: the profile's env, and an unknown profile
echo "print('v4')" > "$ws/core/src.py"
(cd "$ws" && git commit -qam four)
"$s2n" -C "$ws" run --profile prod --only publish --branch main --force > "$out/run10.out" 2>&1 || fail=1
check "run 10: the prod profile's INDEX" grep -q "publishing to pypi" "$out/run10.out"
"$s2n" -C "$ws" plan --profile prod > "$out/plan3.out" 2>&1 || fail=1
check "plan 3: the profile's env: enables deploy" grep -q "run: DEPLOY is 'yes'" "$out/plan3.out"
rc=0
"$s2n" -C "$ws" validate --profile prd > "$out/run11.out" 2>&1 || rc=$?
check "run 11: unknown profile" test $rc = 2
check "run 11: did you mean prod" grep -q "did you mean 'prod'" "$out/run11.out"

# export and report through the CLI
"$s2n" -C "$ws" export jenkinsfile > "$out/Jenkinsfile" || fail=1
check "export: one stage per pipeline stage" test "$(grep -c "sh 's2nbuild run --only" "$out/Jenkinsfile")" = 6
"$s2n" -C "$ws" report > "$out/report.out" || fail=1
check "report: prints its path" grep -q "report.html$" "$out/report.out"

# the secret in no output: raw, base64, URL-encoded
b64=$(printf %s "$secret" | base64)
url=$(${PYTHON3:-/usr/bin/python3} -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$secret")
for form in "$secret" "$b64" "$url"; do
    if grep -rqF -- "$form" "$out"/*.out "$ws/.s2nbuild"; then
        echo "FAIL: the secret leaked as $form in:"; grep -rlF -- "$form" "$out"/*.out "$ws/.s2nbuild"; fail=1
    fi
done
[ $fail = 0 ] && echo "cli: ok"
exit $fail

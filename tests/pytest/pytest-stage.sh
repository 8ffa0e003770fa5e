#!/bin/sh
# The pytest stage against Debian's real pytest on a small fixture
# project: counts agree with pytest's own summary, exit statuses map to
# the documented results, the JUnit file is handed to the core, coverage.
. "$top_srcdir/tests/pytest/lib.sh"
set -e

proj="$tmp/proj"
cp -R "$top_srcdir/tests/pytest/fixture" "$proj"
chmod -R u+w "$proj"

# pytest's own verdict on the same project, from its summary line:
# "2 failed, 5 passed, 2 skipped, 1 xfailed in 0.02s".
summary=$(cd "$proj" && "$PYTHON3" -m pytest -p no:cacheprovider -q 2>&1 | tail -1) || true
count() { printf '%s\n' "$summary" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+' || echo 0; }
own_passed=$(count passed); own_failed=$(count failed); own_errors=$(count 'errors?')
own_skipped=$(( $(count skipped) + $(count xfailed) ))   # JUnit files xfail as skipped
[ "$own_passed" -gt 0 ] && [ "$own_failed" -gt 0 ] && [ "$own_skipped" -gt 0 ] ||
    { echo "FAIL: could not read pytest's own summary: $summary" >&2; exit 1; }

# 1. The whole suite: FAILED, counts equal pytest's, first failure named.
run_stage -C "$proj" pytest
expect_result FAILED
[ "$rc" -eq 1 ] || fail "s2nbuild exit $rc, expected 1"
expect_tests "$own_passed" "$own_failed" "$own_skipped" "$own_errors"
expect_message "first failure: tests.test_calc::test_mul_wrong: assert 6 == 7"
expect_log "pytest: 6 passed, 2 failed, 3 skipped, 1 error (exit 1)"
# pytest's cases are merged into the run's junit.xml, in a suite named
# after the stage.
grep -q '<testsuite name="pytest"' "$run_dir/junit.xml" || fail "no suite named after the stage in junit.xml"
grep -q 'name="test_mul_wrong"' "$run_dir/junit.xml" || fail "pytest's cases are not in the run's junit.xml"
expect_log "/usr/bin/python3 (the system interpreter)"

# 2. Selecting only the green tests: OK.
run_stage -C "$proj" pytest keyword="add or table"
expect_result OK
expect_tests 5 0 0 0

# 3. Markers and explicit paths.
run_stage -C "$proj" pytest markers=slow paths=tests/test_calc.py
expect_result OK
expect_tests 1 0 0 0

# 4. Nothing collected: exit 5 follows no_tests.
run_stage -C "$proj" pytest keyword=no_such_test
expect_result FAILED
expect_message "no tests were collected"
run_stage -C "$proj" pytest keyword=no_such_test no_tests=pass
expect_result OK
run_stage -C "$proj" pytest no_tests=maybe
[ "$rc" -eq 2 ] || fail "no_tests=maybe accepted (exit $rc)"

# 5. A usage error (exit 4) is ERROR, not FAILED.
run_stage -C "$proj" pytest args=--no-such-flag
expect_result ERROR
expect_message "usage error"

# 6. A collection error (exit 2) is FAILED with the error counted.
mkdir -p "$proj/broken"
printf 'import no_such_module\n\ndef test_x():\n    pass\n' >"$proj/broken/test_broken.py"
run_stage -C "$proj" pytest paths=broken
expect_result FAILED
expect_tests 0 0 0 1
expect_message "interrupted by 1 error during collection; first: broken.test_broken"
rm -rf "$proj/broken"

# 7. An interpreter without pytest: ERROR saying so.  The wrapper starts
# Debian's python without site-packages, the way a bare venv looks.
cat >"$tmp/bare-python" <<EOS
#!/bin/sh
exec $PYTHON3 -S "\$@"
EOS
chmod +x "$tmp/bare-python"
run_stage -C "$proj" pytest python="$tmp/bare-python"
expect_result ERROR
expect_message "pytest is not installed for $tmp/bare-python (from the stage option \`python\`)"

# 8. The interpreter published by an upstream venv stage is used
#    (fakevenv publishes the `python` output the way the venv stage does).
cat >"$proj/s2nbuild.yml" <<EOS
version: 1
stages:
  - { name: env, type: fakevenv, with: { python: "$tmp/bare-python" } }
  - { name: unit, type: pytest, needs: [env] }
EOS
run_pipeline "$proj" unit
expect_result ERROR
expect_message "pytest is not installed for $tmp/bare-python (published by an upstream venv stage)"
cat >"$proj/s2nbuild.yml" <<EOS
version: 1
stages:
  - { name: env, type: fakevenv, with: { python: "$PYTHON3" } }
  - { name: unit, type: pytest, needs: [env], with: { keyword: add } }
EOS
run_pipeline "$proj" unit
expect_result OK
expect_tests 2 0 0 0
expect_log "running pytest with $PYTHON3 (published by an upstream venv stage)"
rm "$proj/s2nbuild.yml"
run_stage -C "$proj" pytest python=/nonexistent/python
expect_result ERROR
expect_error "python: Python interpreter /nonexistent/python does not exist"
[ "$rc" -eq 1 ] || fail "s2nbuild exit $rc for a stage ERROR, expected 1"

# 9. Timeout: the sleeping test is stopped, FAILED.
run_stage -C "$proj" pytest paths=slow timeout=1
expect_result FAILED
expect_message "killed by signal"

# 10. Coverage (python3-pytest-cov): coverage.xml becomes an artifact.
if "$PYTHON3" -c 'import pytest_cov' 2>/dev/null; then
    run_stage -C "$proj" pytest coverage=calc keyword="add or table"
    expect_result OK
    cov=$(field artifact | sed -n 's/^coverage \([^ ]*\) .*/\1/p')
    [ -n "$cov" ] && grep -q '<coverage' "$cov" || fail "no coverage.xml artifact"
    grep -q 'filename="__init__.py"' "$cov" || fail "coverage.xml does not cover calc"
    [ ! -e "$proj/.coverage" ] || fail "coverage left its data file in the workdir"
else
    fail "pytest-cov is not installed (Debian: python3-pytest-cov); coverage is untested"
fi
run_stage -C "$proj" pytest coverage=true python="$tmp/bare-python"
expect_result ERROR
expect_message "coverage needs pytest-cov"

finish

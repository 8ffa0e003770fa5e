#!/bin/sh
# `export jenkinsfile` and `export github-actions` of the example monorepo
# pipeline: golden files, the workflow parsed as YAML with the expected
# jobs, and the Jenkinsfile through a real Groovy parser (Debian `groovy`).
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
tool="$top_builddir/tests/policy/policy-tool"
data="$top_srcdir/tests/policy/data"
golden="$top_srcdir/tests/policy/golden"
py=${PYTHON3:-/usr/bin/python3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0

"$tool" export jenkinsfile "$data/monorepo.yml" > "$out/Jenkinsfile"
"$tool" export github-actions "$data/monorepo.yml" > "$out/workflow.yml"
for pair in "Jenkinsfile monorepo.Jenkinsfile" "workflow.yml monorepo.github-actions.yml"; do
    set -- $pair
    if ! diff -u "$golden/$2" "$out/$1"; then
        echo "FAIL: $1 differs from golden/$2"
        fail=1
    fi
done

# an unknown format is a usage error with a suggestion
if "$tool" export jenkins "$data/monorepo.yml" > /dev/null 2> "$out/err"; then
    echo "FAIL: export jenkins succeeded"; fail=1
fi
grep -q "did you mean 'jenkinsfile'" "$out/err" || { echo "FAIL: no suggestion"; cat "$out/err"; fail=1; }

# the workflow: YAML with one job per stage, needs and steps as expected
"$py" - "$out/workflow.yml" <<'PY' || fail=1
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
jobs = wf["jobs"]
want = {"env": [], "lint": ["env"], "test": ["env"], "build": ["test"],
        "docs": ["env"], "publish": ["build"], "release": ["publish"]}
assert set(jobs) == set(want), sorted(jobs)
for name, needs in want.items():
    job = jobs[name]
    assert job.get("needs", []) == needs, (name, job.get("needs"))
    runs = [s["run"] for s in job["steps"] if "run" in s]
    assert runs == ["s2nbuild run -f monorepo.yml --only %s" % name], runs
    step = [s for s in job["steps"] if "run" in s][0]
    assert step["env"]["TWINE_PASSWORD"] == "${{ secrets.TWINE_PASSWORD }}"
    assert step["env"]["GITHUB_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"
assert "pull_request" in jobs["docs"]["if"], jobs["docs"]["if"]
assert "'main'" in jobs["publish"]["if"]
assert "refs/tags/" in jobs["release"]["if"]
assert set(wf[True]) == {"push", "pull_request", "workflow_dispatch"}  # YAML 1.1: on -> True
print("workflow: %d jobs ok" % len(jobs))
PY

# the Jenkinsfile through Groovy's own parser; a broken copy must fail
if ! command -v groovy > /dev/null 2>&1; then
    echo "SKIP: no groovy (Debian package groovy) for the Groovy syntax check"
    [ $fail = 0 ] && exit 77 || exit 1
fi
if [ ! -x "${JAVA_HOME:-/nonexistent}/bin/java" ]; then
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    export JAVA_HOME
fi
check="$top_srcdir/tests/policy/check-groovy.groovy"
sed '$d' "$out/Jenkinsfile" > "$out/Broken"
# one JVM for both: the real file must pass, the broken copy must not
if groovy "$check" "$out/Jenkinsfile" "$out/Broken" > "$out/groovy.out" 2>&1; then
    echo "FAIL: the Groovy check accepted a Jenkinsfile without its last brace"; fail=1
fi
cat "$out/groovy.out"
grep -q "^$out/Jenkinsfile: ok" "$out/groovy.out" || { echo "FAIL: the Jenkinsfile does not parse"; fail=1; }
grep -q "^$out/Broken: .*expecting '}'" "$out/groovy.out" || { echo "FAIL: no parse error for the broken copy"; fail=1; }
[ $fail = 0 ] && echo "export: ok"
exit $fail

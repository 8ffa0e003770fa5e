#!/bin/sh
# The host table as a plugin sees it (tests/hostapi/hostprobe.c).
. "$top_srcdir/tests/lib.sh"
PP="--plugin-path $top_builddir/tests/hostapi/.libs"
cd "$TMP"

expect_rc "secret registered at run time" 0 "$S2N" $PP stage hostprobe do=secret token=option-token-value
all="$OUT
$(cat .s2nbuild/runs/latest/*.log .s2nbuild/runs/latest/record.json)"
lacks "runtime secret masked on stdout, log, child output, message" "$all" "late-secret-value-42"
lacks "secret option masked" "$all" "option-token-value"
contains "child output masked" "$all" "child ***"
contains "message masked" "$all" "message ***"

cat > s2nbuild.yml <<'Y'
version: 1
env: { PROBE_ENV: from-pipeline }
stages:
  - { name: make, type: hostprobe, with: { do: publish, file: made.txt } }
  - { name: take, type: hostprobe, needs: [make], with: { do: consume, from: make } }
  - { name: tell, type: hostprobe, needs: [take], with: { do: kinds, count: 7, flag: "off", items: [a, b], map: { k: v } }, env: { PROBE_ENV: from-stage } }
  - { name: junit, type: hostprobe, with: { do: tests } }
  - { name: dirs, type: hostprobe, with: { do: dir } }
Y
mkdir sub
expect_rc "pipeline of probes (one fails its tests)" 1 "$S2N" $PP -k run
sha=$(sha256sum made.txt | cut -d' ' -f1)
contains "artifact of an upstream stage, with sha256" "$OUT" "got made.txt text 14 $sha"
contains "outputs through needs and by name" "$OUT" "version 9.8.7 via needs, 9.8.7 by name"
contains "int and bool options" "$OUT" "count=7 flag=0"
contains "path option resolved against the workdir" "$OUT" "file=$TMP/out.txt"
contains "list items keep their position" "$OUT" "item b at s2nbuild.yml:6:104"
contains "map option" "$OUT" "map k=v"
contains "stage env over pipeline env" "$OUT" "env PROBE_ENV=from-stage"
contains "S2N_HAS_MEMBER" "$OUT" "has spawn member: 1"
contains "test counts in the summary" "$OUT" "1 passed, 1 failed, 0 skipped, 0 errors"
check "plugin test cases merged into junit.xml" "$PYTHON3" -c '
import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
names = [c.get("name") for c in r.iter("testcase")]
assert "good" in names and "bad" in names and "junit" in names, names' .s2nbuild/runs/latest/junit.xml
check "stage dir exists and is under the run" sh -c "grep -q 'stage_dir $TMP/.s2nbuild/runs/' .s2nbuild/runs/latest/dirs.log"

expect_rc "spawn: capture, cwd, timeout, missing program" 0 "$S2N" $PP stage hostprobe do=spawn
contains "captured stdout only, in cwd" "$OUT" "rc=0 len=$(printf 'captured %s' "$TMP/sub" | wc -c) out=[captured $TMP/sub]"
contains "stderr of a captured process still logged" "$OUT" "to-stderr"
contains "spawn timeout kills" "$OUT" "timeout rc=137"
contains "missing program: -1 and a reason" "$OUT" "cannot run no-such-program-s2n: No such file or directory"
contains "missing rc" "$OUT" "missing rc=-1"
finish

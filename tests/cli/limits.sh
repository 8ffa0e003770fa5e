#!/bin/sh
# limits: resource limits on a stage's processes — memory, file size, CPU,
# open files, core size; the pipeline's limits for every stage, a stage's
# own over them key by key; clear messages for the limit that stopped a
# stage and for bad values (file:line:col); limits are part of the stage
# cache key.
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1
PY=/usr/bin/python3
cat > s2nbuild.yml <<EOF2
version: 1
limits: { cpu: 1m, open_files: 256 }
stages:
  - name: hog
    type: command
    limits: { memory: 64M }
    with: { run: "$PY -c 'x = bytearray(300 * 1024 * 1024)'" }
  - name: big
    type: command
    limits: { file_size: 1M }
    with: { run: "head -c 2000000 /dev/zero > big.bin" }
  - name: spin
    type: command
    limits: { cpu: 1 }
    with: { run: "exec $PY -c 'while True: pass'" }
  - name: show
    type: command
    limits: { open_files: 64, core_size: 0 }
    with: { run: "echo cpu=\$\$(ulimit -t) files=\$\$(ulimit -n) core=\$\$(ulimit -c) fsize=\$\$(ulimit -f)" }
EOF2
expect_rc "a run with limits hit fails" 1 "$S2N" run -k
L=.s2nbuild/runs/latest
contains "memory: the allocation fails inside the stage" "$(cat $L/hog.log)" "MemoryError"
contains "file_size: the limit that stopped it is named" "$(cat $L/big.log)" "stopped by the file size limit (limits.file_size: 1048576 bytes)"
check "file_size: the file stopped at the limit" test "$(stat -c %s big.bin)" -le 1048576
contains "cpu: the spinning process is stopped by its limit" "$(cat $L/spin.log)" "stopped by the cpu limit (limits.cpu: 1 s"
contains "the stage's own limits apply" "$(cat $L/show.log)" "files=64 core=0"
contains "the pipeline's limits apply where the stage says nothing" "$(cat $L/show.log)" "cpu=60"
contains "limits not named stay as they were" "$(cat $L/show.log)" "fsize=unlimited"
got=$(json_get $L/record.json '[s["result"] for s in j["stages"]]')
check "results: failed, failed, failed, ok" test "$got" = "['failed', 'failed', 'failed', 'ok']"

# A limit is part of the stage's cache key.
"$S2N" run --only show >/dev/null 2>&1   # the others changed its workdir
expect_rc "re-run of the passing stage" 0 "$S2N" run --only show
contains "unchanged: replayed from the cache" "$OUT" "cached"
sed -i 's/open_files: 64, core_size: 0/open_files: 32, core_size: 0/' s2nbuild.yml
expect_rc "re-run with another limit" 0 "$S2N" run --only show
lacks "a changed limit runs the stage again" "$OUT" "cached"
contains "with the new limit" "$(cat $L/show.log)" "files=32"

# Bad limits are configuration errors, with positions.
mkdir bad && cat > bad/s2nbuild.yml <<'EOF2'
version: 1
limits: { memroy: 1G }
stages:
  - name: a
    type: command
    limits: { memory: lots, cpu: 0, open_files: many }
    with: { run: "true" }
  - name: b
    type: command
    limits: [1, 2]
    with: { run: "true" }
EOF2
expect_rc "bad limits: nothing runs" 2 "$S2N" -C bad validate
contains "unknown limit, with a suggestion" "$OUT" "s2nbuild.yml:2:11: unknown limit 'memroy' (did you mean 'memory'?)"
contains "a size that is not one" "$OUT" "s2nbuild.yml:6:23: limits.memory: expected a size (512M, 2G), got 'lots'"
contains "cpu below a second" "$OUT" "limits.cpu: expected seconds, at least 1"
contains "a count that is not one" "$OUT" "limits.open_files: expected a count of at least 1, got 'many'"
contains "limits must be a mapping" "$OUT" "s2nbuild.yml:10:13: limits: expected a mapping"
finish

#!/bin/sh
# The command line: help, version, plan, plugins, schema, stage.
. "$top_srcdir/tests/lib.sh"
cd "$TMP"
expect_rc "--version" 0 "$S2N" --version
contains "version names the ABI" "$OUT" "plugin ABI 1.1"
expect_rc "--help" 0 "$S2N" --help
contains "help lists commands" "$OUT" "stage TYPE [key=value...]"
expect_rc "no command is a usage error" 2 "$S2N"
expect_rc "unknown command" 2 "$S2N" frobnicate
expect_rc "bad -j" 2 "$S2N" -j zero plan

expect_rc "plugins lists the command plugin" 0 "$S2N" plugins
contains "plugins shows type and ABI" "$OUT" "command          1.0.0    ABI 1.1"
expect_rc "plugins --json" 0 "$S2N" plugins --json
check "plugins --json is JSON with the command plugin" "$PYTHON3" -c 'import json,sys; d=json.loads(sys.argv[1]); assert any(p["type"]=="command" and p["abi"]=="1.1" for p in d["plugins"])' "$OUT"

expect_rc "schema of a stage type" 0 "$S2N" schema command
check "stage schema is JSON Schema with required run" "$PYTHON3" -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["required"]==["run"] and "outputs" in d["properties"]' "$OUT"
expect_rc "schema of the pipeline file" 0 "$S2N" schema
check "pipeline schema knows stage types" "$PYTHON3" -c 'import json,sys; d=json.loads(sys.argv[1]); assert "command" in d["properties"]["stages"]["items"]["properties"]["type"]["enum"]' "$OUT"
expect_rc "schema of an unknown type" 2 "$S2N" schema nosuchtype

mkdir s && cd s
expect_rc "stage: list by commas" 0 "$S2N" stage command "run=touch a.txt b.txt; exit 3" outputs=a.txt,b.txt ok_codes=0 ok_codes=3
check "both outputs are artifacts" test "$(json_get .s2nbuild/runs/latest/record.json 'len(j["stages"][0]["artifacts"])')" = 2
expect_rc "stage: bad argument" 2 "$S2N" stage command justaword
contains "bad argument named" "$OUT" "expected key=value"
expect_rc "stage: unknown option" 2 "$S2N" stage command run=true shel=/bin/bash
contains "unknown option suggested" "$OUT" "did you mean 'shell'?"
cd ..

mkdir -p proj/sub && cat > proj/s2nbuild.yaml <<'Y'
version: 1
workdir: sub
stages:
  - { name: where, type: command, with: { run: "pwd" } }
  - { name: next, type: command, needs: [where], timeout: 5m, with: { run: "true" } }
Y
expect_rc "-C DIR and .yaml" 0 "$S2N" -C proj run
contains "workdir applied" "$OUT" "proj/sub"
expect_rc "plan" 0 "$S2N" -C proj plan
contains "plan shows order and reasons" "$OUT" " 2. next             command        after where; timeout 300s"
check "a good probe is remembered (path, size, mtime)" grep -q '"mtime_ns"' "$S2NBUILD_CACHE_DIR/plugins.json"
expect_rc "validate" 0 "$S2N" -C proj validate
contains "validate ok" "$OUT" "ok (2 stages)"
finish

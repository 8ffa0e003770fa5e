#!/bin/sh
# Pipeline file errors: each reported as file:line:col, all at once, and
# nothing runs when validation fails.
. "$top_srcdir/tests/lib.sh"
cd "$TMP"

cat > syntax.yml <<'Y'
version: 1
stages:
  - name: a
    type: command
    with: { run: "echo", 
  - broken
Y
expect_rc "YAML syntax error is a config error" 2 "$S2N" validate -f syntax.yml
contains "syntax error has file:line:col" "$OUT" "syntax.yml:6:"

cat > many.yml <<'Y'
version: 1
stagez: []
stages:
  - name: a
    type: command
    with: { run: "true", outptus: [x] }
  - name: a
    type: command
    with: { run: "true" }
  - name: b
    type: command
    needs: [aa, c]
    timeout: soon
    with: { run: "true" }
  - name: c
    type: command
    needs: [d]
    with: { run: "true" }
  - name: d
    type: command
    needs: [c]
    with: {}
  - name: e
    type: commnd
  - name: f
    type: command
    retries: lots
    with: { run: "echo ${NO_SUCH_VARIABLE_S2N}", ok_codes: [zero] }
Y
expect_rc "many errors: exit 2" 2 "$S2N" validate -f many.yml
contains "unknown top-level key with did-you-mean" "$OUT" "many.yml:2:1: unknown key 'stagez' in the pipeline (did you mean 'stages'?)"
contains "unknown option with did-you-mean" "$OUT" "many.yml:6:26: stage 'a': unknown option 'outptus' for type 'command' (did you mean 'outputs'?)"
contains "duplicate stage name" "$OUT" "many.yml:7:11: duplicate stage name 'a' (first defined at many.yml:4:11)"
contains "unknown needs with suggestion" "$OUT" "needs: no stage named 'aa' (did you mean 'a'?)"
contains "bad timeout" "$OUT" "many.yml:13:14: timeout: expected seconds"
contains "bad retries" "$OUT" "retries: expected an integer from 0 to 20"
contains "unknown plugin type lists dirs" "$OUT" "no plugin for stage type 'commnd' (looked for s2n-commnd.so in:"
expect_rc "cycle reported" 2 "$S2N" validate -f many.yml
cat > cycle.yml <<'Y'
version: 1
stages:
  - { name: x, type: command, needs: [z], with: { run: "true" } }
  - { name: y, type: command, needs: [x], with: { run: "true" } }
  - { name: z, type: command, needs: [y], with: { run: "true" } }
Y
expect_rc "cycle: exit 2" 2 "$S2N" validate -f cycle.yml
contains "cycle names every stage in it" "$OUT" "dependency cycle: x -> z -> y -> x"

cat > opts.yml <<'Y'
version: 1
stages:
  - name: needs-run
    type: command
  - name: f
    type: command
    with: { run: "echo ${NO_SUCH_VARIABLE_S2N}", ok_codes: [zero] }
  - name: g
    type: command
    with: { run: { not: allowed } }
Y
expect_rc "option errors: exit 2" 2 "$S2N" run -f opts.yml
contains "required option" "$OUT" "stage 'needs-run': option 'run' is required for type 'command'"
contains "undefined variable with position" "$OUT" "opts.yml:7:18: undefined variable \${NO_SUCH_VARIABLE_S2N}"
contains "plugin validate() errors have positions" "$OUT" "opts.yml:10:18: stage 'g': run: expected a command string or a list of arguments, not a mapping"
contains "error count" "$OUT" "errors; nothing was run"
check "nothing ran: no run directory" test ! -e .s2nbuild/runs

cat > defaults.yml <<'Y'
version: 1
stages:
  - { name: a, type: command, with: { run: "echo ${MAYBE_UNSET_S2N:-fallback}" } }
Y
expect_rc "\${VAR:-default} is not an error" 0 "$S2N" run -f defaults.yml
contains "default value used" "$OUT" "fallback"

printf 'version: 2\nstages: [ {name: a, type: command, with: {run: "true"}} ]\n' > v2.yml
expect_rc "version 2 refused" 2 "$S2N" validate -f v2.yml
contains "version message" "$OUT" "v2.yml:1:10: version: this s2nbuild reads pipeline files of version 1"

mkdir empty && cd empty
expect_rc "no pipeline file" 2 "$S2N" run
contains "says which file it looked for" "$OUT" "no s2nbuild.yml or s2nbuild.yaml in"
finish

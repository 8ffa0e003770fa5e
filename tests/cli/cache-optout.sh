#!/bin/sh
# A plugin that acts on the outside world sets S2N_PLUGIN_NO_CACHE (ABI
# 1.1): the stage cache replays its neighbours but never it.
. "$top_srcdir/tests/lib.sh"
mkdir "$TMP/proj" && cd "$TMP/proj"   # the plugin cache ($TMP/.cache) stays outside
git init -q . && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m init
cat > s2nbuild.yml <<'Y'
version: 1
stages:
  - { name: prep, type: command, with: { run: "echo prepared" } }
  - name: release
    type: github-release
    needs: [prep]
    with: { repo: example/project, tag: v1.0.0 }
Y
unset GITHUB_TOKEN GH_TOKEN
expect_rc "first run" 0 "$S2N" run
expect_rc "unchanged re-run" 0 "$S2N" run
check "the command stage is replayed from the cache" test "$(json_get .s2nbuild/runs/latest/record.json 'j["stages"][0]["result"]')" = cached
check "the publishing stage runs again" test "$(json_get .s2nbuild/runs/latest/record.json 'j["stages"][1]["result"]')" = ok
finish

#!/bin/sh
# The sphinx stage against Debian's real Sphinx on a fixture project with
# autodoc: the site and its reproducible archive, warnings shown as
# file:line: message, warnings_as_errors, and the clear errors (no
# conf.py, no sources, crashing conf.py, no sphinx).
. "$top_srcdir/tests/pytest/lib.sh"
set -e

proj="$tmp/proj"
cp -R "$top_srcdir/tests/sphinx/fixture" "$proj"
chmod -R u+w "$proj"
unset SOURCE_DATE_EPOCH

archive_of() { field artifact | sed -n 's/^docs \([^ ]*\) .*/\1/p'; }
sha_of() { field artifact | sed -n 's/^docs [^ ]* \([0-9a-f]*\)$/\1/p'; }

# 1. A clean build: OK, site with autodoc output, archive artifact.
run_stage -C "$proj" sphinx
expect_result OK
expect_message "built html"
site=$(field output | sed -n 's/^site=//p')
[ -f "$site/index.html" ] || fail "no index.html in the site ($site)"
grep -q "Euclidean distance between two points" "$site/api.html" || fail "autodoc did not document geom.distance"
tgz=$(archive_of); sha1=$(sha_of)
[ -f "$tgz" ] || fail "no archive artifact"
"$PYTHON3" - "$tgz" <<'EOP' || fail "archive is not reproducible in form"
import sys, tarfile
names = []
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        assert m.mtime == 0 and m.uid == 0 and m.gid == 0, (m.name, m.mtime, m.uid)
        assert m.mode in (0o644, 0o755), (m.name, oct(m.mode))
        names.append(m.name)
    assert "api.html" in names and "index.html" in names, names
    assert b"Euclidean distance" in t.extractfile("api.html").read()
assert names == sorted(names, key=lambda n: n.split("/")), "entries not sorted"
EOP

# 2. The same sources give the same archive bytes; SOURCE_DATE_EPOCH is honoured.
touch "$proj/docs/index.rst"
run_stage -C "$proj" sphinx
[ "$(sha_of)" = "$sha1" ] || fail "rebuilding the same docs changed the archive ($sha1 -> $(sha_of))"
SOURCE_DATE_EPOCH=1700000000 run_stage -C "$proj" sphinx
"$PYTHON3" -c 'import sys,tarfile; assert all(m.mtime == 1700000000 for m in tarfile.open(sys.argv[1]))' \
    "$(archive_of)" || fail "SOURCE_DATE_EPOCH not used as the entries' mtime"

# 3. A broken cross-reference: a warning shown as file:line: message;
#    FAILED only under warnings_as_errors, and then all warnings are listed.
cp "$proj/docs/usage.rst" "$tmp/usage.rst"
printf '\nBroken: :ref:`no-such-label` and :doc:`missing-page`.\n' >>"$proj/docs/usage.rst"
run_stage -C "$proj" sphinx
expect_result OK
expect_message "built html with 2 warnings; first: docs/usage.rst:11: undefined label: 'no-such-label'"
run_stage -C "$proj" sphinx warnings_as_errors=true
expect_result FAILED
expect_message "2 warnings treated as errors; first: docs/usage.rst:11: undefined label: 'no-such-label'"
expect_log "docs/usage.rst:11: unknown document: 'missing-page'"
[ -z "$(field artifact)" ] || fail "a failed build declared an artifact"
cp "$tmp/usage.rst" "$proj/docs/usage.rst"

# 4. Options reach sphinx: builder, jobs, args, outdir.
run_stage -C "$proj" sphinx builder=text jobs=2 args=-Dproject=Geometry outdir=out/text
expect_result OK
[ -f "$proj/out/text/index.txt" ] || fail "text builder output not in outdir"
grep -q "Euclidean distance" "$proj/out/text/api.txt" || fail "text build lacks autodoc"
run_stage -C "$proj" sphinx builder=nosuchbuilder
expect_result ERROR
expect_message "sphinx stopped: Sphinx error: Builder name nosuchbuilder not registered"

# 5. A crashing conf.py is ERROR with sphinx's reason.
cp "$proj/docs/conf.py" "$tmp/conf.py"
echo 'raise RuntimeError("bad conf")' >>"$proj/docs/conf.py"
run_stage -C "$proj" sphinx
expect_result ERROR
expect_message "sphinx stopped: Configuration error: RuntimeError: bad conf"
cp "$tmp/conf.py" "$proj/docs/conf.py"

# 6. An interpreter without sphinx.
cat >"$tmp/bare-python" <<EOS
#!/bin/sh
exec $PYTHON3 -S "\$@"
EOS
chmod +x "$tmp/bare-python"
run_stage -C "$proj" sphinx python="$tmp/bare-python"
expect_result ERROR
expect_message "sphinx is not installed for $tmp/bare-python"
# ... also when that interpreter comes from an upstream venv stage.
cat >"$proj/s2nbuild.yml" <<EOS
version: 1
stages:
  - { name: env, type: fakevenv, with: { python: "$tmp/bare-python" } }
  - { name: docs, type: sphinx, needs: [env] }
EOS
run_pipeline "$proj" docs
expect_result ERROR
expect_message "sphinx is not installed for $tmp/bare-python (published by an upstream venv stage)"
rm "$proj/s2nbuild.yml"

# 7. Source detection: doc/ is found; a folder without conf.py is a clear error.
mv "$proj/docs" "$proj/doc"
run_stage -C "$proj" sphinx
expect_result OK
expect_log "$proj/doc -> "
mv "$proj/doc/conf.py" "$tmp/conf.py"
run_stage -C "$proj" sphinx
expect_result ERROR
expect_message "no conf.py in the documentation folder doc/ (looked for conf.py in docs/, doc/, docs/source/, sphinx/source/)"
run_stage -C "$proj" sphinx source=doc
expect_result ERROR
expect_error "source: $proj/doc has no conf.py"
rm -rf "$proj/doc"
run_stage -C "$proj" sphinx
expect_result ERROR
expect_message "no documentation sources: none of docs/, doc/, docs/source/, sphinx/source/ exists"

# 8. Bad option values are configuration errors, found before anything runs.
run_stage -C "$proj" sphinx publish=maybe
[ "$rc" -eq 2 ] || fail "publish=maybe: exit $rc, expected 2"
expect_error "publish: expected true, false or a mapping"
run_stage -C "$proj" sphinx publish.branch=gh-pages publish.colour=red
[ "$rc" -eq 2 ] || fail "publish.colour: exit $rc, expected 2"
expect_error "unknown key 'colour'"
run_stage -C "$proj" sphinx jobs=-1
[ "$rc" -eq 2 ] || fail "jobs=-1: exit $rc, expected 2"
expect_error "jobs: expected 0 (auto) or a positive number, got -1"
run_stage -C "$proj" sphinx publish.branch=-x
[ "$rc" -eq 2 ] || fail "publish.branch=-x: exit $rc, expected 2"
expect_error "'-x' is not a valid branch name"

finish

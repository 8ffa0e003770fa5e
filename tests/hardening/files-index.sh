#!/bin/sh
# Publishing into the local index on a full or read-only disk: a clear
# error, and the index exactly as it was, still installable by pip.
. "$top_srcdir/tests/hardening/ns.sh"
. "$top_srcdir/tests/venv/wheels.sh"
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
mkdir -p "$TMP/ws/dist" && cd "$TMP/ws" || exit 1
small_fs "$TMP/ifs" 4m || { not_ok "mounting a tmpfs"; finish; }
IDX=$TMP/ifs/index
cat > s2nbuild.yml <<YML
version: 1
stages:
  - name: publish
    type: twine
    with:
      repository: local
      files: ["dist/*"]
      index_dir: $IDX
      check: false   # the fixture wheels have no long description
YML
cp "$WHEELS"/alpha-1.0-*.whl dist/
expect_rc "first publish" 0 "$S2N" run
before=$(manifest "$IDX")
pip_sees() {
    rm -rf "$TMP/target"
    "$PYTHON3" -m pip install -q --disable-pip-version-check --no-deps --target "$TMP/target" \
        --index-url "file://$IDX/simple" "$1" >/dev/null 2>&1
}
check "pip installs from the index" pip_sees alpha==1.0

cp "$WHEELS"/beta-1.0-*.whl dist/
# Each file of a publish takes a page or more of this tmpfs: these fail
# at the wheel, its metadata, the project pages and the root pages.
for leave in 0 4096 8192 12288 16384; do
    fill "$TMP/ifs" $leave
    expect_rc "publishing with $leave bytes free fails" 1 "$S2N" run
    contains "the error says why" "$OUT" "No space left on device"
    contains "the error names the index" "$OUT" "$IDX"
    same_tree "the index is byte-for-byte unchanged" "$before" "$(manifest "$IDX")"
    printf '%s\n' "$OUT" | grep -m1 'No space' | sed 's/^/# /'
    unfill "$TMP/ifs"
done
check "pip still installs from the index" pip_sees alpha==1.0

read_only "$TMP/ifs"
expect_rc "publishing into a read-only index fails" 1 "$S2N" run
contains "the error says why" "$OUT" "Read-only file system"
contains "the error names the index" "$OUT" "$IDX"
same_tree "the index is unchanged" "$before" "$(manifest "$IDX")"
umount "$TMP/ifs"
expect_rc "publishing with room" 0 "$S2N" run
check "pip installs the new one" pip_sees beta==1.0
finish

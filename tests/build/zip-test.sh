#!/bin/sh
# The TOML wrapper and the ZIP writer of plugins/common (common-test.c),
# with the ZIP read back by Python's zipfile and checked by unzip -t.
. "$top_srcdir/tests/build/lib.sh"
"$top_builddir/tests/build/common-test" "$WORK/t.zip" || fail "common-test"
unzip -t -q "$WORK/t.zip" || fail "unzip -t"
$PY - "$WORK/t.zip" <<'PYEOF' || fail "zip contents"
import struct, sys, zipfile
path = sys.argv[1]
data = open(path, "rb").read()
z = zipfile.ZipFile(path)
names = z.namelist()
assert names == ["pkg/__init__.py", "pkg/big.txt", "pkg/noise.bin", "pkg/tool.sh", "pkg/grüße.txt"], names
assert z.read("pkg/big.txt") == b"".join(b"abcdefgh\n"[i % 9:i % 9 + 1] for i in range(300000))
assert z.read("pkg/__init__.py") == b""
assert len(z.read("pkg/noise.bin")) == 5000
assert z.testzip() is None
for info in z.infolist():
    sig, ver, flags, method = struct.unpack_from("<IHHH", data, info.header_offset)
    assert sig == 0x04034B50 and not flags & 0x8 and flags & 0x800, (info.filename, flags)
    assert info.date_time == (2023, 11, 14, 22, 13, 20), info.date_time
    mode = info.external_attr >> 16
    assert mode == (0o100755 if info.filename.endswith(".sh") else 0o100644), oct(mode)
assert z.getinfo("pkg/big.txt").compress_type == zipfile.ZIP_DEFLATED
assert z.getinfo("pkg/noise.bin").compress_type == zipfile.ZIP_STORED  # incompressible: stored
print("zip: ok")
PYEOF

"""Crafted distribution files for the distread unit tests (stdlib only).

Usage: make_hostile.py DIR
"""
import io
import os
import sys
import tarfile
import zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
META = b"Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n\nlong description\n"


def wheel(fname, members):
    with zipfile.ZipFile(os.path.join(out, fname), "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)


def sdist(fname, members):
    with tarfile.open(os.path.join(out, fname), "w:gz") as t:
        for name, data, link in members:
            ti = tarfile.TarInfo(name)
            if link:
                ti.type = tarfile.SYMTYPE
                ti.linkname = link
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))


wheel("good-1.0-py3-none-any.whl", [("good/__init__.py", b""),
                                    ("good-1.0.dist-info/METADATA", META % b"good"),
                                    ("good-1.0.dist-info/RECORD", b"")])
sdist("good-1.0.tar.gz", [("good-1.0/PKG-INFO", META % b"good", None),
                          ("good-1.0/src/good.egg-info/PKG-INFO", META % b"other", None),
                          ("good-1.0/pyproject.toml", b"", None)])
wheel("dotdot-1.0-py3-none-any.whl", [("../evil.py", b"x"),
                                      ("dotdot-1.0.dist-info/METADATA", META % b"d")])
wheel("abs-1.0-py3-none-any.whl", [("/etc/evil", b"x"),
                                   ("abs-1.0.dist-info/METADATA", META % b"a")])
import warnings
warnings.simplefilter("ignore")
wheel("dup-1.0-py3-none-any.whl", [("dup/a.py", b"1"), ("dup/a.py", b"2"),
                                   ("dup-1.0.dist-info/METADATA", META % b"dup")])
wheel("drive-1.0-py3-none-any.whl", [("C:/evil.py", b"1"),
                                     ("drive-1.0.dist-info/METADATA", META % b"dr")])
# 256 MiB of zeros deflates to ~250 KB: declared size betrays the bomb.
with zipfile.ZipFile(os.path.join(out, "bomb-1.0-py3-none-any.whl"), "w",
                     zipfile.ZIP_DEFLATED) as z:
    z.writestr("bomb-1.0.dist-info/METADATA", META % b"bomb")
    zi = zipfile.ZipInfo("bomb/zeros.bin")
    zi.compress_type = zipfile.ZIP_DEFLATED
    with z.open(zi, "w", force_zip64=True) as f:
        chunk = bytes(1 << 20)
        for _ in range(256):
            f.write(chunk)
wheel("bigmeta-1.0-py3-none-any.whl",
      [("bigmeta-1.0.dist-info/METADATA", META % b"big" + b"x" * (17 << 20))])
wheel("nometa-1.0-py3-none-any.whl", [("nometa/__init__.py", b"")])
sdist("link-1.0.tar.gz", [("link-1.0/PKG-INFO", META % b"link", None),
                          ("link-1.0/evil", None, "../../etc/passwd")])
sdist("dotdot-1.0.tar.gz", [("dotdot-1.0/PKG-INFO", META % b"dd", None),
                            ("dotdot-1.0/../../x", b"x", None)])
with open(os.path.join(out, "garbage-1.0-py3-none-any.whl"), "wb") as f:
    f.write(b"this is not a zip file at all" * 10)

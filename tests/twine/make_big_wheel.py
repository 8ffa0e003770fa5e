"""A valid wheel of about SIZE_MB megabytes of incompressible data.

Usage: make_big_wheel.py DIR SIZE_MB
"""
import os
import sys
import zipfile

out, size_mb = sys.argv[1], int(sys.argv[2])
name = f"bigdemo-1.0.{size_mb}"
path = os.path.join(out, f"bigdemo-1.0.{size_mb}-py3-none-any.whl")
meta = (f"Metadata-Version: 2.1\nName: bigdemo\nVersion: 1.0.{size_mb}\n"
        "Summary: a large wheel\nDescription-Content-Type: text/plain\n\n"
        "A wheel with a large incompressible data file.\n")
with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
    z.writestr("bigdemo/__init__.py", "")
    zi = zipfile.ZipInfo("bigdemo/blob.bin")
    with z.open(zi, "w", force_zip64=True) as f:
        block = os.urandom(1 << 20)
        for i in range(size_mb):
            # Vary each block cheaply so nothing downstream can dedupe it.
            f.write(i.to_bytes(8, "little") + block[8:])
    z.writestr(f"{name}.dist-info/METADATA", meta)
    z.writestr(f"{name}.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    z.writestr(f"{name}.dist-info/RECORD", "")
print(path)

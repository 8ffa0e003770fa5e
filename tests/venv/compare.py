"""Differential check: two environments with the same wheels, one installed
by pip and one natively, must hold the same files and metadata.

usage: compare.py [--pyc] PIP_VENV NATIVE_VENV
Paths of the environments themselves are replaced by @VENV@ before
comparing; INSTALLER, REQUESTED and direct_url.json are allowed to differ,
and .pyc files are compared by name only (they embed source mtimes), or
with --pyc byte for byte but for the source mtime field (header bytes
8-11): same flags, size and code, file names included.
Prints the differences; exits 1 when there are any.
"""
import csv
import io
import marshal
import os
import sys
import types

SKIP_NAMES = {"INSTALLER", "REQUESTED", "direct_url.json"}
# The venv scaffolding is compared by the venv tests, not here.
SKIP_TOP = {"pyvenv.cfg", "bin/activate", "bin/activate.fish", "bin/activate.csh",
            "bin/Activate.ps1", "bin/python", "bin/python3", "bin/python3.11"}


def files(root):
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for f in filenames:
            full = os.path.join(dirpath, f)
            rel = os.path.relpath(full, root)
            if rel in SKIP_TOP or os.path.islink(full):
                continue
            out[rel] = full
    return out


def record_rows(path, root):
    text = open(path, encoding="utf-8", newline="").read()
    rows = {}
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        p, h, s = (row + ["", ""])[:3]
        if os.path.basename(p) in SKIP_NAMES:
            continue
        if p.endswith(".pyc") or "/bin/" in p or p.startswith("../"):
            # pyc: no hash on either side; scripts: content has the root
            rows[p] = ("", "") if p.endswith(".pyc") else ("script", "")
        else:
            rows[p] = (h, s)
    return text, rows


def filenames(code):
    """co_filename of a code object and of every code object inside it."""
    out = [code.co_filename]
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out += filenames(c)
    return out


def main():
    args = sys.argv[1:]
    pyc = args[0] == "--pyc"
    if pyc:
        args = args[1:]
    a_root, b_root = args[0], args[1]
    a, b = files(a_root), files(b_root)
    problems = []
    for rel in sorted(set(a) | set(b)):
        if rel not in a or rel not in b:
            problems.append("only in %s: %s" % ("pip" if rel in a else "native", rel))
            continue
        name = os.path.basename(rel)
        if rel.endswith(".pyc") and pyc:
            da, db = open(a[rel], "rb").read(), open(b[rel], "rb").read()
            if da[:8] + da[12:16] != db[:8] + db[12:16]:
                problems.append("pyc header differs: %s" % rel)
            ca, cb = marshal.loads(da[16:]), marshal.loads(db[16:])
            # code == code ignores file names: those are compared apart
            if ca != cb:
                problems.append("pyc code differs: %s" % rel)
            fa = [f.replace(a_root, "@VENV@") for f in filenames(ca)]
            fb = [f.replace(b_root, "@VENV@") for f in filenames(cb)]
            if fa != fb:
                problems.append("pyc file names differ: %s pip=%s native=%s" % (rel, fa[0], fb[0]))
            continue
        if name in SKIP_NAMES or rel.endswith(".pyc"):
            continue
        if name == "RECORD":
            ta, ra = record_rows(a[rel], a_root)
            tb, rb = record_rows(b[rel], b_root)
            if ra != rb:
                for k in sorted(set(ra) | set(rb)):
                    if ra.get(k) != rb.get(k):
                        problems.append("%s: row %s pip=%s native=%s" % (rel, k, ra.get(k), rb.get(k)))
            if ("\r\n" in ta) != ("\r\n" in tb):
                problems.append("%s: line endings differ" % rel)
            continue
        da = open(a[rel], "rb").read().replace(a_root.encode(), b"@VENV@")
        db = open(b[rel], "rb").read().replace(b_root.encode(), b"@VENV@")
        if da != db:
            problems.append("content differs: %s" % rel)
        ma, mb = os.stat(a[rel]).st_mode & 0o777, os.stat(b[rel]).st_mode & 0o777
        if ma != mb:
            problems.append("mode differs: %s pip=%o native=%o" % (rel, ma, mb))
    for p in problems:
        print(p)
    print("%d files compared, %d differences" % (len(a), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

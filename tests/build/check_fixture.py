#!/usr/bin/python3
"""Check a native build of one fixture project against the real tools.

    check_fixture.py NAME NATIVE_DIR NATIVE2_DIR REF_DIR|- WORK_DIR [fallback]

NATIVE_DIR and NATIVE2_DIR hold two builds by the s2nbuild `build` stage
(same sources, so the bytes must be equal); REF_DIR the output of
`python3 -m build --no-isolation` on a copy ("-" when the backend is not
installed here).  Compares METADATA fields, wheel and sdist members,
entry points; checks file names, `unzip -t`, the ZIP flags (no data
descriptor), RECORD hashes, `twine check`, and installs the wheel with pip
into a fresh venv and imports it.  With "fallback" the files came from the
project's own backend: only contents, RECORD, ZIP flags and installation
are checked (name form, owners and reproducibility are the backend's).  Prints every problem; exit 1 if any.
"""
import base64
import configparser
import email.parser
import fnmatch
import hashlib
import io
import os
import re
import struct
import subprocess
import sys
import tarfile
import zipfile

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PY = "/usr/bin/python3"

# What each fixture must provide once installed, and what the reference
# backend adds that is not content (setuptools' egg-info and setup.cfg).
EXPECT = {
    "flat-setuptools": {"imports": ["flatpkg"], "scripts": []},
    "src-setuptools": {"imports": ["srcpkg", "srcpkg.sub.helpers"], "scripts": ["srcpkg-hello"],
                       "run": ["srcpkg-hello"]},
    "flit-module": {"imports": ["flitmod", "flitmod.plugins"], "scripts": ["flitmod", "flitmod-gui"]},
    "hatch-src": {"imports": ["hatch_pkg"], "scripts": []},
    "namespace-setuptools": {"imports": ["acme.widgets.factory", "acme.gadgets.impl"], "scripts": []},
    "pdm-src": {"imports": ["pdm_demo"], "scripts": []},
    "poetry-project": {"imports": ["poetry_demo.app"], "scripts": ["poetry-demo"]},
    "long-paths": {"imports": ["longpaths.a_rather_long_directory_name_number_one.another_quite_long_directory_name_two."
                               "and_a_third_directory_to_pass_the_limit.module_with_a_long_file_name_to_exceed_the_ustar_limit"],
                   "scripts": []},
    "setup-py": {"imports": ["legacy_pkg"], "scripts": []},
    "poetry-classic": {"imports": ["classic"], "scripts": []},
    "setuptools-pkgdir": {"imports": ["mylib.util", "helper"], "scripts": []},
    "flit-single": {"imports": ["single"], "scripts": ["single"], "run": ["single"]},
}
REF_NOISE = ["*.egg-info/*", "*.egg-info", "setup.cfg"]
DISTINFO_NOISE = ["top_level.txt"]

problems = []


def problem(msg):
    problems.append(msg)
    print("FAIL:", msg)


def one(dirname, suffix):
    files = [f for f in os.listdir(dirname) if f.endswith(suffix)]
    if len(files) != 1:
        problem(f"{dirname}: expected one *{suffix}, found {files}")
        return None
    return os.path.join(dirname, files[0])


def wheel_members(path):
    with zipfile.ZipFile(path) as z:
        return z.namelist()


def sdist_members(path):
    with tarfile.open(path) as t:
        names = [m.name for m in t.getmembers() if not m.isdir()]
    return sorted(n.split("/", 1)[1] for n in names if "/" in n)


def metadata(text):
    return email.parser.Parser().parsestr(text)


def wheel_metadata(path):
    with zipfile.ZipFile(path) as z:
        name = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")][0]
        return z.read(name).decode("utf-8")


def sdist_pkginfo(path):
    with tarfile.open(path) as t:
        m = [m for m in t.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")][0]
        return t.extractfile(m).read().decode("utf-8")


def noisy(name, patterns):
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(name.split("/")[-1], p) for p in patterns)


def req_key(line, extras):
    """A comparable form of a Requires-Dist line: name, specifier, extras
    and the marker's value in a grid of environments."""
    r = Requirement(line)
    envs = []
    for pv in ("3.7", "3.8", "3.11"):
        for impl in ("CPython", "PyPy"):
            for extra in [""] + sorted(extras):
                env = {"python_version": pv, "platform_python_implementation": impl, "extra": extra}
                envs.append(r.marker.evaluate(env) if r.marker else True)
    return (canonicalize_name(r.name), str(r.specifier), tuple(sorted(r.extras)), tuple(envs))


def compare_metadata(label, ours, ref):
    for field in ("Version", "Summary", "Requires-Python", "Description-Content-Type", "Author",
                  "Author-email", "Maintainer", "Maintainer-email"):
        if (ours.get(field) or "").strip() != (ref.get(field) or "").strip():
            problem(f"{label}: {field}: ours {ours.get(field)!r} != reference {ref.get(field)!r}")
    if canonicalize_name(ours.get("Name", "")) != canonicalize_name(ref.get("Name", "")):
        problem(f"{label}: Name {ours.get('Name')!r} vs {ref.get('Name')!r}")
    for field in ("Classifier", "Project-URL", "Provides-Extra"):
        a, b = sorted(ours.get_all(field) or []), sorted(ref.get_all(field) or [])
        if a != b:
            problem(f"{label}: {field}: ours {a} != reference {b}")
    kw = lambda m: sorted(k.strip() for k in re.split(r"[,\s]+", m.get("Keywords") or "") if k.strip())
    if kw(ours) != kw(ref):
        problem(f"{label}: Keywords: ours {kw(ours)} != reference {kw(ref)}")
    extras = set(ours.get_all("Provides-Extra") or []) | set(ref.get_all("Provides-Extra") or [])
    a = sorted(req_key(r, extras) for r in ours.get_all("Requires-Dist") or [])
    b = sorted(req_key(r, extras) for r in ref.get_all("Requires-Dist") or [])
    if label.startswith("sdist") and not b:
        pass  # setuptools 66 leaves Requires-Dist out of the sdist's PKG-INFO
    elif a != b:
        problem(f"{label}: Requires-Dist differ: ours {ours.get_all('Requires-Dist')} "
                f"reference {ref.get_all('Requires-Dist')}")
    if ref.get("License") and (ours.get("License") or "").split() != ref.get("License").split():
        problem(f"{label}: License: ours {ours.get('License')!r} != reference {ref.get('License')!r}")
    body_a, body_b = (ours.get_payload() or "").strip(), (ref.get_payload() or ref.get("Description") or "").strip()
    if body_a != body_b:
        problem(f"{label}: description body differs:\n--- ours\n{body_a}\n--- reference\n{body_b}")


def entry_points(path):
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.endswith(".dist-info/entry_points.txt")]
        if not names:
            return {}
        cp = configparser.ConfigParser(delimiters=("=",))
        cp.optionxform = str
        cp.read_string(z.read(names[0]).decode())
        return {s: dict(cp[s]) for s in cp.sections()}


def check_zip_structure(path):
    """unzip -t, no data-descriptor flag in any local or central header,
    RECORD complete and right."""
    r = subprocess.run(["unzip", "-t", "-q", path], capture_output=True, text=True)
    if r.returncode != 0:
        problem(f"unzip -t {path}: {r.stdout}{r.stderr}")
    data = open(path, "rb").read()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            off = info.header_offset
            sig, _ver, flags = struct.unpack_from("<IHH", data, off)
            if sig != 0x04034B50:
                problem(f"{path}: {info.filename}: bad local header signature")
            if flags & 0x8:
                problem(f"{path}: {info.filename}: local header sets bit 3 (data descriptor)")
            crc, csize, usize = struct.unpack_from("<III", data, off + 14)
            if (crc, csize, usize) != (info.CRC, info.compress_size, info.file_size):
                problem(f"{path}: {info.filename}: local header sizes/CRC differ from the central directory")
            if info.flag_bits & 0x8:
                problem(f"{path}: {info.filename}: central directory sets bit 3")
        names = z.namelist()
        record_name = [n for n in names if n.endswith(".dist-info/RECORD")]
        if len(record_name) != 1 or names[-1] != record_name[0]:
            problem(f"{path}: RECORD must be the last member")
            return
        rows = [l.split(",") for l in z.read(record_name[0]).decode().splitlines() if l]
        listed = {r[0] for r in rows}
        if listed != set(names):
            problem(f"{path}: RECORD lists {sorted(listed ^ set(names))} differently from the archive")
        for name, h, size in rows:
            if name == record_name[0]:
                if h or size:
                    problem(f"{path}: RECORD's own line must have empty hash and size")
                continue
            blob = z.read(name)
            want = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(blob).digest()).rstrip(b"=").decode()
            if h != want or int(size) != len(blob):
                problem(f"{path}: RECORD entry for {name} is wrong")


def install_and_import(name, wheel, work):
    venv = os.path.join(work, "venv")
    subprocess.run([PY, "-m", "venv", "--without-pip", venv], check=True)
    vpy = os.path.join(venv, "bin", "python")
    r = subprocess.run([PY, "-m", "pip", "--python", vpy, "install", "--no-index", "--no-deps",
                        "--disable-pip-version-check", "-q", wheel], capture_output=True, text=True)
    if r.returncode != 0:
        problem(f"pip install {wheel}: {r.stdout}{r.stderr}")
        return
    exp = EXPECT[name]
    code = "; ".join(f"import {m}" for m in exp["imports"]) or "pass"
    r = subprocess.run([vpy, "-I", "-c", code], capture_output=True, text=True, cwd=work)
    if r.returncode != 0:
        problem(f"import after install failed: {r.stderr}")
    for s in exp["scripts"]:
        if not os.access(os.path.join(venv, "bin", s), os.X_OK):
            problem(f"console script {s} not installed")
    for s in exp.get("run", []):
        r = subprocess.run([os.path.join(venv, "bin", s)], capture_output=True, text=True)
        if r.returncode != 0:
            problem(f"running {s} failed: {r.stderr}")
    # installed with --no-deps: only "requires X, which is not installed" is expected
    r = subprocess.run([PY, "-m", "pip", "--python", vpy, "check"], capture_output=True, text=True)
    bad = [l for l in r.stdout.splitlines() if l and "No broken requirements" not in l
           and "which is not installed" not in l]
    if bad or r.stderr.strip():
        problem(f"pip check: {r.stdout}{r.stderr}")


def main():
    name, native, native2, ref, work = sys.argv[1:6]
    fallback = sys.argv[6:7] == ["fallback"]
    whl, sd = one(native, ".whl"), one(native, ".tar.gz")
    whl2, sd2 = one(native2, ".whl"), one(native2, ".tar.gz")
    if not (whl and sd and whl2 and sd2):
        return 1
    # file names: PEP 427/625 normalized
    for f in (whl, sd) if not fallback else ():
        base = os.path.basename(f)
        if not re.match(r"^[a-z0-9_]+-[0-9a-z.!+]+(-py3-none-any\.whl|\.tar\.gz)$", base):
            problem(f"file name not normalized: {base}")
    # reproducible
    for a, b in ((whl, whl2), (sd, sd2)) if not fallback else ():
        if open(a, "rb").read() != open(b, "rb").read():
            problem(f"not reproducible: {a} and {b} differ")
    check_zip_structure(whl)
    ours_meta = metadata(wheel_metadata(whl))
    if not fallback and wheel_metadata(whl) != sdist_pkginfo(sd):
        problem("wheel METADATA and sdist PKG-INFO differ")
    mv = ours_meta.get("Metadata-Version")
    if mv not in ("1.0", "1.1", "1.2", "2.1", "2.2"):
        problem(f"Metadata-Version {mv} is not readable by Debian's twine 4.0.2")
    # the sdist is a pax/ustar tar.gz with one top folder and fixed owners
    with tarfile.open(sd) as t:
        top = os.path.basename(sd)[: -len(".tar.gz")]
        for m in t.getmembers() if not fallback else []:
            if m.name != top and not m.name.startswith(top + "/"):
                problem(f"sdist member outside {top}/: {m.name}")
            if m.uid or m.gid or m.uname or m.gname:
                problem(f"sdist member {m.name} has an owner ({m.uid}/{m.gid} {m.uname}/{m.gname})")
    # twine check (Debian's 4.0.2 reads the metadata like an upload would).
    # Without a readme twine 4.0.2 fails every wheel (an empty description
    # is rendered as RST); then ours must fail exactly like the reference.
    r = subprocess.run(["twine", "check", "--strict", whl, sd], capture_output=True, text=True)
    if r.returncode != 0:
        rr = None
        if ref != "-":
            refs = [os.path.join(ref, f) for f in sorted(os.listdir(ref))]
            rr = subprocess.run(["twine", "check", "--strict"] + refs, capture_output=True, text=True)
        if ours_meta.get("Description-Content-Type") or rr is None or rr.returncode == 0:
            problem(f"twine check: {r.stdout}{r.stderr}")
        else:
            print("note: twine check fails without a readme, for the reference build too")

    if ref != "-":
        rwhl, rsd = one(ref, ".whl"), one(ref, ".tar.gz")
        if rwhl and rsd:
            compare_metadata("wheel METADATA", ours_meta, metadata(wheel_metadata(rwhl)))
            compare_metadata("sdist PKG-INFO", metadata(sdist_pkginfo(sd)), metadata(sdist_pkginfo(rsd)))

            def split(members):
                pkg = sorted(m for m in members if ".dist-info/" not in m)
                di = sorted(m.split(".dist-info/", 1)[1].split("/")[-1] for m in members
                            if ".dist-info/" in m and not noisy(m, DISTINFO_NOISE))
                return pkg, di
            a, b = split(wheel_members(whl)), split(wheel_members(rwhl))
            if a[0] != b[0]:
                problem(f"wheel package members differ: ours only {sorted(set(a[0]) - set(b[0]))}, "
                        f"reference only {sorted(set(b[0]) - set(a[0]))}")
            if a[1] != b[1]:
                problem(f"wheel dist-info members differ: ours {a[1]} reference {b[1]}")
            if entry_points(whl) != entry_points(rwhl):
                problem(f"entry points differ: ours {entry_points(whl)} reference {entry_points(rwhl)}")
            sa = [m for m in sdist_members(sd) if not (fallback and noisy(m, REF_NOISE))]
            sb = [m for m in sdist_members(rsd) if not noisy(m, REF_NOISE)]
            if sorted(sa) != sorted(sb):
                problem(f"sdist members differ: ours only {sorted(set(sa) - set(sb))}, "
                        f"reference only {sorted(set(sb) - set(sa))}")
    install_and_import(name, whl, work)
    if problems:
        print(f"{name}: {len(problems)} problem(s)")
        return 1
    print(f"{name}: ok ({os.path.basename(whl)}, {os.path.basename(sd)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Writes a simple index of wheels for the venv tests, both ways a server
can answer: index.html (PEP 503, with data-core-metadata and PEP 658's
data-dist-info-metadata, data-yanked) and index.json (PEP 691) per
project, and each wheel's METADATA beside it as <wheel>.metadata.

usage: jsonindex.py OUT WHEEL... [--yank FILE] [--bad-metadata FILE]
                                 [--no-metadata FILE] [--pep658-name FILE]
                                 [--as FILE=NAME]
--yank: mark FILE yanked; --bad-metadata: serve a .metadata that differs
from the advertised hash; --no-metadata: advertise none; --pep658-name:
advertise it only under PEP 658's first name (dist-info-metadata); --as:
publish WHEEL FILE under another file name (a build-tagged copy).

The JSON names the metadata "core-metadata" only, as PEP 714 allows:
pip 23.0 (Debian 12) fails on a dist-info-metadata object in JSON."""
import hashlib
import html
import json
import os
import shutil
import sys
import zipfile
from urllib.parse import quote

out, args = sys.argv[1], sys.argv[2:]
wheels, yank, bad, nometa, old, rename = [], set(), set(), set(), set(), {}
while args:
    a = args.pop(0)
    if a == "--yank":
        yank.add(args.pop(0))
    elif a == "--bad-metadata":
        bad.add(args.pop(0))
    elif a == "--no-metadata":
        nometa.add(args.pop(0))
    elif a == "--pep658-name":
        old.add(args.pop(0))
    elif a == "--as":
        src, dst = args.pop(0).split("=", 1)
        rename.setdefault(src, []).append(dst)
    else:
        wheels.append(a)

projects = {}
for w in wheels:
    base = os.path.basename(w)
    for name in [base] + rename.get(base, []):
        norm = name.split("-")[0].lower().replace("_", "-").replace(".", "-")
        projects.setdefault(norm, []).append((w, name))

for norm, files in projects.items():
    pdir = os.path.join(out, norm)
    os.makedirs(pdir, exist_ok=True)
    entries, links = [], []
    for w, name in sorted(files, key=lambda x: x[1]):
        shutil.copyfile(w, os.path.join(pdir, name))
        sha = hashlib.sha256(open(w, "rb").read()).hexdigest()
        with zipfile.ZipFile(w) as z:
            meta = z.read([n for n in z.namelist() if n.endswith(".dist-info/METADATA")][0])
        msha = hashlib.sha256(meta).hexdigest()
        if name in bad:
            meta += b"Requires-Dist: smuggled\n"
        entry = {"filename": name, "url": quote(name), "hashes": {"sha256": sha},
                 "requires-python": ">=3.7", "yanked": "broken build" if name in yank else False}
        attrs = ' data-requires-python="%s"' % html.escape(">=3.7")
        if name in yank:
            attrs += ' data-yanked="broken build"'
        if name not in nometa:
            with open(os.path.join(pdir, name + ".metadata"), "wb") as f:
                f.write(meta)
            if name in old:
                entry["dist-info-metadata"] = {"sha256": msha}
                attrs += ' data-dist-info-metadata="sha256=%s"' % msha
            else:
                entry["core-metadata"] = {"sha256": msha}
                attrs += ' data-core-metadata="sha256=%s" data-dist-info-metadata="sha256=%s"' % (msha, msha)
        entries.append(entry)
        links.append('<a href="%s#sha256=%s"%s>%s</a><br/>' % (quote(name), sha, attrs, html.escape(name)))
    with open(os.path.join(pdir, "index.json"), "w") as f:
        json.dump({"meta": {"api-version": "1.1"}, "name": norm, "files": entries}, f, indent=1)
    with open(os.path.join(pdir, "index.html"), "w") as f:
        f.write("<!DOCTYPE html><html><body>\n%s\n</body></html>\n" % "\n".join(links))

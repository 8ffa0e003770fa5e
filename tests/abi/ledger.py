#!/usr/bin/env python3
"""Check docs/abi-versions (the ABI ledger) against the plugin headers.

Like curl's test1119 (symbols-in-versions <-> headers): every public name
of include/s2nbuild/plugin.h -- macro, constant, type, struct member,
function -- has exactly one ledger line saying which ABI minor added it,
and the ledger names nothing the header lacks.  Members are listed in
header order, and a struct's members never go back in version (that is
what "append only" looks like in the ledger).  Every 1.0 line must also
exist in the frozen tests/abi/plugin-1.0.h and vice versa.

usage: ledger.py LEDGER HEADER SNAPSHOT_1_0
       ledger.py --dump HEADER        (print a ledger skeleton)
"""
import re
import sys


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


CONST_RE = re.compile(r"^\(?\s*(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*\s*\)?$")


def parse_header(path):
    """Return an ordered list of (name, kind) for the public names."""
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    text = strip_comments(raw)
    # Join continued #define lines before looking at them.
    text = re.sub(r"\\\n", " ", text)
    names = []
    seen = set()

    def add(name, kind):
        if name not in seen:
            seen.add(name)
            names.append((name, kind))

    bodies = {}  # struct tag -> body text (for member extraction)
    events = []  # (position, name, kind) to keep header order

    for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(S2N_\w+)(\()?([^\n]*)", text, re.M):
        name, fnlike, value = m.group(1), m.group(2), m.group(3).strip()
        kind = "const" if not fnlike and CONST_RE.match(value) else "macro"
        events.append((m.start(), name, kind))

    # Enumerations: typedef enum T {...} T;  and anonymous enum {...};
    for m in re.finditer(r"(typedef\s+)?enum\s*(\w*)\s*\{(.*?)\}\s*(\w*)\s*;", text, re.S):
        if m.group(1) and m.group(4):
            events.append((m.start(), m.group(4), "enum"))
        for c in re.finditer(r"\b(S2N_\w+)\s*=", m.group(3)):
            events.append((m.start(3) + c.start(), c.group(1), "const"))

    # Struct bodies: typedef struct T {...} T;  and  struct T {...};
    for m in re.finditer(r"(typedef\s+)?struct\s+(\w+)\s*\{(.*?)\}\s*(\w*)\s*;", text, re.S):
        tag = m.group(2)
        bodies[tag] = (m.start(), m.group(3))

    # Forward typedefs: typedef struct X X;  (opaque unless a body exists)
    for m in re.finditer(r"typedef\s+struct\s+(\w+)\s+(\w+)\s*;", text):
        kind = "struct" if m.group(1) in bodies else "opaque"
        events.append((m.start(), m.group(2), kind))

    for tag, (pos, body) in bodies.items():
        events.append((pos, tag, "struct"))
        offset = pos + 1
        for decl in body.split(";"):
            d = decl.strip()
            if not d:
                continue
            fp = re.search(r"\(\s*\*\s*(\w+)\s*\)", d)
            if fp:
                member = fp.group(1)
            else:
                mm = re.search(r"(\w+)\s*(\[[^\]]*\])?\s*$", d)
                if not mm:
                    raise SystemExit(f"{path}: cannot parse member declaration: {d!r}")
                member = mm.group(1)
            events.append((offset, f"{tag}.{member}", "member"))
            offset += 1

    # Function pointer typedefs: typedef R (*name)(...);
    for m in re.finditer(r"typedef[^;{}]*\(\s*\*\s*(\w+)\s*\)\s*\(", text):
        events.append((m.start(), m.group(1), "typedef"))

    # Function declarations at file scope: ... name(  ending in );
    for m in re.finditer(r"^[^#\n;{}]*?\b(s2n_\w+)\s*\([^;{}]*\)\s*;", text, re.M):
        if "typedef" not in m.group(0) and "(*" not in m.group(0):
            events.append((m.start(), m.group(1), "function"))

    events.sort(key=lambda e: e[0])
    for _, name, kind in events:
        add(name, kind)
    return names


def parse_ledger(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) < 3:
                raise SystemExit(f"{path}:{lineno}: expected NAME KIND ADDED [DEPRECATED]")
            name, kind, added = fields[:3]
            if not re.fullmatch(r"1\.\d+", added):
                raise SystemExit(f"{path}:{lineno}: ADDED must look like 1.N, not {added!r}")
            entries.append((lineno, name, kind, int(added.split(".")[1])))
    return entries


def header_minor(path):
    with open(path, encoding="utf-8") as f:
        m = re.search(r"#define\s+S2N_ABI_MINOR\s+(\d+)", f.read())
    if not m:
        raise SystemExit(f"{path}: no S2N_ABI_MINOR")
    return int(m.group(1))


def main(argv):
    if len(argv) == 3 and argv[1] == "--dump":
        for name, kind in parse_header(argv[2]):
            print(f"{name:<32} {kind:<9} 1.0")
        return 0
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    ledger_path, header_path, snap_path = argv[1:]
    header = parse_header(header_path)
    snapshot = parse_header(snap_path)
    ledger = parse_ledger(ledger_path)
    minor = header_minor(header_path)
    errors = []

    by_name = {}
    for lineno, name, kind, added in ledger:
        where = f"{ledger_path}:{lineno}"
        if name in by_name:
            errors.append(f"{where}: {name} listed twice")
        by_name[name] = (where, kind, added)
        if added > minor:
            errors.append(f"{where}: {name} added in 1.{added}, but the header says "
                          f"S2N_ABI_MINOR {minor}")

    hkinds = dict(header)
    for name, kind in header:
        if name not in by_name:
            errors.append(f"{header_path}: {name} ({kind}) is not in {ledger_path}; add "
                          f"`{name} {kind} 1.N` with N the bumped S2N_ABI_MINOR")
        elif by_name[name][1] != kind:
            errors.append(f"{by_name[name][0]}: {name} is a {kind} in the header, "
                          f"not a {by_name[name][1]}")
    for lineno, name, kind, added in ledger:
        if name not in hkinds:
            errors.append(f"{ledger_path}:{lineno}: {name} is not in {header_path} "
                          "(a retired member stays in the header as reserved_N)")

    # Members in header order, versions never going back within a struct.
    hmembers = [n for n, k in header if k == "member"]
    lmembers = [n for _, n, k, _ in ledger if k == "member"]
    if [m for m in lmembers if m in hkinds] != [m for m in hmembers if m in by_name]:
        errors.append(f"{ledger_path}: struct members are not in header order")
    last = {}
    for lineno, name, kind, added in ledger:
        if kind != "member":
            continue
        tag = name.split(".")[0]
        if added < last.get(tag, 0):
            errors.append(f"{ledger_path}:{lineno}: {name} (1.{added}) after a 1.{last[tag]} "
                          f"member of {tag}: members are appended, never inserted")
        last[tag] = max(last.get(tag, 0), added)

    # The 1.0 lines are exactly what the frozen 1.0 header had.
    snap_names = dict(snapshot)
    for lineno, name, kind, added in ledger:
        if added == 0 and name not in snap_names:
            errors.append(f"{ledger_path}:{lineno}: {name} says 1.0 but {snap_path} lacks it")
    for name, kind in snapshot:
        if name not in by_name:
            errors.append(f"{snap_path}: 1.0 name {name} vanished from the ledger")
        elif by_name[name][2] != 0:
            errors.append(f"{by_name[name][0]}: {name} was in 1.0 ({snap_path})")

    if minor > 0 and not any(a == minor for _, _, _, a in ledger):
        errors.append(f"{header_path}: S2N_ABI_MINOR is {minor} but no ledger line says 1.{minor}")

    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"ledger check: {len(errors)} problem(s). An ABI change is: append at the end "
              "of the struct, bump S2N_ABI_MINOR, add a `NAME KIND 1.N` line to "
              f"{ledger_path}.", file=sys.stderr)
        return 1
    print(f"ledger check: {len(ledger)} names, header ABI 1.{minor}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The scanning rules."""

import re
from dataclasses import dataclass

_RULES = [
    ("url-password", re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:([^/\s@]+)@", re.I)),
    ("github-token", re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36,})\b")),
    ("pypi-token", re.compile(r"\b(pypi-[A-Za-z0-9_-]{50,})\b")),
]


@dataclass(frozen=True)
class Finding:
    """One secret found: its kind and where it is in the text."""

    kind: str
    start: int
    end: int


def scan(text):
    """Return the findings in ``text``, in order of position."""
    found = []
    for kind, rule in _RULES:
        for m in rule.finditer(text):
            found.append(Finding(kind, m.start(1), m.end(1)))
    return sorted(found, key=lambda f: f.start)


def mask(text, marker="***"):
    """Return ``text`` with every finding replaced by ``marker``."""
    out, last = [], 0
    for f in scan(text):
        if f.start < last:
            continue
        out.append(text[last:f.start])
        out.append(marker)
        last = f.end
    out.append(text[last:])
    return "".join(out)

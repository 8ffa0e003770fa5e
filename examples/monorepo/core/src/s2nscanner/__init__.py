"""Find secrets in text before they reach a log."""

from s2nscanner.scanner import Finding, mask, scan

__all__ = ["Finding", "mask", "scan"]
__version__ = "0.3.0"

"""``s2nscan``: mask secrets in standard input."""

import sys

from s2nscanner.scanner import mask


def main():
    for line in sys.stdin:
        sys.stdout.write(mask(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())

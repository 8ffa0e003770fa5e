"""Run a command; write the peak resident memory (kB) of it and of every
descendant it waited for to OUTFILE, then its wall time and its CPU time
(user + system, descendants included) in microseconds on the next lines;
exit with the command's status.  Like
`/usr/bin/time -f %M -o OUTFILE`, without needing that package.

Usage: maxrss.py OUTFILE COMMAND [ARGS...]
"""
import resource
import subprocess
import sys
import time

t0 = time.monotonic()
rc = subprocess.call(sys.argv[2:])
wall = time.monotonic() - t0
with open(sys.argv[1], "w") as f:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    f.write("%d\n%d\n%d\n" % (ru.ru_maxrss, wall * 1e6, (ru.ru_utime + ru.ru_stime) * 1e6))
sys.exit(rc)

"""A static file server on 127.0.0.1 for the venv tests: serves DIR on a
free port, writes the port to PORTFILE, logs each request path to LOG.
usage: httpindex.py DIR PORTFILE LOG"""
import functools
import http.server
import sys

root, portfile, log = sys.argv[1:4]


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        with open(log, "a") as f:
            f.write("%s %s\n" % (self.command, self.path))


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                         functools.partial(Handler, directory=root))
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
server.serve_forever()

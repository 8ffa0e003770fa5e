"""A static file server on 127.0.0.1 for the venv tests: serves DIR on a
free port, writes the port to PORTFILE, logs each request to LOG as
"GET /path accept=<Accept> ua=<User-Agent> -> <type served>".
usage: httpindex.py DIR PORTFILE LOG [html|negotiate|plain]

html (the default) serves files as they are: a folder's index.html.
negotiate does PEP 691 content negotiation for folders that hold an
index.json beside index.html: JSON when the Accept header prefers
application/vnd.pypi.simple.v1+json, HTML otherwise.  plain serves
everything as text/plain (a server that is no index)."""
import functools
import io
import http.server
import os
import sys

root, portfile, log = sys.argv[1:4]
mode = sys.argv[4] if len(sys.argv) > 4 else "html"
JSON = "application/vnd.pypi.simple.v1+json"


def quality(accept, media):
    """The q of `media` in an Accept header (0 when absent)."""
    for part in (accept or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        if fields[0] != media:
            continue
        for f in fields[1:]:
            if f.startswith("q="):
                return float(f[2:])
        return 1.0
    return 0.0


class Handler(http.server.SimpleHTTPRequestHandler):
    served = "-"

    def send_head(self):
        folder = self.translate_path(self.path)
        accept = self.headers.get("Accept")
        if (mode == "negotiate" and self.path.endswith("/")
                and os.path.isfile(os.path.join(folder, "index.json"))
                and quality(accept, JSON) >= max(quality(accept, "text/html"),
                                                 quality(accept, "application/vnd.pypi.simple.v1+html"))
                and quality(accept, JSON) > 0):
            with open(os.path.join(folder, "index.json"), "rb") as f:
                body = f.read()
            self.served = JSON
            self.send_response(200)
            self.send_header("Content-Type", JSON)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()

    def guess_type(self, path):
        return "text/plain" if mode == "plain" else super().guess_type(path)

    def end_headers(self):
        # Logged here, when the answer's type is known (the handler logs
        # requests before their headers are written).
        if self.served == "-":
            for h in self._headers_buffer:
                if h.lower().startswith(b"content-type:"):
                    self.served = h.decode().split(":", 1)[1].strip()
        with open(log, "a") as f:
            f.write("%s %s accept=%s ua=%s -> %s\n" % (
                self.command, self.path, self.headers.get("Accept", "-"),
                self.headers.get("User-Agent", "-").split(" ")[0], self.served))
        super().end_headers()

    def log_message(self, fmt, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                         functools.partial(Handler, directory=root))
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()

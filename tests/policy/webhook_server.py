"""A webhook stand-in on 127.0.0.1 for the notify tests.

Writes its port to argv[1], appends each POST as a JSON line (path,
content type, body) to argv[2]; answers 200 under /hook/, 500 under
/fail/.  Stops by itself after argv[3] seconds (default 60)."""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8")
        with open(sys.argv[2], "a", encoding="utf-8") as f:
            f.write(json.dumps({"path": self.path, "type": self.headers.get("Content-Type"),
                                "body": body}) + "\n")
        code = 200 if self.path.startswith("/hook/") else 500
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if code == 200 else b"boom")

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Hook)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
limit = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
threading.Timer(limit, server.shutdown).start()
server.serve_forever()

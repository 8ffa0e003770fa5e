"""A package index upload endpoint on 127.0.0.1 for the pipeline bench:
accepts twine's multipart POSTs (answers 200) and counts them.  Writes its
port to argv[1]; stops by itself after argv[2] seconds."""
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


class Upload(BaseHTTPRequestHandler):
    def do_POST(self):
        # Drain the body through one reused buffer: the server must not be
        # what a benchmark measures.
        left = int(self.headers.get("Content-Length", "0"))
        buf = memoryview(bytearray(1 << 20))
        while left > 0:
            n = self.rfile.readinto(buf[:min(left, len(buf))])
            if not n:
                break
            left -= n
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"OK")

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Upload)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
threading.Timer(float(sys.argv[2]), server.shutdown).start()
server.serve_forever()

"""A stand-in for PyPI's upload endpoint and simple index, for tests only.

Standard library only; meant for Debian's /usr/bin/python3.  Listens on
127.0.0.1 at an ephemeral port and prints its base URL on stdout
("http://127.0.0.1:PORT"), then serves:

  POST /legacy/ (and /)    the legacy upload API as twine speaks it; more
                           upload paths with --upload-at (Nexus, GitLab...)
  GET  /simple/            PEP 503 HTML (PEP 691 JSON on Accept); also under
                           each --simple-at PREFIX (PREFIX/simple/); every
                           simple page answers --simple-status when given
  GET  /simple/<name>/     the files held for a project, with #sha256=
  GET  /files/<filename>   a stored file
  POST /_fault             queue faults for the next uploads (body: JSON list)
  GET  /_records           the request records (also written to --record)

Every request is recorded: method, path, user, form fields in order (the
file part as filename/size/sha256/content type), status and response body.
The upload follows PyPI's documented behaviour: 403 without valid
credentials, 200 for a byte-identical re-upload, 400 "File already exists"
for the same file name with other bytes, 400 for a digest mismatch, 413
above --max-size.  Faults (from --fault or /_fault), one per upload, in
order: "500".."599", "429:SECONDS" (with Retry-After), "403", "409",
"413", "slow:SECONDS" (then normal), "trickle:SECONDS" (read the body
slowly, spread over SECONDS, then normal), "reset" (read half of the body,
then reset the connection), or an object {"status": N, "reason": "...",
"body": "...", "ctype": "..."} answered as given (other indexes' answers:
Nexus's reason-only 400, Artifactory's 403, PyPI's HTML error page).
With --sink (benchmarks) every GET answers 404: the sink holds nothing.

Large bodies are spooled to a temporary file and parsed through mmap, so
a 200 MB upload costs the server little memory.
"""

import argparse
import base64
import hashlib
import html
import json
import mmap
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


class State:
    def __init__(self, args):
        self.args = args
        self.users = {}
        for u in args.user or []:
            name, _, pw = u.partition(":")
            self.users[name] = pw
        self.faults = list(args.fault or [])
        self.records = []
        self.files = {}  # filename -> dict(project, sha256, blake2, path, requires_python)
        self.store = tempfile.mkdtemp(prefix="stub-index-")

    def save_records(self):
        if not self.args.record:
            return
        tmp = self.args.record + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.records, f, indent=1)
        os.replace(tmp, self.args.record)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # header and body go as separate writes
    server_version = "stub-index/1"

    def log_message(self, fmt, *a):
        if self.server.state.args.verbose:
            sys.stderr.write("stub-index: " + (fmt % a) + "\n")

    # ---------------------------------------------------------------- utils
    def send(self, status, body, ctype="text/plain; charset=utf-8", headers=None, reason=None):
        """Answer; while a request is being handled the answer is held
        back until the request is recorded (see _flush), so a client that
        has its answer always finds its request in the records."""
        if getattr(self, "_defer", False):
            self._pending = (status, body, ctype, headers, reason)
            return status, body if isinstance(body, str) else ""
        return self._write(status, body, ctype, headers, reason)

    def _flush(self):
        pending, self._pending, self._defer = getattr(self, "_pending", None), None, False
        if pending:
            self._write(*pending)

    def _write(self, status, body, ctype, headers, reason):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status, reason)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (timeout test)
        return status, body if isinstance(body, str) else ""

    def record(self, **kw):
        rec = {
            "method": self.command,
            "path": self.path,
            "user_agent": self.headers.get("User-Agent"),
            "time": time.time(),
        }
        rec.update(kw)
        with LOCK:
            self.server.state.records.append(rec)
            self.server.state.save_records()

    def user(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return None, None
        try:
            raw = base64.b64decode(auth[6:]).decode()
        except Exception:
            return None, None
        name, _, pw = raw.partition(":")
        return name, pw

    # ------------------------------------------------------------------ GET
    def do_GET(self):
        self._defer = True
        try:
            self._get()
        finally:
            self._flush()

    def do_POST(self):
        self._defer = True
        try:
            self._post()
        finally:
            self._flush()

    def _get(self):
        st = self.server.state
        path = self.path.split("?", 1)[0]
        if path == "/_records":
            with LOCK:
                return self.send(200, json.dumps(st.records), "application/json")
        if st.args.redirect_simple and path.startswith("/simple"):
            status = self.send(302, "Found", headers={"Location": st.args.redirect_simple + path})
            user, _ = self.user()
            return self.record(status=status[0], user=user)
        want_json = "application/vnd.pypi.simple.v1+json" in self.headers.get("Accept", "")
        for prefix in st.args.simple_at or []:
            prefix = prefix.rstrip("/")
            if path.startswith(prefix + "/simple"):
                path = path[len(prefix):]
                break
        if st.args.sink:
            status = self.send(404, "404 Not Found")
        elif path.startswith("/simple") and st.args.simple_status:
            status = self.send(st.args.simple_status, f"{st.args.simple_status} simple index unavailable")
        elif path in ("/simple", "/simple/"):
            with LOCK:
                projects = sorted({f["project"] for f in st.files.values()})
            status = self._simple_root(projects, want_json)
        elif path.startswith("/simple/"):
            name = normalize(path[len("/simple/"):].strip("/"))
            with LOCK:
                files = sorted((fn, f) for fn, f in st.files.items() if f["project"] == name)
            if not files:
                status = self.send(404, "404 Not Found")
            else:
                status = self._simple_project(name, files, want_json)
        elif path.startswith("/files/"):
            fn = path[len("/files/"):]
            with LOCK:
                f = st.files.get(fn)
            if not f:
                status = self.send(404, "404 Not Found")
            else:
                with open(f["path"], "rb") as fp:
                    status = self.send(200, fp.read(), "application/octet-stream")
        else:
            status = self.send(404, "404 Not Found")
        self.record(status=status[0], accept=self.headers.get("Accept"), user=self.user()[0])

    def _simple_root(self, projects, want_json):
        if want_json:
            body = json.dumps({"meta": {"api-version": "1.0"},
                               "projects": [{"name": p} for p in projects]})
            return self.send(200, body, "application/vnd.pypi.simple.v1+json")
        links = "".join(f'<a href="{p}/">{p}</a>\n' for p in projects)
        return self.send(200, f"<!DOCTYPE html><html><body>\n{links}</body></html>\n",
                         "text/html; charset=utf-8")

    def _simple_project(self, name, files, want_json):
        if want_json:
            body = json.dumps({
                "meta": {"api-version": "1.0"}, "name": name,
                "files": [{"filename": fn, "url": f"/files/{fn}",
                           "hashes": {"sha256": f["sha256"]},
                           "requires-python": f["requires_python"]} for fn, f in files]})
            return self.send(200, body, "application/vnd.pypi.simple.v1+json")
        links = ""
        for fn, f in files:
            rp = ""
            if f["requires_python"]:
                rp = f' data-requires-python="{html.escape(f["requires_python"])}"'
            links += f'<a href="/files/{fn}#sha256={f["sha256"]}"{rp}>{fn}</a>\n'
        return self.send(200, f"<!DOCTYPE html><html><body>\n{links}</body></html>\n",
                         "text/html; charset=utf-8")

    # ----------------------------------------------------------------- POST
    def _post(self):
        st = self.server.state
        path = self.path.split("?", 1)[0]
        if path == "/_fault":
            n = int(self.headers.get("Content-Length", "0"))
            faults = json.loads(self.rfile.read(n) or b"[]")
            with LOCK:
                st.faults.extend(faults)
            return self.send(200, "ok")
        if path not in ("/legacy/", "/legacy", "/") and path not in (st.args.upload_at or []):
            self._drain()
            status = self.send(404, "404 Not Found")
            return self.record(status=status[0])
        self._upload()

    def _drain(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        while n > 0:
            chunk = self.rfile.read(min(n, 1 << 16))
            if not chunk:
                break
            n -= len(chunk)

    def _spool_body(self, limit=None, trickle=0.0):
        """Body into a temporary file; returns (file, size).  With `limit`,
        stop after that many bytes (for the reset fault); with `trickle`,
        take about that many seconds over it (a slow link)."""
        spool = tempfile.TemporaryFile(dir=st_dir(self))
        te = self.headers.get("Transfer-Encoding", "").lower()
        total = 0
        if te == "chunked":
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                left = size
                while left:
                    chunk = self.rfile.read(min(left, 1 << 16))
                    if not chunk:
                        raise ConnectionError("short chunk")
                    spool.write(chunk)
                    left -= len(chunk)
                    total += len(chunk)
                self.rfile.readline()
        else:
            left = int(self.headers.get("Content-Length", "0") or 0)
            if limit is not None:
                left = min(left, limit)
            while left:
                chunk = self.rfile.read(min(left, 1 << 16))
                if not chunk:
                    raise ConnectionError("short body")
                spool.write(chunk)
                left -= len(chunk)
                total += len(chunk)
                if trickle:
                    time.sleep(trickle * len(chunk) / max(1, int(self.headers["Content-Length"])))
        spool.flush()
        return spool, total

    def _upload(self):
        st = self.server.state
        with LOCK:
            fault = st.faults.pop(0) if st.faults else None
        user, pw = self.user()
        length = int(self.headers.get("Content-Length", "0") or 0)

        if fault == "reset":
            try:
                self._spool_body(limit=max(1, length // 2))[0].close()
            except ConnectionError:
                pass
            self.record(status=None, fault=fault, user=user)
            # SO_LINGER 0: close sends RST, the client sees a reset mid-body.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        trickle = 0.0
        if isinstance(fault, dict):
            pass  # an answer as given, after the body is read
        elif fault and fault.startswith("slow:"):
            time.sleep(float(fault[5:]))
            fault = None
        elif fault and fault.startswith("trickle:"):
            trickle = float(fault[8:])
            fault = None

        if st.args.sink:
            # Benchmark mode: read and drop the body, answer 200, record
            # nothing: the server costs as little as it can.
            left = length
            buf = memoryview(bytearray(1 << 20))  # reused: no allocation per read
            while left > 0:
                n = self.rfile.readinto(buf[:min(left, len(buf))])
                if not n:
                    break
                left -= n
            self.send(200, "OK")
            return
        if st.args.max_size and length > st.args.max_size:
            self.close_connection = True
            status = self.send(413, "413 Request Entity Too Large: file too large",
                               headers={"Connection": "close"})
            return self.record(status=status[0], body=status[1], user=user, fault="size")

        try:
            spool, size = self._spool_body(trickle=trickle)
        except ConnectionError:
            # The client gave up mid-body (e.g. it aborted the request).
            self.close_connection = True
            return self.record(status=None, fault="client aborted", user=user)
        try:
            fields, content = parse_multipart(self.headers.get("Content-Type", ""), spool, size,
                                              st.store)
        finally:
            spool.close()

        status = None
        if fault:
            status = self._fault_response(fault)
        elif st.users and (user not in st.users or st.users[user] != pw):
            status = self.send(403, "Invalid or non-existent authentication information. "
                               "See https://pypi.org/help/#invalid-auth for more information.",
                               reason="Invalid or non-existent authentication information.")
        else:
            status = self._store(fields, content)
        if content and content.get("tmp"):
            try:
                os.unlink(content["tmp"])
            except FileNotFoundError:
                pass
        rec_content = {k: v for k, v in (content or {}).items() if k != "tmp"}
        self.record(status=status[0], body=status[1], user=user, fault=fault,
                    fields=fields, content=rec_content or None)

    def _fault_response(self, fault):
        if isinstance(fault, dict):
            return self.send(int(fault["status"]), fault.get("body", ""),
                             fault.get("ctype", "text/plain; charset=utf-8"),
                             reason=fault.get("reason"))
        if fault.startswith("429"):
            wait = fault.partition(":")[2] or "1"
            return self.send(429, "429 Too Many Requests: slow down", headers={"Retry-After": wait})
        code = int(fault)
        texts = {403: "403 Forbidden: The user 'x' isn't allowed to upload to project 'y'.",
                 409: "409 Conflict: name/version conflict",
                 413: "413 Request Entity Too Large: file too large"}
        return self.send(code, texts.get(code, f"{code} injected server error: please retry"))

    def _store(self, fields, content):
        st = self.server.state
        f = {}
        for k, v in fields:
            f.setdefault(k, v)
        if f.get(":action") != "file_upload":
            return self.send(400, "400 Invalid value for :action")
        if f.get("protocol_version") != "1":
            return self.send(400, "400 Unknown protocol version.")
        for need in ("name", "version", "filetype", "metadata_version"):
            if not f.get(need):
                return self.send(400, f"400 '{need}' is a required field.")
        if not content:
            return self.send(400, "400 Upload payload does not have a file.")
        fn = content["filename"]
        if not (f.get("md5_digest") or f.get("sha256_digest") or f.get("blake2_256_digest")):
            return self.send(400, "400 Include at least one message digest.")
        if f.get("sha256_digest") and f["sha256_digest"] != content["sha256"]:
            return self.send(400, "400 The digest supplied does not match a digest "
                             "calculated from the uploaded file.")
        if f.get("blake2_256_digest") and f["blake2_256_digest"] != content["blake2_256"]:
            return self.send(400, "400 The digest supplied does not match a digest "
                             "calculated from the uploaded file.")
        if f.get("md5_digest") and f["md5_digest"] != content["md5"]:
            return self.send(400, "400 The digest supplied does not match a digest "
                             "calculated from the uploaded file.")
        prefix = re.sub(r"[-_.]+", "_", f["name"]).lower()
        if not fn.lower().replace("-", "_").startswith(prefix + "_") and \
                not re.sub(r"[-_.]+", "_", fn).lower().startswith(prefix + "_"):
            return self.send(400, f"400 Start filename for {f['name']!r} with {prefix!r}.")
        project = normalize(f["name"])
        with LOCK:
            old = st.files.get(fn)
            if old:
                if old["sha256"] == content["sha256"]:
                    return self.send(200, "OK: identical file already exists")
                return self.send(400, f"400 File already exists ({fn!r}, with blake2_256 hash "
                                 f"{old['blake2']!r}). See https://pypi.org/help/#file-name-reuse "
                                 "for more information.",
                                 reason="File already exists. See https://pypi.org/help/#file-name-reuse for more information.")
            dest = os.path.join(st.store, fn)
            shutil.move(content["tmp"], dest)
            st.files[fn] = {"project": project, "sha256": content["sha256"],
                            "blake2": content["blake2_256"], "path": dest,
                            "requires_python": f.get("requires_python") or None}
        return self.send(200, "OK")


def st_dir(handler):
    return handler.server.state.store


def parse_multipart(ctype, spool, size, tmpdir):
    """Form fields [(name, value)] in order and the file part (hashed,
    copied to a temporary file) from a spooled multipart/form-data body."""
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    if not ctype.startswith("multipart/form-data") or not m or size == 0:
        return [], None
    boundary = b"--" + m.group(1).encode()
    fields, content = [], None
    with mmap.mmap(spool.fileno(), size, access=mmap.ACCESS_READ) as mm:
        pos = mm.find(boundary)
        while pos >= 0:
            pos += len(boundary)
            if mm[pos:pos + 2] == b"--":
                break
            pos += 2  # CRLF
            hend = mm.find(b"\r\n\r\n", pos)
            if hend < 0:
                break
            headers = mm[pos:hend].decode("utf-8", "replace")
            start = hend + 4
            nxt = mm.find(b"\r\n" + boundary, start)
            if nxt < 0:
                break
            disp = re.search(r'(?im)^content-disposition:(.*)$', headers)
            disp = disp.group(1) if disp else ""
            nm = re.search(r'\bname="([^"]*)"', disp)
            fnm = re.search(r'\bfilename="([^"]*)"', disp)
            ct = re.search(r'(?im)^content-type:\s*(.*)$', headers)
            name = nm.group(1) if nm else ""
            if fnm:
                sha, md5, b2 = hashlib.sha256(), hashlib.md5(), hashlib.blake2b(digest_size=32)
                tmp = tempfile.NamedTemporaryFile(dir=tmpdir, prefix=".part-", delete=False)
                for off in range(start, nxt, 1 << 20):
                    chunk = mm[off:min(nxt, off + (1 << 20))]
                    sha.update(chunk)
                    md5.update(chunk)
                    b2.update(chunk)
                    tmp.write(chunk)
                tmp.close()
                content = {"field": name, "filename": fnm.group(1), "size": nxt - start,
                           "sha256": sha.hexdigest(), "md5": md5.hexdigest(),
                           "blake2_256": b2.hexdigest(),
                           "content_type": ct.group(1).strip() if ct else None,
                           "tmp": tmp.name}
                fields.append([name, {"file": fnm.group(1)}])
            else:
                fields.append([name, mm[start:nxt].decode("utf-8", "replace")])
            pos = nxt + 2
    return fields, content


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--record", help="write the request records (JSON) here")
    ap.add_argument("--user", action="append", help="USER:PASSWORD allowed to upload")
    ap.add_argument("--fault", action="append", help="fault for the next upload (repeat)")
    ap.add_argument("--max-size", type=int, default=0, help="413 above this many bytes")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--sink", action="store_true",
                    help="benchmarks: drop upload bodies unparsed, answer 200")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"),
                    help="serve HTTPS with this certificate and key")
    ap.add_argument("--redirect-simple", metavar="BASE",
                    help="answer /simple/... with a redirect to BASE/simple/...")
    ap.add_argument("--upload-at", action="append", metavar="PATH",
                    help="also take uploads at this path (repeat)")
    ap.add_argument("--simple-at", action="append", metavar="PREFIX",
                    help="also serve the simple index at PREFIX/simple/ (repeat)")
    ap.add_argument("--simple-status", type=int, default=0, metavar="N",
                    help="answer every simple index page with this status")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.state = State(args)
    srv.state.save_records()
    scheme = "http"
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        scheme = "https"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"{scheme}://127.0.0.1:{srv.server_address[1]}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(srv.state.store, ignore_errors=True)


if __name__ == "__main__":
    main()

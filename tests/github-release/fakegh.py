#!/usr/bin/python3
"""fakegh.py - a small stateful fake of GitHub's release API, for fault
injection and convergence tests of the github-release stage.

It keeps releases and assets in memory, so a re-run sees what an earlier
(interrupted) run left behind, and it can fail chosen requests:

  502          answer 502 without doing anything
  drop         close the connection without an answer, doing nothing
               (an upload is dropped half-way through its body)
  drop_after   do the work, then close without an answer (the answer is lost)
  race         first do what a concurrent run would (create the release /
               upload the same asset), then handle the request (-> 422)
  starter      upload: leave a broken asset (state "starter"), answer 502
  ratelimit    403 with x-ratelimit-remaining: 0 and a reset in `wait` s
  429          429 with retry-after: `wait`
  403          403 "Resource not accessible by integration"

Control endpoints (not counted as requests):
  POST /_reset {"digest": true, "page_size": 30}   empty state
  POST /_faults [{"at": N} | {"method": M, "path": REGEX, "times": K},
                 with "action": ..., "wait": S]
  GET  /_state   releases and assets without ids, for comparing end states
                 (?latest=1: with the make_latest last sent)
  GET  /_log     the requests handled, "METHOD /path"

API base: BASE/api ; uploads: BASE/uploads.  Prints BASE on stdout.
Usage: fakegh.py TOKEN [OWNER/REPO]   (Authorization must be "Bearer TOKEN";
other repositories give 404 like one the token cannot see)
"""
import hashlib
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = sys.argv[1] if len(sys.argv) > 1 else "ghs_test"
REPO = sys.argv[2] if len(sys.argv) > 2 else "s2n-fixture-org/demo"
LOCK = threading.Lock()
S = {}


def reset(opts=None):
    opts = opts or {}
    S.clear()
    S.update(releases=[], next_id=1, count=0, faults=[], log=[],
             digest=opts.get("digest", True), page_size=opts.get("page_size", 30))
    for tag in opts.get("decoys", []):  # other releases, to make lists paginate
        new_release({"tag_name": tag, "name": tag}, draft=False)


def new_release(fields, draft):
    rid = S["next_id"]
    S["next_id"] += 1
    rel = {"id": rid, "tag_name": fields["tag_name"],
           "target_commitish": fields.get("target_commitish", "main"),
           "name": fields.get("name") or fields["tag_name"], "body": fields.get("body"),
           "draft": draft, "prerelease": bool(fields.get("prerelease", False)),
           "make_latest": fields.get("make_latest"), "assets": []}
    S["releases"].append(rel)
    return rel


def new_asset(rel, name, label, data, ctype, state="uploaded"):
    aid = S["next_id"]
    S["next_id"] += 1
    asset = {"id": aid, "name": name, "label": label, "state": state,
             "content_type": ctype, "size": len(data),
             "sha256": hashlib.sha256(data).hexdigest()}
    rel["assets"].append(asset)
    return asset


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    # --- plumbing -------------------------------------------------------
    def base(self):
        return "http://%s:%d" % self.server.server_address[:2]

    def asset_json(self, a):
        j = {k: a[k] for k in ("id", "name", "label", "state", "content_type", "size")}
        j["url"] = "%s/api/repos/%s/releases/assets/%d" % (self.base(), self.repo, a["id"])
        j["digest"] = ("sha256:" + a["sha256"]) if S["digest"] else None
        if not S["digest"]:
            del j["digest"]
        return j

    def release_json(self, r):
        j = {k: r[k] for k in ("id", "tag_name", "target_commitish", "name", "body",
                               "draft", "prerelease")}
        j["upload_url"] = "%s/uploads/repos/%s/releases/%d/assets{?name,label}" % (
            self.base(), self.repo, r["id"])
        j["html_url"] = "https://github.com/%s/releases/tag/%s" % (self.repo, r["tag_name"])
        j["assets"] = [self.asset_json(a) for a in r["assets"]]
        return j

    def send(self, status, obj=None, headers=None):
        body = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if obj is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, message, errors=None):
        obj = {"message": message, "documentation_url": "https://docs.github.com/rest"}
        if errors:
            obj["errors"] = errors
        self.send(status, obj)

    def drop(self):
        self.close_connection = True
        raise ConnectionAbortedError

    def read_body(self, half=False):
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            return None
        n = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(n // 2 if half else n)

    # --- dispatch -------------------------------------------------------
    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def handle_any(self, method):
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        with LOCK:
            try:
                if path.startswith("/_"):
                    return self.control(method, path, query)
                S["count"] += 1
                S["log"].append("%s %s" % (method, self.path))
                fault = self.take_fault(method, path)
                if self.headers.get("Authorization") != "Bearer " + TOKEN:
                    return self.error(401, "Bad credentials")
                self.route(method, path, query, fault)
            except ConnectionAbortedError:
                pass

    def control(self, method, path, query):
        if path == "/_reset":
            reset(json.loads(self.read_body() or b"{}"))
            return self.send(200, {})
        if path == "/_faults":
            S["faults"] = json.loads(self.read_body() or b"[]")
            return self.send(200, {})
        if path == "/_log":
            return self.send(200, S["log"])
        if path == "/_state":
            state = []
            for r in sorted(S["releases"], key=lambda r: (r["tag_name"], r["id"])):
                # make_latest is which release is latest, not part of one: only on request
                keys = ("tag_name", "name", "body", "draft", "prerelease", "target_commitish")
                j = {k: r[k] for k in keys + (("make_latest",) if "latest" in query else ())}
                j["assets"] = sorted(({k: a[k] for k in ("name", "label", "state", "size",
                                                          "sha256", "content_type")}
                                      for a in r["assets"]), key=lambda a: a["name"])
                state.append(j)
            return self.send(200, state)
        return self.send(404, {"message": "Not Found"})

    def take_fault(self, method, path):
        for f in S["faults"]:
            if "at" in f:
                if f["at"] == S["count"]:
                    return f
            elif f.get("method", method) == method and re.search(f.get("path", ""), path) \
                    and f.get("times", 1) > 0:
                f["times"] = f.get("times", 1) - 1
                return f
        return None

    def route(self, method, path, query, fault):
        m = re.match(r"^/(api|uploads)/repos/([^/]+/[^/]+)(/.*)$", path)
        if not m:
            return self.error(404, "Not Found")
        kind, self.repo, rest = m.group(1), m.group(2), m.group(3)
        if self.repo != REPO:
            self.read_body()
            return self.error(404, "Not Found")
        action = fault and fault["action"]
        if action == "403":
            self.read_body()
            return self.error(403, "Resource not accessible by integration")
        if action == "502":
            self.read_body()
            return self.error(502, "Server Error")
        if action == "drop":
            self.read_body(half=True)
            self.drop()
        if action == "ratelimit":
            self.read_body()
            return self.send(403, {"message": "API rate limit exceeded"}, {
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": str(int(time.time()) + fault.get("wait", 1))})
        if action == "429":
            self.read_body()
            return self.send(429, {"message": "secondary rate limit"},
                             {"retry-after": str(fault.get("wait", 1))})
        after = action == "drop_after"
        rels = S["releases"]
        if kind == "uploads":
            m = re.match(r"^/releases/(\d+)/assets$", rest)
            rel = next((r for r in rels if m and r["id"] == int(m.group(1))), None)
            if method != "POST" or not rel:
                return self.error(404, "Not Found")
            data = self.read_body(half=action == "drop")
            if data is None:
                return self.error(400, "chunked uploads are not accepted")
            name, label = query.get("name", [""])[0], query.get("label", [None])[0]
            ctype = self.headers.get("Content-Type", "")
            if action == "race":
                new_asset(rel, name, label, data, ctype)
            if action == "starter":
                new_asset(rel, name, label, b"", ctype, state="starter")
                return self.error(502, "Server Error")
            if any(a["name"] == name for a in rel["assets"]):
                return self.error(422, "Validation Failed", [
                    {"resource": "ReleaseAsset", "code": "already_exists", "field": "name"}])
            asset = new_asset(rel, name, label, data, ctype)
            if after:
                self.drop()
            return self.send(201, self.asset_json(asset))
        if method == "GET" and rest.startswith("/releases/tags/"):
            tag = unquote(rest[len("/releases/tags/"):])
            rel = next((r for r in rels if r["tag_name"] == tag and not r["draft"]), None)
            return self.send(200, self.release_json(rel)) if rel else self.error(404, "Not Found")
        if method == "GET" and rest == "/releases":
            per = min(int(query.get("per_page", ["30"])[0]), 100, S["page_size"])
            page = int(query.get("page", ["1"])[0])
            items = sorted(rels, key=lambda r: -r["id"])
            chunk = items[(page - 1) * per:page * per]
            headers = {}
            if page * per < len(items):
                headers["Link"] = '<%s/api/repos/%s/releases?per_page=%d&page=%d>; rel="next"' % (
                    self.base(), self.repo, per, page + 1)
            return self.send(200, [self.release_json(r) for r in chunk], headers)
        if method == "POST" and rest == "/releases/generate-notes":
            req = json.loads(self.read_body() or b"{}")
            return self.send(200, {"name": req["tag_name"],
                                   "body": "## What's Changed\n* generated for %s\n" % req["tag_name"]})
        if method == "POST" and rest == "/releases":
            req = json.loads(self.read_body() or b"{}")
            if action == "race":
                new_release(req, draft=False)
            if any(r["tag_name"] == req["tag_name"] and not r["draft"] for r in rels):
                return self.error(422, "Validation Failed", [
                    {"resource": "Release", "code": "already_exists", "field": "tag_name"}])
            rel = new_release(req, draft=bool(req.get("draft", False)))
            if after:
                self.drop()
            return self.send(201, self.release_json(rel))
        m = re.match(r"^/releases/(\d+)$", rest)
        if method == "PATCH" and m:
            rel = next((r for r in rels if r["id"] == int(m.group(1))), None)
            if not rel:
                return self.error(404, "Not Found")
            req = json.loads(self.read_body() or b"{}")
            for k in ("name", "body", "draft", "prerelease", "target_commitish", "make_latest"):
                if k in req:
                    rel[k] = req[k]
            if after:
                self.drop()
            return self.send(200, self.release_json(rel))
        m = re.match(r"^/releases/(\d+)/assets$", rest)
        if method == "GET" and m:
            rel = next((r for r in rels if r["id"] == int(m.group(1))), None)
            if not rel:
                return self.error(404, "Not Found")
            return self.send(200, [self.asset_json(a) for a in rel["assets"]])
        m = re.match(r"^/releases/assets/(\d+)$", rest)
        if method == "PATCH" and m:
            req = json.loads(self.read_body() or b"{}")
            for r in rels:
                for a in r["assets"]:
                    if a["id"] == int(m.group(1)):
                        for k in ("name", "label"):
                            if k in req:
                                a[k] = req[k]
                        return self.send(200, self.asset_json(a))
            return self.error(404, "Not Found")
        if method == "DELETE" and m:
            for r in rels:
                for a in r["assets"]:
                    if a["id"] == int(m.group(1)):
                        r["assets"].remove(a)
                        if after:
                            self.drop()
                        return self.send(204)
            return self.error(404, "Not Found")
        return self.error(404, "Not Found")


def main():
    reset()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("http://127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

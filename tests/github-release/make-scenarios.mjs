// make-scenarios.mjs — writes scenarios/*.json (nock definitions served by
// peer.mjs) and data/ (the files they upload) from the examples of GitHub's
// OpenAPI description.  Run once by hand; the output is committed, so the
// 385 MB @octokit/openapi package is not a test dependency:
//   npm install --prefix /tmp/oapi @octokit/openapi@23.0.2
//   node make-scenarios.mjs /tmp/oapi/node_modules/@octokit/openapi/generated/api.github.com.json
// The scenarios use today's headers (Bearer, +json), unlike the recordings
// (token, v3+json): the tests pass the header options both ways.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ex = (name) => structuredClone(spec.components.examples[name].value);

const OWNER = "s2n-fixture-org", REPO = "demo", TAG = "v1.2.0", ID = 1;
const TARGET = "c0ffee0000000000000000000000000000000001";
const TOKEN = "ghs_s2nbuildTestToken0000000000000000001";
const NAME = "demo 1.2.0";
const NOTES = readFileSync("data/CHANGES.md", "utf8");
const API = "https://api.github.com", UP = "https://uploads.github.com";
const R = `/repos/${OWNER}/${REPO}`;

// The wheel-named upload: 3000 fixed bytes (its content is never unpacked).
mkdirSync("data", { recursive: true });
const WHEEL = "demo_pkg-1.2.0-py3-none-any.whl";
const bytes = Buffer.alloc(3000, 0).map((_, i) => (i * 7 + 3) % 256);
writeFileSync(`data/${WHEEL}`, bytes);
const sha = createHash("sha256").update(bytes).digest("hex");
const OTHER_SHA = createHash("sha256").update("an older build").digest("hex");

const headers = { "content-type": "application/json; charset=utf-8" };
const req = (extra = {}) => ({ accept: "application/vnd.github+json",
  authorization: `Bearer ${TOKEN}`, ...extra });
const json = (body) => ({ "content-type": "application/json; charset=utf-8",
  "content-length": Buffer.byteLength(JSON.stringify(body)) });

function release(fields) {
  const r = ex("release");
  Object.assign(r, {
    url: `${API}${R}/releases/${ID}`, html_url: `https://github.com/${OWNER}/${REPO}/releases/tag/${TAG}`,
    assets_url: `${API}${R}/releases/${ID}/assets`,
    upload_url: `${UP}${R}/releases/${ID}/assets{?name,label}`,
    id: ID, tag_name: TAG, target_commitish: TARGET, name: NAME, body: NOTES,
    draft: false, prerelease: false, assets: [] }, fields);
  return r;
}
function asset(fields) {
  const a = ex("release-asset-response-for-successful-upload");
  Object.assign(a, { url: `${API}${R}/releases/assets/7`, id: 7, name: WHEEL, label: null,
    content_type: "application/octet-stream", size: bytes.length, digest: `sha256:${sha}`,
    browser_download_url: `https://github.com/${OWNER}/${REPO}/releases/download/${TAG}/${WHEEL}` },
    fields);
  return a;
}
const notFound = () => ({ message: "Not Found",
  documentation_url: "https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name",
  status: "404" });
const conflict = (resource, field) => ({ message: "Validation Failed",
  documentation_url: "https://docs.github.com/rest", errors: [{ resource, code: "already_exists", field }] });

const call = (scope, method, path, status, response, extra = {}) => ({
  scope: `${scope}:443`, method, path, status, response, headers, ...extra,
  reqheaders: { ...req(extra.reqheaders), host: scope.replace("https://", "") } });
const byTag = (status, body) => call(API, "get", `${R}/releases/tags/${TAG}`, status, body);
const list = (body) => call(API, "get", `${R}/releases?per_page=100`, 200, body);
const createBody = (body) => ({ tag_name: TAG, target_commitish: TARGET, name: NAME, body, draft: true });
const create = (status, response, body = NOTES) => call(API, "post", `${R}/releases`, status, response,
  { body: createBody(body), reqheaders: json(createBody(body)) });
const upload = (status, response) => call(UP, "post", `${R}/releases/${ID}/assets?name=${WHEEL}`,
  status, response, { body: bytes.toString("hex"), reqheaders: {
    "content-type": "application/octet-stream", "content-length": bytes.length } });
const publishBody = { draft: false, make_latest: "true" };
const publish = (response) => call(API, "patch", `${R}/releases/${ID}`, 200, response,
  { body: publishBody, reqheaders: json(publishBody) });
const del = (id) => ({ ...call(API, "delete", `${R}/releases/assets/${id}`, 204, ""), headers: {} });

const generated = ex("release-notes-content");
const notesReq = { tag_name: TAG, target_commitish: TARGET };

const scenarios = {
  // find (404) → no draft → create the draft with the notes → upload → publish
  "ghrel-first-run": [byTag(404, notFound()), list([]),
    create(201, release({ draft: true })), upload(201, asset()),
    publish(release({ assets: [asset()] }))],
  // everything is there already: one GET, nothing else
  "ghrel-rerun": [byTag(200, release({ assets: [asset()] }))],
  // a concurrent run created the release between our GET and POST: 422 → read it again
  "ghrel-create-conflict": [byTag(404, notFound()), list([]),
    create(422, conflict("Release", "tag_name")),
    byTag(200, release({ assets: [] })), upload(201, asset())],
  // notes from GitHub's generate-notes, used as the body of the new draft
  "ghrel-generate-notes": [
    call(API, "post", `${R}/releases/generate-notes`, 200, generated,
      { body: notesReq, reqheaders: json(notesReq) }),
    byTag(404, notFound()), list([]),
    create(201, release({ draft: true, body: generated.body }), generated.body),
    publish(release({ body: generated.body }))],
  // the asset exists with other content: replaced (replace_assets: true)
  "ghrel-replace": [byTag(200, release({ assets: [asset({ digest: `sha256:${OTHER_SHA}`, id: 6 })] })),
    del(6), upload(201, asset())],
  // an earlier run stopped after creating the draft and uploading: publish only
  "ghrel-draft-resume": [byTag(404, notFound()),
    list([release({ id: 2, tag_name: "v1.1.0", name: "demo 1.1.0" }), release({ draft: true, assets: [asset()] })]),
    publish(release({ assets: [asset()] }))],
};
mkdirSync("scenarios", { recursive: true });
for (const [name, defs] of Object.entries(scenarios))
  writeFileSync(`scenarios/${name}.json`, JSON.stringify(defs, null, 2) + "\n");
console.log(Object.keys(scenarios).join("\n"));

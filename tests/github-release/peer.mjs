// peer.mjs — serves GitHub API scenarios on 127.0.0.1 (an ephemeral port
// unless PORT is set) with @octokit/fixtures-server: the recorded ones and
// ours (scenarios/*.json, same nock format).  Prints the base URL on its
// first line; a test POSTs {"scenario": NAME} to BASE/fixtures to load one.
//   node peer.mjs 'GLOB'
import express from "express"; // a dependency of fixtures-server, hoisted
import fixturesServer from "@octokit/fixtures-server";
import globToFixtures from "@octokit/fixtures-server/lib/glob-to-fixtures.js";

const app = express();
const server = app.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  app.use(fixturesServer({ fixturesUrl: base, logLevel: "warn", ttl: 600000,
    fixtures: globToFixtures(process.argv[2]) }));
  console.log(base);
});

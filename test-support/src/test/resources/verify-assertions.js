// Verifies the edge's identity assertions with the npm package jose (nobody on the team wrote it), against the key set
// the edge served, as an upstream would: ES256 only, the issuer and the audience checked, the expiry too.
// Args: JWKS_FILE ISSUER, then AUDIENCE TOKEN pairs. Prints one JSON array: per token {ok, payload, header} or {ok, error}.
const fs = require('fs');
const jose = require('jose');

(async () => {
  const [jwksFile, issuer, ...pairs] = process.argv.slice(2);
  const keys = jose.createLocalJWKSet(JSON.parse(fs.readFileSync(jwksFile, 'utf8')));
  const results = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    try {
      const { payload, protectedHeader } = await jose.jwtVerify(pairs[i + 1], keys,
        { issuer, audience: pairs[i], algorithms: ['ES256'] });
      results.push({ ok: true, payload, header: protectedHeader });
    } catch (e) {
      results.push({ ok: false, error: e.code || String(e) });
    }
  }
  console.log(JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(1); });

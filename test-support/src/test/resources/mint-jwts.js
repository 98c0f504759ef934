// Mints the JWTs of the identity end-to-end test with the npm package jose (nobody on the team wrote it), writes the
// public key set to DIR/jwks.json for python3 -m http.server to serve, and prints the tokens as one JSON line.
// Args: DIR ISSUER AUDIENCE
const fs = require('fs');
const path = require('path');
const jose = require('jose');

(async () => {
  const [dir, issuer, audience] = process.argv.slice(2);
  const signing = await jose.generateKeyPair('RS256', { extractable: true });
  const stranger = await jose.generateKeyPair('RS256', { extractable: true });
  const ec = await jose.generateKeyPair('ES256', { extractable: true });
  const rsaJwk = { ...(await jose.exportJWK(signing.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
  const ecJwk = { ...(await jose.exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' };
  fs.writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [rsaJwk, ecJwk] }));

  const now = Math.floor(Date.now() / 1000);
  const mint = (key, header, claims) => new jose.SignJWT({ sub: 'alice', email: 'alice@example.com', email_verified: true, ...claims })
    .setProtectedHeader(header).setIssuedAt(now).sign(key);
  const good = { iss: issuer, aud: audience, exp: now + 600 };
  const b64 = (text) => Buffer.from(text).toString('base64url');
  const publicPem = Buffer.from(await jose.exportSPKI(signing.publicKey));
  const tokens = {
    valid: await mint(signing.privateKey, { alg: 'RS256', kid: 'rsa-1' }, good),
    validEc: await mint(ec.privateKey, { alg: 'ES256', kid: 'ec-1' }, good),
    expired: await mint(signing.privateKey, { alg: 'RS256', kid: 'rsa-1' }, { ...good, exp: now - 600 }),
    wrongAudience: await mint(signing.privateKey, { alg: 'RS256', kid: 'rsa-1' }, { ...good, aud: 'urn:other' }),
    wrongIssuer: await mint(signing.privateKey, { alg: 'RS256', kid: 'rsa-1' }, { ...good, iss: issuer + 'x' }),
    unknownKid: await mint(stranger.privateKey, { alg: 'RS256', kid: 'rsa-9' }, good),
    hs256WithPublicKey: await mint(publicPem, { alg: 'HS256', kid: 'rsa-1' }, good),
    algNone: b64(JSON.stringify({ alg: 'none', typ: 'JWT' })) + '.' + b64(JSON.stringify({ sub: 'alice', ...good })) + '.',
  };
  console.log(JSON.stringify(tokens));
})().catch((e) => { console.error(e); process.exit(1); });

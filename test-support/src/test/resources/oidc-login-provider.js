// A real OpenID provider (npm oidc-provider) on loopback for the login actions' tests.
// Usage: node oidc-login-provider.js PORT CLIENT_JSON   (NODE_PATH must reach oidc-provider)
// CLIENT_JSON: {"client_id", "client_secret", "redirect_uris": [...], "post_logout_redirect_uris": [...]}.
// Prints "READY <issuer>" when listening. Any login name works with any password (the dev login form); the account's
// email is NAME@example.test (email_verified false for names starting "unverified", true otherwise) and its name
// "User NAME". Consent is granted at once; PKCE (S256) is required.
const { default: Provider } = require('oidc-provider');

const port = Number(process.argv[2]);
const client = JSON.parse(process.argv[3]);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: client.client_id, client_secret: client.client_secret,
    redirect_uris: client.redirect_uris, post_logout_redirect_uris: client.post_logout_redirect_uris,
    grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
  }],
  scopes: ['openid', 'profile', 'email'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true, methods: ['S256'] },
  findAccount: (ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, email: `${id}@example.test`, email_verified: !id.startsWith('unverified'), name: `User ${id}` }),
  }),
  loadExistingGrant: async (ctx) => {
    const existing = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
});
provider.proxy = false;
const server = provider.listen(port, '127.0.0.1', () => console.log(`READY ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

// A real OpenID provider (npm oidc-provider) on loopback for the admin API tests.
// Usage: node provider.js PORT   (NODE_PATH must reach oidc-provider). Prints "READY <issuer>" when listening.
// Clients use the client_credentials grant; access tokens are JWTs whose audience is the requested resource.
const { default: Provider } = require('oidc-provider');

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const client = (id, scope) => ({
  client_id: id, client_secret: `${id}-secret`, grant_types: ['client_credentials'],
  redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_post', scope,
});

const provider = new Provider(issuer, {
  clients: [
    client('burrow-admin', 'burrow:admin'),
    client('acme-operator', 'burrow:tenant:acme'),
    client('no-role', 'profile'),
    client('short-lived', 'burrow:admin'),
  ],
  scopes: ['openid', 'profile', 'burrow:admin', 'burrow:tenant:acme'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'https://burrow.test/api',
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource, c) => ({
        scope: 'burrow:admin burrow:tenant:acme profile',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: c.clientId === 'short-lived' ? 1 : 300,
      }),
    },
  },
});
provider.proxy = false;
const server = provider.listen(port, '127.0.0.1', () => console.log(`READY ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

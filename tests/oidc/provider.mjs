// A real OpenID provider for the SSO tests (tests/identity/test_sso.py).
//
// It is panva/oidc-provider, an OpenID Certified implementation, configured
// from a JSON file and listening on 127.0.0.1 on a free port. Usage:
//
//     node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG.json: {"clients": [...oidc-provider client metadata, plus an optional
// "test_id_token" object, see below], "users_file": "users.json"}.
// users.json maps each user's subject to the claims the provider releases
// ({"alice": {"preferred_username": "alice", "groups": ["acme-agents"]}}).
// It is read again at every sign-in, so a test changes a user's groups at
// the identity provider by rewriting the file.
//
// Once listening it prints one line of JSON, {"issuer": "http://127.0.0.1:PORT"},
// and serves until it is killed.
//
// Sign-in page: GET /interaction/:uid shows a one-field form; POST it with
// "user" = a subject of users.json to sign in and consent at once.
//
// "test_id_token" on a client makes the provider hand that client an ID token
// a real attacker or a broken provider could produce, to prove the console
// refuses it. The provider first issues its real ID token, then:
//   {"tamper_signature": true}   flips bits in the signature;
//   {"claims": {"aud": "x"}}     re-signs it with the provider's own key after
//                                overwriting claims (a token for another
//                                client, an expired one: "exp_offset": -600
//                                sets exp that many seconds from now).

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const users = () => JSON.parse(readFileSync(config.users_file, 'utf8'));

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

const testBehaviour = new Map();
const clients = config.clients.map(({ test_id_token: behaviour, ...metadata }) => {
  if (behaviour) testBehaviour.set(metadata.client_id, behaviour);
  return metadata;
});

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // Groups and names go into the ID token, as Entra ID and Keycloak do.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    groups: ['groups'],
  },
  // Every client must use PKCE: a token request without the verifier fails.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const claims = users()[sub];
    if (!claims) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...claims }) };
  },
  ttl: { IdToken: 3600, AccessToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
});

async function alteredIdToken(idToken, behaviour) {
  if (behaviour.tamper_signature) {
    const [header, payload, signature] = idToken.split('.');
    const bytes = Buffer.from(signature, 'base64url');
    bytes[0] ^= 0xff;
    bytes[bytes.length - 1] ^= 0xff;
    return `${header}.${payload}.${bytes.toString('base64url')}`;
  }
  const claims = { ...decodeJwt(idToken), ...(behaviour.claims || {}) };
  if (behaviour.exp_offset !== undefined) {
    claims.exp = Math.floor(Date.now() / 1000) + behaviour.exp_offset;
    claims.iat = claims.exp - 3600;
  }
  return new SignJWT(claims)
    .setProtectedHeader(decodeProtectedHeader(idToken))
    .sign(privateKey);
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)$/);
  if (!match) {
    await next();
    const behaviour = testBehaviour.get(ctx.oidc?.client?.clientId);
    if (ctx.oidc?.route === 'token' && behaviour && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: await alteredIdToken(ctx.body.id_token, behaviour) };
    }
    return;
  }
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Test IdP</title><form method="post"><input name="user"><button>Sign in</button></form>`;
    return;
  }
  const body = new URLSearchParams(await new Promise((resolve) => {
    let data = '';
    ctx.req.on('data', (chunk) => { data += chunk; });
    ctx.req.on('end', () => resolve(data));
  }));
  const accountId = body.get('user');
  if (!users()[accountId]) {
    ctx.status = 400;
    ctx.body = 'unknown user';
    return;
  }
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, {
    login: { accountId },
    consent: { grantId },
  });
  ctx.redirect(returnTo);
});

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const OIDC_CLIENT = { id: 'phaseboard', secret: 'oidc-client-secret-0123456789abcdef' };

/**
 * A real OpenID Connect provider (the oidc-provider library, as Keycloak
 * would be) on loopback, with its development login and consent pages.
 * Anyone may log in with any password; `groups` decides what they are.
 */
export async function startOidcProvider(o: { redirectUri: string; groups: Record<string, string[]> }): Promise<{ issuer: string; close(): Promise<void> }> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT.id,
        client_secret: OIDC_CLIENT.secret,
        redirect_uris: [o.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'], groups: ['groups'] },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({
        sub,
        email: `${sub}@corp.example`,
        email_verified: true,
        name: `${sub} (corp)`,
        preferred_username: sub,
        groups: o.groups[sub] ?? [],
      }),
    }),
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['e2e-oidc-cookie-key-0123456789abcdef'] },
    pkce: { required: () => true },
  } as ConstructorParameters<typeof Provider>[1]);
  server.on('request', provider.callback());
  return {
    issuer,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

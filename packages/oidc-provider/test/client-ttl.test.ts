import { describe, it, expect } from '@jest/globals';
import { loadClients } from '@waymark/core';
import { DEFAULTS } from '@waymark/oidc-provider';
import { clientTtl } from '../src/clients/features.js';

/*
 * Refresh token rolling (PingOne's refresh token duration and rolling duration): each refresh
 * token lives `refresh_token_duration`, never past `refresh_token_rolling_duration` after the
 * sign-in its family descends from. The clock is injected.
 */

const [client] = loadClients([
  {
    client_id: 'agent',
    type: 'ai-agent',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['https://agent.example.com/cb'],
    allowed_flows: ['login'],
    refresh_token_duration: 3600,
    refresh_token_rolling_duration: 7200,
  },
]);
const signedInAt = 1_800_000_000;

type TtlFunction = (ctx: undefined, token: object, client: object) => number;
const call = (ttl: ReturnType<typeof clientTtl>, name: 'RefreshToken' | 'AccessToken' | 'IdToken', token: object) =>
  (ttl[name] as unknown as TtlFunction)(undefined, token, { clientId: 'agent' });

function refreshTtl(nowSeconds: number): number {
  return call(clientTtl({ ...DEFAULTS.ttl }, () => client, () => nowSeconds * 1000), 'RefreshToken', { authTime: signedInAt });
}

describe('refresh token rolling', () => {
  it('a fresh family gets the full duration', () => {
    expect(refreshTtl(signedInAt)).toBe(3600);
  });
  it('a rotation near the end of the rolling duration gets what is left of it', () => {
    expect(refreshTtl(signedInAt + 7200 - 600)).toBe(600);
  });
  it('past the rolling duration the token is born expired (one second, the least oidc-provider takes)', () => {
    expect(refreshTtl(signedInAt + 7200 + 10)).toBe(1);
  });
  it('access and ID token lifetimes come from the client', () => {
    const ttl = clientTtl({ ...DEFAULTS.ttl }, () => client, Date.now);
    expect(call(ttl, 'AccessToken', {})).toBe(300);
    expect(call(ttl, 'AccessToken', { resourceServer: { accessTokenTTL: 60 } })).toBe(60);
    expect(call(ttl, 'IdToken', {})).toBe(3600);
  });
});

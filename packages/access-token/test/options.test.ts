import { describe, it, expect } from '@jest/globals';
import { AccessTokenConfigError, createAccessTokenValidator, type AccessTokenValidatorOptions } from '@waymark/access-token';
import { AUDIENCE, ISSUER } from './support.js';

function problemsOf(options: unknown): { pointer: string; message: string }[] {
  try {
    createAccessTokenValidator(options as AccessTokenValidatorOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(AccessTokenConfigError);
    expect((error as AccessTokenConfigError).code).toBe('ERR_CONFIG_INVALID');
    const problems = (error as AccessTokenConfigError).problems;
    expect((error as AccessTokenConfigError).details.key).toBe(problems[0]?.pointer);
    return problems.map(({ pointer, message }) => ({ pointer, message }));
  }
  throw new Error('expected ERR_CONFIG_INVALID');
}

const jwksUri = 'https://as.example/jwks';

describe('createAccessTokenValidator options (start-up)', () => {
  it('accepts a JWT validator with defaults and an introspection validator without audience', () => {
    expect(createAccessTokenValidator({ issuer: ISSUER, audience: AUDIENCE, jwksUri }).mode).toBe('jwt');
    expect(createAccessTokenValidator({ issuer: ISSUER, introspection: { endpoint: 'https://as.example/introspect', clientId: 'rs', clientSecret: 's' } }).mode).toBe('introspection');
  });

  it('names every problem at once, each with its pointer and fix', () => {
    const problems = problemsOf({ jwksUri, algorithms: ['HS256', 'none', 'RS256', 'ES256K'], clockToleranceSeconds: -1, types: [] });
    expect(problems.map((p) => p.pointer)).toEqual(['/issuer', '/audience', '/algorithms/0', '/algorithms/1', '/algorithms/3', '/types', '/clockToleranceSeconds']);
    expect(problems.find((p) => p.pointer === '/algorithms/0')?.message).toMatch(/"HS256" is refused \(HMAC needs a shared secret.*algorithm-confusion/);
    expect(problems.find((p) => p.pointer === '/algorithms/1')?.message).toMatch(/"none" is refused \(unsigned tokens are never accepted\)/);
    expect(problems.find((p) => p.pointer === '/clockToleranceSeconds')?.message).toBe('must be an integer from 0 to 300 (default 30)');
  });

  it('wants exactly one key source', () => {
    expect(problemsOf({ issuer: ISSUER, audience: AUDIENCE })).toEqual([{ pointer: '', message: expect.stringContaining('give exactly one of "jwksUri" or "jwks"') }]);
    expect(problemsOf({ issuer: ISSUER, audience: AUDIENCE, jwksUri, introspection: { endpoint: 'https://as.example/i', clientId: 'rs', clientSecret: 's' } })).toEqual([
      { pointer: '', message: expect.stringContaining('got jwksUri, introspection') },
    ]);
    expect(problemsOf({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] } })).toEqual([{ pointer: '/jwks', message: expect.stringContaining('at least one key') }]);
    expect(problemsOf({ issuer: ISSUER, audience: AUDIENCE, jwksUri: 'ftp://as.example/jwks' })).toEqual([{ pointer: '/jwksUri', message: expect.stringContaining('http(s) URL') }]);
  });

  it('checks the introspection client, the clock and the fetch', () => {
    const problems = problemsOf({ issuer: ISSUER, introspection: { endpoint: 'https://as.example/i', clientId: '', authMethod: 'private_key_jwt' }, clock: {}, fetch: 'no' });
    expect(problems.map((p) => p.pointer)).toEqual(['/introspection/clientId', '/introspection/authMethod', '/clock', '/fetch']);
    expect(problemsOf(null)).toEqual([{ pointer: '', message: expect.stringContaining('pass an object') }]);
  });

  it('reports one problem on one line', () => {
    expect(() => createAccessTokenValidator({ issuer: ISSUER, audience: AUDIENCE, jwksUri, maxAgeSeconds: 0 })).toThrow('access-token validator options: /maxAgeSeconds: must be an integer from 1 to 315360000 (or left out)');
  });
});

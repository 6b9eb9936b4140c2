import { describe, expect, it } from '@jest/globals';
import { compileConfigSchema, ConfigInvalidError } from '@waymark/core';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['port'],
  properties: {
    port: { type: 'integer', minimum: 1, maximum: 65535, description: 'the TCP port' },
    host: { type: 'string', default: '127.0.0.1' },
  },
};

describe('compileConfigSchema', () => {
  const config = compileConfigSchema<{ port: number; host: string }>(schema, 'serve config');

  it('returns the value with defaults filled in when it is valid', () => {
    expect(config.assert({ port: 3000 })).toEqual({ port: 3000, host: '127.0.0.1' });
  });

  it('names every problem with its pointer and the fix, in one ERR_CONFIG_INVALID', () => {
    let caught: unknown;
    try {
      config.assert({ prot: 3000 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigInvalidError);
    const error = caught as ConfigInvalidError;
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.problems.map((p) => p.pointer).sort()).toEqual(['/port', '/prot']);
    expect(error.message).toContain('serve config');
    expect(error.message).toContain('"port" is missing: add it. Expected: the TCP port');
    expect(error.message).toMatch(/unknown key "prot".*Did you mean "port"/);
  });

  it('reports a single problem on one line with its pointer as details.key', () => {
    expect(() => config.assert({ port: 'x' })).toThrow('serve config: /port: "x" must be an integer. Expected: the TCP port');
    expect(config.problems({ port: 0 }, '/serve')[0]).toMatchObject({ code: 'ERR_CONFIG_INVALID', pointer: '/serve/port' });
  });

  it('never echoes a value whose schema is writeOnly (a secret), and still names its pointer and the fix', () => {
    const secrets = compileConfigSchema<{ keys: string[] }>(
      {
        type: 'object',
        properties: {
          keys: {
            type: 'array',
            items: { type: 'string', minLength: 8, pattern: '^[a-z]+$', writeOnly: true, description: 'a sealing key' },
          },
        },
      },
      'secrets',
    );
    const problems = secrets.problems({ keys: ['Hunter2', 12345] });
    expect(problems.map((p) => p.pointer).sort()).toEqual(['/keys/0', '/keys/0', '/keys/1']);
    for (const problem of problems) {
      expect(problem.message).not.toMatch(/Hunter2|12345/);
      expect(problem.message).toContain('not shown');
      expect(problem.message).toContain('Expected: a sealing key');
    }
  });

  it('reports the problem inside then/else once, not the outer "if", and names a union of types in words', () => {
    const either = compileConfigSchema<unknown>(
      {
        type: ['string', 'object'],
        description: 'a URL or { url }',
        if: { type: 'string' },
        then: { pattern: '^https://', description: 'an https URL' },
        else: { required: ['url'], properties: { url: { type: 'string', description: 'the URL' } } },
      },
      'endpoint',
    );
    expect(either.problems('http://x').map((p) => p.message)).toEqual(['"http://x" does not match ^https://. Expected: an https URL']);
    expect(either.problems({}).map((p) => p.message)).toEqual(['"url" is missing: add it. Expected: the URL']);
    expect(either.problems(7).map((p) => p.message)).toEqual(['7 must be a string or an object. Expected: a URL or { url }']);
  });
});

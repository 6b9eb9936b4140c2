import { describe, expect, it } from '@jest/globals';
import { compileConfigSchema } from '@waymark/core';
import { evaluateRequestSchema, parseEvaluateRequest } from '@waymark/policy';

// The schema the API reference publishes and the parser the endpoint runs give the same answer.
const bodies: unknown[] = [
  { resources: ['https://api.example.com:443/pay'], subject: { ssoToken: 's1' } },
  { resources: ['https://api.example.com/pay'], application: 'set', subject: { jwt: 'a.b.c' }, environment: { TxId: ['t1'] } },
  { resources: ['http://api.example.com/'], subject: { ssoToken: 's1' }, environment: {} },
  { resources: [], subject: { ssoToken: 's1' } },
  { resources: ['https://api.example.com/pay'] },
  { resources: ['https://api.example.com/pay'], subject: { ssoToken: 's1', jwt: 'x' } },
  { resources: ['https://api.example.com/pay'], subject: { ssoToken: '' } },
  { resources: ['https://api.example.com/pay'], subject: { other: 'x' } },
  { resources: ['https://api.example.com/pay'], subject: { ssoToken: 's' }, extra: 1 },
  { resources: ['ftp://api.example.com/pay'], subject: { ssoToken: 's' } },
  { resources: ['https://api.example.com/pay'], subject: { ssoToken: 's' }, application: '' },
  { resources: ['https://api.example.com/pay'], subject: { ssoToken: 's' }, environment: { TxId: ['a', 'b', 'c', 'd', 'e'] } },
  { resources: ['https://api.example.com/pay'], subject: { ssoToken: 's' }, environment: { TxId: [''] } },
  { resources: Array.from({ length: 51 }, () => 'https://api.example.com/pay'), subject: { ssoToken: 's' } },
  [],
  'text',
];

describe('evaluateRequestSchema', () => {
  const schema = compileConfigSchema(evaluateRequestSchema, 'evaluate body');
  it.each(bodies.map((b) => [JSON.stringify(b).slice(0, 80), b]))('agrees with parseEvaluateRequest: %s', (_name, body) => {
    let parsed = true;
    try {
      parseEvaluateRequest(body);
    } catch {
      parsed = false;
    }
    expect(schema.problems(body).length === 0).toBe(parsed);
  });
});

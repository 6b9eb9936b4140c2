import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { prefersJson } from '@waymark/http';

// A real express app: prefersJson runs on express's own Accept negotiation (req.accepts).
const app = express();
app.get('/', (req, res) => {
  res.send(prefersJson(req) ? 'json' : 'html');
});

const negotiated = async (accept?: string): Promise<string> => {
  const req = request(app).get('/');
  return (await (accept === undefined ? req : req.set('accept', accept))).text;
};

describe('prefersJson', () => {
  it('answers a page without an Accept header, for */* and when HTML comes first or weighs more', async () => {
    expect(await negotiated()).toBe('html');
    expect(await negotiated('*/*')).toBe('html');
    expect(await negotiated('text/html, application/json')).toBe('html');
    expect(await negotiated('application/json;q=0.5, text/html')).toBe('html');
    expect(await negotiated('image/png')).toBe('html');
  });

  it('answers JSON when the caller prefers it', async () => {
    expect(await negotiated('application/json')).toBe('json');
    expect(await negotiated('application/json, text/html')).toBe('json');
    expect(await negotiated('text/html;q=0.5, application/json')).toBe('json');
    expect(await negotiated('application/*')).toBe('json');
  });
});

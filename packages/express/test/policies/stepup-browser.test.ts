import type { AddressInfo, Server } from 'node:net';
import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import { generateTotp } from '@waymark/nodes';
import { requireTransaction } from '@waymark/express';
import { PAYMENT, policyTestApp, TOTP_SECRETS } from './support.js';
import { launchChromium } from '../../../../test/support/chromium.js';

describe('transactional step-up in a headless browser', () => {
  it('the user opens the step-up page, types the TOTP code, and the protected payment passes exactly once', async () => {
    const t = await policyTestApp({
      configure: (app, pdp) => {
        app.post('/makepayment', requireTransaction({ pdp, resource: () => PAYMENT, subject: (req) => req.get('x-session-id') }), (_req, res) => void res.json({ paid: true }));
        // Stands in for the sign-in journey's session.create: the same cookie, set by a response.
        app.get('/test-sign-in', (req, res) => {
          res.setHeader('Set-Cookie', `__Host-waymark-session=${String(req.query.sid)}; Path=/; Secure; HttpOnly; SameSite=Lax`);
          res.type('text').send('signed in');
        });
      },
    });
    const alice = await t.session('user-alice');
    const challenge = await request(t.app).post('/makepayment').set('x-session-id', alice);
    expect(challenge.status).toBe(401);
    const txId = challenge.body.txId as string;

    const server: Server = t.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const browser = await launchChromium();
    try {
      const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
      const context = await browser.newContext();
      const page = await context.newPage();
      // localhost is a secure context for Chromium, so the __Host- cookie sticks over http.
      await page.goto(`${origin}/test-sign-in?sid=${alice}`);
      expect((await context.cookies(origin)).map((c) => c.name)).toContain('__Host-waymark-session');
      const opened = await page.goto(`${origin}/policies/transactions/${txId}/stepup`);
      expect(opened?.status()).toBe(200);
      expect(await page.textContent('h1')).toBe('Approve this transaction');
      const code = await generateTotp({ secret: TOTP_SECRETS['user-alice']!, epoch: Math.floor(t.clock.now() / 1000) });
      await page.getByLabel('Enter the code from your authenticator app to approve this transaction').fill(code);
      await Promise.all([page.waitForURL(`${origin}/policies/transactions/${txId}/stepup`, { waitUntil: 'load' }), page.getByRole('button', { name: 'Approve' }).click()]);
      expect(await page.textContent('[role="status"]')).toMatch(/Transaction approved/);
      expect((await t.stores.transactions.get(txId))?.status).toBe('authenticated');
    } finally {
      await browser.close();
      server.close();
    }

    const paid = await request(t.app).post('/makepayment').set('x-session-id', alice).set('X-Transaction-Id', txId);
    expect(paid.status).toBe(200);
    const replay = await request(t.app).post('/makepayment').set('x-session-id', alice).set('X-Transaction-Id', txId);
    expect(replay.status).toBe(401);
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { JourneyResult } from '@waymark/core';
import { ERROR_ANSWERS, parseCookieHeader } from '@waymark/http';
import type { Callback, Transaction } from '@waymark/sdk';
import { params } from '../../lib/locals.js';
import { completeStepUp, PolicyError } from '@waymark/policy';
import { requestInfo } from '../../lib/request-info.js';
import { assertJourneyOf } from './stepup-json.js';
import { auditStepUp, startStepUp, transactionForSession, type StepUpDeps } from './transaction-step-up.js';

/*
 * The browser step-up: a minimal, accessible HTML form of the journey's callbacks (the
 * adapter's own journey pages may replace it once they expose a renderer). No script; the CSP
 * of the router allows same-origin form posts only. CSRF: the session cookie is SameSite=Lax,
 * so a cross-site POST arrives without it; and every form carries an HMAC of the journey id
 * and the session id, which a page of another origin cannot compute.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function page(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body><main>
<h1>${esc(title)}</h1>
${main}
</main></body>
</html>`;
}

function send(res: Response, status: number, html: string): void {
  res.status(status).setHeader('Cache-Control', 'no-store').type('html').send(html);
}

function output(cb: Callback, name: string): string {
  return String(cb.output.find((f) => f.name === name)?.value ?? '');
}

/** One callback as form controls. Inputs the page does not know are still rendered as text. */
function control(cb: Callback, i: number): string {
  if (cb.type === 'TextOutputCallback') {
    const error = output(cb, 'messageType') === '2';
    return `<p${error ? ' role="alert" class="error"' : ' role="status"'}>${esc(output(cb, 'message'))}</p>`;
  }
  return cb.input
    .map((field, j) => {
      const id = esc(field.name);
      const label = esc(output(cb, 'prompt') || field.name);
      const otp = cb.type === 'TextInputCallback';
      const type = cb.type === 'PasswordCallback' ? 'password' : 'text';
      const extra = otp ? ' inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*"' : '';
      return `<p><label for="${id}">${label}</label><br><input id="${id}" name="${id}" type="${type}" required${extra}${i === 0 && j === 0 ? ' autofocus' : ''}></p>`;
    })
    .join('\n');
}

export interface StepUpPageOptions {
  cookie: string;
  /** HMAC key of the CSRF tokens: the router's `csrfKey` (every process of a deployment shares it). */
  csrfKey: Buffer;
}

export function stepUpPages(deps: StepUpDeps, options: StepUpPageOptions): { show: RequestHandler; submit: RequestHandler; errors: (err: unknown, res: Response) => boolean } {
  const key = options.csrfKey;
  // Its own label: the authorize pages' tokens use the same key and must not pass here.
  const csrf = (journeyId: string, sessionId: string) => createHmac('sha256', key).update(`waymark-stepup-csrf\0${journeyId}\0${sessionId}`).digest('base64url');

  function render(res: Response, tx: Transaction, sessionId: string, result: Extract<JourneyResult, { status: 'suspended' }>): void {
    const hidden = [
      `<input type="hidden" name="journeyId" value="${esc(result.journeyId)}">`,
      `<input type="hidden" name="csrf" value="${esc(csrf(result.journeyId, sessionId))}">`,
      ...result.callbacks.map((cb, i) => `<input type="hidden" name="cb${i}" value="${esc(cb.type)}:${esc(cb.input.map((f) => f.name).join(','))}">`),
    ];
    send(
      res,
      200,
      page(
        'Approve this transaction',
        `<p>Approve <strong>${esc(tx.action)}</strong> on <code>${esc(tx.resource)}</code>.</p>
<form method="post" novalidate>
${result.callbacks.map(control).join('\n')}
${hidden.join('\n')}
<p><button type="submit">Approve</button></p>
</form>`,
      ),
    );
  }

  function done(res: Response): void {
    send(res, 200, page('Transaction approved', '<p role="status">Transaction approved. Return to the application: it can now complete this one request.</p>'));
  }

  async function finish(res: Response, tx: Transaction, sessionId: string, result: JourneyResult): Promise<void> {
    if (result.status === 'suspended') return render(res, tx, sessionId, result);
    const authenticated = await completeStepUp(deps.pdp, tx.id, result);
    auditStepUp(deps, res, tx.id, result, authenticated);
    if (authenticated) return done(res);
    throw new PolicyError('ERR_STEPUP_FAILED', 'the step-up did not approve this transaction; retry the request for a new one');
  }

  return {
    /** `GET /policies/transactions/:txId/stepup` — the user's own session starts the step-up. */
    show: async function showStepUp(req, res) {
      const sessionId = parseCookieHeader(req.headers.cookie)[options.cookie];
      const tx = await transactionForSession(deps, String(req.params.txId), sessionId);
      await finish(res, tx, sessionId as string, await startStepUp(deps, tx, requestInfo(req, res)));
    },
    /** `POST /policies/transactions/:txId/stepup` (form) — answers the step. */
    submit: async function submitStepUp(req, res) {
      const sessionId = parseCookieHeader(req.headers.cookie)[options.cookie];
      const tx = await transactionForSession(deps, String(req.params.txId), sessionId);
      const form = params(res);
      const journeyId = form.journeyId ?? '';
      const expected = Buffer.from(csrf(journeyId, sessionId as string));
      const given = Buffer.from(form.csrf ?? '');
      if (journeyId === '' || given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new PolicyError('ERR_TRANSACTION_FORBIDDEN', 'the form is stale or was not served to this session; open the step-up page again');
      await assertJourneyOf(deps, journeyId, tx.id);
      const callbacks: Callback[] = [];
      for (let i = 0; form[`cb${i}`] !== undefined && i < 20; i++) {
        const [type = '', names = ''] = (form[`cb${i}`] as string).split(':');
        callbacks.push({ type: type as Callback['type'], output: [], input: names === '' ? [] : names.split(',').map((name) => ({ name, value: form[name] ?? '' })) });
      }
      await finish(res, tx, sessionId as string, await deps.engine.resume(journeyId, { callbacks, request: requestInfo(req, res) }));
    },
    /** Renders policy errors as pages for the browser routes; false for errors it leaves to the router. */
    errors(err, res) {
      const answer = err instanceof PolicyError ? ERROR_ANSWERS[err.code] : undefined;
      if (!answer || res.headersSent) return false;
      send(res, answer.status, page('Transaction not approved', `<p role="alert">${esc((err as PolicyError).message)}</p>`));
      return true;
    },
  };
}

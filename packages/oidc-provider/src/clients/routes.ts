import { Router } from 'express';
import type { StoreClients } from './store-clients.js';

/**
 * What Waymark serves of a client of the client store, under `<issuer>/clients/<client_id>`:
 *
 * - `GET …/logo` — its logo (PingOne's icon), the `logo_uri` of its metadata; 404 when it has none.
 * - `GET …/login` — a third-party initiated login (OIDC Core §4): Waymark, as the initiator,
 *   sends the browser to the client's `initiate_login_uri` with `iss` and its `target_link_uri`
 *   (and `login_hint` when given); 404 when the client registered no initiate_login_uri.
 *
 * A disabled or unknown client gets 404 (`invalid_client`) from both, at once.
 */
export function clientRoutes(deps: { clients: StoreClients; issuer: string }): Router {
  const router = Router();
  router.get('/:clientId/logo', async (req, res, next) => {
    try {
      const client = await deps.clients.find(req.params.clientId);
      if (!client?.logo) {
        res.status(404).json({ error: 'invalid_client', error_description: 'no such client, or it has no logo' });
        return;
      }
      res.setHeader('Content-Type', client.logo.contentType);
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'");
      res.status(200).end(Buffer.from(client.logo.bytes));
    } catch (error) {
      next(error);
    }
  });
  router.get('/:clientId/login', async (req, res, next) => {
    try {
      const client = await deps.clients.find(req.params.clientId);
      if (!client?.initiateLoginUri) {
        res.status(404).json({ error: 'invalid_client', error_description: 'no such client, or it registered no initiate_login_uri' });
        return;
      }
      // OIDC Core §4: iss (required), login_hint and target_link_uri (optional).
      const target = new URL(client.initiateLoginUri);
      target.searchParams.set('iss', deps.issuer);
      if (client.targetLinkUri !== undefined) target.searchParams.set('target_link_uri', client.targetLinkUri);
      if (typeof req.query.login_hint === 'string') target.searchParams.set('login_hint', req.query.login_hint);
      res.redirect(303, target.href);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

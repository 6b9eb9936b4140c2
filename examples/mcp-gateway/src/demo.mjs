import { approver, runAgent } from './agent.mjs';
import { BANK_API_KEY, startBankServer } from './bank-server.mjs';
import { AGENT_CLIENT, USER, startWaymark } from './waymark.mjs';

/** Starts everything, runs the agent, stops everything; returns the agent's outcome and the bank's violations. */
export async function runDemo({ print }) {
  const bank = await startBankServer();
  const waymark = await startWaymark({ bankUrl: bank.url, apiKey: BANK_API_KEY });
  try {
    print(`Waymark on ${waymark.issuer} (provider ${waymark.oidcIssuer}, gateway route ${waymark.resource}); bank MCP server on ${bank.url}`);
    const outcome = await runAgent({
      mcpUrl: waymark.resource,
      clientId: AGENT_CLIENT.client_id,
      redirectUri: AGENT_CLIENT.redirect_uri,
      user: USER,
      print,
      approve: approver({ issuer: waymark.issuer, totpSecret: USER.totpSecret }),
    });
    print(`The bank saw ${bank.violations.length} request(s) with the agent's token or without the gateway's key.`);
    return { ...outcome, violations: bank.violations.length };
  } finally {
    await waymark.close();
    await bank.close();
  }
}

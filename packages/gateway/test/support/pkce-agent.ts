import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/*
 * An agent that signs in with authorization code + PKCE (the SDK's interactive flow, which
 * honours the scopes a 401 or 403 challenge names). The "browser" follows the authorization
 * URL without a person: the test authorization server consents at once.
 */
export class PkceAgentProvider implements OAuthClientProvider {
  private saved: OAuthTokens | undefined;
  private verifier = '';
  /** The code of the last sign-in, for `finishAuth`. */
  code: string | undefined;
  readonly redirectUrl = 'http://127.0.0.1:1/callback';
  constructor(private readonly clientId: string) {}
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'test agent',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation(): OAuthClientInformationMixed {
    return { client_id: this.clientId };
  }
  tokens(): OAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }
  async redirectToAuthorization(url: URL): Promise<void> {
    const res = await fetch(url, { redirect: 'manual' });
    this.code = new URL(res.headers.get('location') ?? 'http://x/').searchParams.get('code') ?? undefined;
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
}

/** Runs `call`; when the SDK sent the agent to sign in (a 401, or a 403 step-up), finishes the sign-in and runs it once more. */
export async function withSignIn<T>(
  transport: StreamableHTTPClientTransport,
  provider: PkceAgentProvider,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || provider.code === undefined) throw error;
    await transport.finishAuth(provider.code);
    provider.code = undefined;
    return call();
  }
}

/** Connects a PKCE agent to an MCP URL, signing in on the way. */
export async function connectPkceAgent(
  url: URL,
  clientId: string,
): Promise<{ client: Client; provider: PkceAgentProvider; transport: StreamableHTTPClientTransport }> {
  const provider = new PkceAgentProvider(clientId);
  let transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
  const client = new Client({ name: 'pkce-agent', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || provider.code === undefined) throw error;
    await transport.finishAuth(provider.code);
    provider.code = undefined;
    transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await client.connect(transport);
  }
  return { client, provider, transport };
}

import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { main, resolveServerConfig } from '@waymark/cli';

const root = new URL('../../../', import.meta.url).pathname;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, cwd: root, env: {} },
  };
}

describe('waymark mcp', () => {
  it('prints its usage with --help and is listed by waymark --help', async () => {
    const help = capture();
    expect(await main(['mcp', '--help'], help.io)).toBe(0);
    expect(help.out.join('')).toMatch(/^Usage: waymark mcp --url <server>/);
    expect(help.out.join('')).toContain('WAYMARK_ADMIN_TOKEN_FILE');
    const all = capture();
    await main(['--help'], all.io);
    expect(all.out.join('')).toMatch(/\n {2}mcp {2,}serve Waymark's MCP tools over stdio/);
  });

  it('names what is missing (exit 2): the server URL, then the token', async () => {
    const noUrl = capture();
    expect(await main(['mcp'], noUrl.io)).toBe(2);
    expect(noUrl.err.join('')).toContain('ERR_MCP_OPTIONS: --url: give the Waymark server');
    const noToken = capture();
    expect(await main(['mcp', '--url', 'http://localhost:3000'], noToken.io)).toBe(2);
    expect(noToken.err.join('')).toContain('WAYMARK_ADMIN_TOKEN: set it to an admin access token');
  });
});

describe('waymark serve: admin.mcp', () => {
  it('is checked with the rest of the config, naming the key', () => {
    const bad = (mcp: unknown) => {
      try {
        resolveServerConfig(
          {
            issuer: 'http://localhost:3000',
            flows: [join(root, 'flows/login.json')],
            admin: { issuers: [{ issuer: 'https://as.example' }], mcp },
          },
          root,
          {},
        );
      } catch (error) {
        return (error as { message: string }).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ allowWrites: 'yes' })).toMatch(/\/admin\/mcp\/allowWrites/);
    expect(bad({ colour: 1 })).toMatch(/\/admin\/mcp/);
  });
});

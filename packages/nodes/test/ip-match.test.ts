import { describe, it, expect } from '@jest/globals';
import { ipMatch } from '@waymark/nodes';
import { runNode } from '@waymark/testing';

const par = (ip: string, params: Record<string, string> = {}) => ({ clientId: 'session-transfer', ip, params });

describe('ip.match', () => {
  it('matches when the browser IP equals the PAR IP', async () => {
    const r = await runNode(ipMatch, { par: par('203.0.113.7'), request: { ip: '203.0.113.7' } });
    expect(r.outcome).toBe('match');
  });

  it('matches an IPv4-mapped IPv6 socket address with its IPv4 form', async () => {
    const r = await runNode(ipMatch, { par: par('::ffff:203.0.113.7'), request: { ip: '203.0.113.7' } });
    expect(r.outcome).toBe('match');
  });

  it('compares IPv6 canonically (compressed vs expanded, case)', async () => {
    const r = await runNode(ipMatch, { par: par('2001:DB8:0:0:0:0:0:1'), request: { ip: '2001:db8::1' } });
    expect(r.outcome).toBe('match');
  });

  it('rejects a different IP (exact by default: same /24 is not enough)', async () => {
    const r = await runNode(ipMatch, { par: par('203.0.113.7'), request: { ip: '203.0.113.8' } });
    expect(r).toMatchObject({ outcome: 'mismatch', reason: 'different' });
  });

  it('tolerates the configured IPv4 prefix but not beyond it', async () => {
    const near = await runNode(ipMatch, { config: { ipv4Prefix: 24 }, par: par('203.0.113.7'), request: { ip: '203.0.113.200' } });
    expect(near.outcome).toBe('match');
    const far = await runNode(ipMatch, { config: { ipv4Prefix: 24 }, par: par('203.0.113.7'), request: { ip: '203.0.114.7' } });
    expect(far).toMatchObject({ outcome: 'mismatch', reason: 'different' });
  });

  it('tolerates the configured IPv6 prefix (privacy addresses in one /64)', async () => {
    const near = await runNode(ipMatch, { config: { ipv6Prefix: 64 }, par: par('2001:db8:1:2::aaaa'), request: { ip: '2001:db8:1:2::bbbb' } });
    expect(near.outcome).toBe('match');
    const far = await runNode(ipMatch, { config: { ipv6Prefix: 64 }, par: par('2001:db8:1:2::aaaa'), request: { ip: '2001:db8:1:3::aaaa' } });
    expect(far).toMatchObject({ outcome: 'mismatch', reason: 'different' });
  });

  it('never matches an IPv4 address with an unrelated IPv6 one', async () => {
    const r = await runNode(ipMatch, { par: par('203.0.113.7'), request: { ip: '2001:db8::cb00:7107' } });
    expect(r).toMatchObject({ outcome: 'mismatch', reason: 'different' });
  });

  it('is a mismatch (missing) without a pushed request', async () => {
    const r = await runNode(ipMatch, { request: { ip: '203.0.113.7' } });
    expect(r).toMatchObject({ outcome: 'mismatch', reason: 'missing' });
  });

  it('is a mismatch (not_an_ip) for garbage, zone ids and octal-looking addresses', async () => {
    for (const bad of ['not-an-ip', 'fe80::1%eth0', '010.0.0.1', '1.2.3.4:80']) {
      const r = await runNode(ipMatch, { par: par(bad), request: { ip: '10.0.0.1' } });
      expect(r).toMatchObject({ outcome: 'mismatch', reason: 'not_an_ip' });
    }
  });

  it('requires a pushed ip parameter to agree with the browser IP', async () => {
    const ok = await runNode(ipMatch, { par: par('203.0.113.7', { ip: '::ffff:203.0.113.7' }), request: { ip: '203.0.113.7' } });
    expect(ok.outcome).toBe('match');
    const bad = await runNode(ipMatch, { par: par('203.0.113.7', { ip: '198.51.100.1' }), request: { ip: '203.0.113.7' } });
    expect(bad).toMatchObject({ outcome: 'mismatch', reason: 'pushed_ip_disagrees' });
  });

  it('reads the pushed ip from the configured parameter name', async () => {
    const r = await runNode(ipMatch, {
      config: { pushedIpParam: 'device_ip' },
      par: par('203.0.113.7', { device_ip: '198.51.100.1', ip: '203.0.113.7' }),
      request: { ip: '203.0.113.7' },
    });
    expect(r).toMatchObject({ outcome: 'mismatch', reason: 'pushed_ip_disagrees' });
  });

  it('ignores a front-channel ip parameter (only pushed parameters count)', async () => {
    const r = await runNode(ipMatch, { par: par('203.0.113.7'), params: { ip: '198.51.100.1' }, request: { ip: '203.0.113.7' } });
    expect(r.outcome).toBe('match');
  });

  it('refuses a prefix so short it would match a whole continent', async () => {
    await expect(runNode(ipMatch, { config: { ipv4Prefix: 8 }, par: par('10.0.0.1'), request: { ip: '10.9.9.9' } })).rejects.toThrow(/ipv4Prefix/);
  });

  it('logs why a match failed (family mismatch, agreeing bits, the missing side), never an address', async () => {
    const logOf = async (options: Parameters<typeof runNode>[1]) => {
      const r = await runNode(ipMatch, options);
      expect(r.outcome).toBe('mismatch');
      expect(JSON.stringify(r.logs)).not.toMatch(/203\.0\.113|198\.51|2001:db8/);
      return r.logs;
    };
    expect(await logOf({ par: par('203.0.113.7'), request: { ip: '2001:db8::1' } })).toEqual([
      { level: 'info', message: 'ip.match: mismatch', fields: { reason: 'different', detail: 'family_mismatch', families: 'IPv4/IPv6' } },
    ]);
    expect(await logOf({ config: { ipv4Prefix: 24 }, par: par('203.0.113.7'), request: { ip: '203.0.114.7' } })).toEqual([
      { level: 'info', message: 'ip.match: mismatch', fields: { reason: 'different', detail: 'prefix_mismatch', family: 'IPv4', agreeingBits: 22, requiredBits: 24 } },
    ]);
    expect(await logOf({ config: { ipv6Prefix: 64 }, par: par('2001:db8:1:2::1'), request: { ip: '2001:db8:1:3::1' } })).toEqual([
      { level: 'info', message: 'ip.match: mismatch', fields: { reason: 'different', detail: 'prefix_mismatch', family: 'IPv6', agreeingBits: 63, requiredBits: 64 } },
    ]);
    expect(await logOf({ par: par('203.0.113.7', { ip: '198.51.100.1' }), request: { ip: '203.0.113.7' } })).toEqual([
      { level: 'info', message: 'ip.match: mismatch', fields: { reason: 'pushed_ip_disagrees', detail: 'prefix_mismatch', family: 'IPv4', agreeingBits: 4, requiredBits: 32 } },
    ]);
    expect((await logOf({ request: { ip: '203.0.113.7' } }))[0]?.fields).toEqual({ reason: 'missing', missing: 'pushed_request' });
    expect((await logOf({ par: par(''), request: { ip: '203.0.113.7' } }))[0]?.fields).toEqual({ reason: 'missing', missing: 'pushed_request_ip' });
    expect((await logOf({ par: par('not-an-ip'), request: { ip: '203.0.113.7' } }))[0]?.fields).toEqual({ reason: 'not_an_ip', side: 'pushed_request' });
    expect((await logOf({ par: par('203.0.113.7', { ip: 'x' }), request: { ip: '203.0.113.7' } }))[0]?.fields).toEqual({ reason: 'not_an_ip', side: 'pushed_ip_param' });
    // A match logs nothing.
    expect((await runNode(ipMatch, { par: par('203.0.113.7'), request: { ip: '203.0.113.7' } })).logs).toEqual([]);
  });
});

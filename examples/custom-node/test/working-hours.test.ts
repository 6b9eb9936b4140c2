import { describe, expect, it } from '@jest/globals';
import { runNode, testClock, testNodeConfigs } from '@waymark/testing';
import { workingHours } from '../src/index.js';

/** Runs the node at an instant (ISO, UTC) with a config. */
async function at(iso: string, config: Record<string, unknown> = {}) {
  const clock = testClock(Date.parse(iso));
  return runNode(workingHours, { clock, config });
}

const paris = { timezone: 'Europe/Paris' };

describe('acme.working-hours', () => {
  // 2026-01-05 is a Monday; Paris is UTC+1 in January, UTC+2 in July.
  it('answers open inside the local hours of a working day', async () => {
    expect((await at('2026-01-05T09:00:00Z', paris)).outcome).toBe('open'); // 10:00 Paris
    expect((await at('2026-01-05T08:00:00Z', paris)).outcome).toBe('open'); // 09:00 Paris: opening minute included
  });

  it('answers closed with reason hours before opening and from the closing minute on', async () => {
    expect(await at('2026-01-05T07:59:00Z', paris)).toMatchObject({ outcome: 'closed', reason: 'hours' }); // 08:59
    expect(await at('2026-01-05T16:00:00Z', paris)).toMatchObject({ outcome: 'closed', reason: 'hours' }); // 17:00: closing excluded
  });

  it('answers closed with reason day on a day off', async () => {
    expect(await at('2026-01-10T10:00:00Z', paris)).toMatchObject({ outcome: 'closed', reason: 'day' }); // Saturday
  });

  it('judges hours in the configured time zone, daylight saving included', async () => {
    expect((await at('2026-01-05T08:30:00Z', paris)).outcome).toBe('open'); // 09:30 Paris
    expect((await at('2026-01-05T08:30:00Z')).outcome).toBe('closed'); // 08:30 UTC, the default zone
    expect((await at('2026-07-06T07:30:00Z', paris)).outcome).toBe('open'); // 09:30 Paris summer time
    expect((await at('2026-01-10T02:00:00Z', { timezone: 'Pacific/Honolulu' })).outcome).toBe('open'); // Saturday in UTC, Friday 16:00 in Honolulu
  });

  it('keeps a window past midnight on the day it opened', async () => {
    const night = { opens: '22:00', closes: '06:00', days: ['fri'] };
    expect((await at('2026-01-09T23:00:00Z', night)).outcome).toBe('open'); // Fri 23:00
    expect((await at('2026-01-10T03:00:00Z', night)).outcome).toBe('open'); // Sat 03:00, Friday's night
    expect(await at('2026-01-10T23:00:00Z', night)).toMatchObject({ outcome: 'closed', reason: 'day' }); // Sat 23:00
    expect(await at('2026-01-09T12:00:00Z', night)).toMatchObject({ outcome: 'closed', reason: 'hours' }); // Fri noon
  });

  it('ends in the error outcome for a time zone Intl does not know', async () => {
    const r = await at('2026-01-05T09:00:00Z', { timezone: 'Mars/Olympus_Mons' });
    expect(r.outcome).toBe('error');
    expect(r.error).toBeInstanceOf(RangeError);
  });
});

testNodeConfigs(
  workingHours,
  {
    valid: [
      {},
      { timezone: 'America/Argentina/Buenos_Aires', days: ['sat', 'sun'], opens: '00:00', closes: '23:59' },
      { opens: '22:00', closes: '06:00' },
    ],
    invalid: [
      { config: { opens: '9:00' }, pointer: '/opens', message: 'does not match' },
      { config: { closes: '24:00' }, pointer: '/closes' },
      { config: { days: [] }, pointer: '/days' },
      { config: { days: ['mon', 'mon'] }, pointer: '/days' },
      { config: { days: ['monday'] }, pointer: '/days/0', message: 'is not allowed' },
      { config: { timezone: 'Europe/Paris; rm -rf' }, pointer: '/timezone' },
      { config: { hours: '9-5' }, message: 'unknown key "hours"' },
    ],
  },
  { describe, it },
);

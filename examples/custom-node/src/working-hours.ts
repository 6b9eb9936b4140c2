import { defineNode } from '@waymark/sdk';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
type Day = (typeof DAYS)[number];
const TIME = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

/** Working hours as a flow holds them. Declared `as const` so `run` gets a typed config. */
const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    timezone: {
      type: 'string',
      pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$',
      default: 'UTC',
      description: 'An IANA time zone such as "Europe/Paris"; the hours and days are local to it.',
    },
    days: {
      type: 'array',
      items: { enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
      minItems: 1,
      uniqueItems: true,
      default: ['mon', 'tue', 'wed', 'thu', 'fri'],
      description: 'The days the window opens on.',
    },
    opens: { type: 'string', pattern: TIME, default: '09:00', description: 'Local opening time, "HH:MM".' },
    closes: {
      type: 'string',
      pattern: TIME,
      default: '17:00',
      description: 'Local closing time, "HH:MM", excluded; earlier than `opens` for a window past midnight.',
    },
  },
} as const;

// Building an Intl.DateTimeFormat costs far more than using one: one per time zone.
const formats = new Map<string, Intl.DateTimeFormat>();

function localTime(epochMs: number, timeZone: string): { day: Day; minutes: number } {
  let format = formats.get(timeZone);
  if (!format) {
    // Throws RangeError for an unknown zone: the node's `error` outcome, with the zone in the log.
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(epochMs).map((p) => [p.type, p.value]));
  const day = String(parts.weekday).toLowerCase().slice(0, 3) as Day;
  return { day, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function dayBefore(day: Day): Day {
  return DAYS[(DAYS.indexOf(day) + 6) % 7]!;
}

/**
 * acme.working-hours: `open` inside the configured local working hours, `closed` outside
 * them (reason `day` on a day off, `hours` outside the window). Time comes from the engine's
 * injected clock, so tests and replays are exact. A window whose `closes` is earlier than its
 * `opens` runs past midnight and belongs to the day it opened on.
 *
 * @example
 * { "type": "acme.working-hours", "config": { "timezone": "Europe/Paris", "opens": "08:30", "closes": "18:00" },
 *   "outcomes": { "open": "collect", "closed": "failure" } }
 */
export const workingHours = defineNode({
  type: 'acme.working-hours',
  version: 1,
  description: 'Opens the journey inside local working hours (days, opening and closing time, time zone); closed outside them.',
  config,
  outcomes: ['open', 'closed'],
  run(ctx, { timezone, days, opens, closes }) {
    const { day, minutes } = localTime(ctx.services.clock.now(), timezone);
    const from = minutesOf(opens);
    const to = minutesOf(closes);
    const workday = (d: Day) => (days as readonly string[]).includes(d);
    if (from < to) {
      if (!workday(day)) return { outcome: 'closed', reason: 'day' };
      return minutes >= from && minutes < to ? 'open' : { outcome: 'closed', reason: 'hours' };
    }
    // Past midnight: the evening part belongs to today, the early-morning part to yesterday.
    if (minutes >= from) return workday(day) ? 'open' : { outcome: 'closed', reason: 'day' };
    if (minutes < to) return workday(dayBefore(day)) ? 'open' : { outcome: 'closed', reason: 'day' };
    return { outcome: 'closed', reason: 'hours' };
  },
});

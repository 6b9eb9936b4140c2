import { describe, it, expect } from '@jest/globals';
import { message } from '@waymark/nodes';
import { outputValue, type Callback } from '@waymark/sdk';
import { runNode } from '@waymark/testing';

/** The JSON pointers a config is refused at when the flow loads (ERR_FLOW_CONFIG of this type), or 'accepted'. */
async function refusedAt(type: string, run: () => Promise<unknown>): Promise<string[] | 'accepted'> {
  try {
    await run();
    return 'accepted';
  } catch (error) {
    expect(error).toMatchObject({ code: 'ERR_FLOW_CONFIG', details: { type } });
    return [...new Set((error as { details: { problems: { pointer: string }[] } }).details.problems.map((p) => p.pointer))].sort();
  }
}

const withChoice = (asked: Callback[], value: unknown): Callback[] =>
  asked.map((c) => (c.type === 'ConfirmationCallback' ? { ...c, input: [{ name: 'IDToken2', value }] } : c));

describe('message', () => {
  it('declares `shown` without options and one outcome per option with them', () => {
    const outcomes = message.outcomes as (c: unknown) => readonly string[];
    expect(outcomes({ message: 'hi' })).toEqual(['shown']);
    expect(outcomes({ message: 'hi', options: ['yes', { outcome: 'no', label: 'Not now' }] })).toEqual(['yes', 'no']);
  });

  it('suspends with a TextOutputCallback on the first run', async () => {
    const r = await runNode(message, { config: { message: 'Your session was transferred.', messageType: 'warning' } });
    expect(r.outcome).toBeUndefined();
    expect(r.callbacks).toHaveLength(1);
    expect(r.callbacks![0]!.type).toBe('TextOutputCallback');
    expect(outputValue(r.callbacks![0], 'message')).toBe('Your session was transferred.');
    expect(outputValue(r.callbacks![0], 'messageType')).toBe('1');
  });

  it('is `shown` once the user continues', async () => {
    const first = await runNode(message, { config: { message: 'Hello' } });
    const r = await runNode(message, { config: { message: 'Hello' }, submit: first.callbacks! });
    expect(r.outcome).toBe('shown');
  });

  it('shows the text from state when messageFrom names it', async () => {
    const r = await runNode(message, { config: { message: 'fallback', messageFrom: 'notice' }, state: { notice: 'Risk is HIGH' } });
    expect(outputValue(r.callbacks![0], 'message')).toBe('Risk is HIGH');
    const fallback = await runNode(message, { config: { message: 'fallback', messageFrom: 'notice' } });
    expect(outputValue(fallback.callbacks![0], 'message')).toBe('fallback');
  });

  it('asks with a ConfirmationCallback carrying the option labels', async () => {
    const config = { message: 'Stay signed in?', options: [{ outcome: 'remember', label: 'Yes' }, { outcome: 'skip', label: 'Not now' }], defaultOption: 1 };
    const r = await runNode(message, { config });
    const confirmation = r.callbacks!.find((c) => c.type === 'ConfirmationCallback');
    expect(outputValue(confirmation, 'options')).toEqual(['Yes', 'Not now']);
    expect(outputValue(confirmation, 'defaultOption')).toBe(1);
  });

  it('takes the outcome of the chosen option on resume', async () => {
    const config = { message: 'Stay signed in?', options: [{ outcome: 'remember', label: 'Yes' }, 'skip'] };
    const first = await runNode(message, { config });
    expect((await runNode(message, { config, submit: withChoice(first.callbacks!, 0) })).outcome).toBe('remember');
    expect((await runNode(message, { config, submit: withChoice(first.callbacks!, '1') })).outcome).toBe('skip');
  });

  it('asks again when the submitted choice is out of range or not a number', async () => {
    const config = { message: 'Pick', options: ['a', 'b'] };
    const first = await runNode(message, { config });
    for (const bad of [2, -1, 'x', null]) {
      const r = await runNode(message, { config, submit: withChoice(first.callbacks!, bad) });
      expect(r.outcome).toBeUndefined();
      expect(r.callbacks!.some((c) => c.type === 'ConfirmationCallback')).toBe(true);
    }
  });

  it('refuses a config without a message source or with a non-outcome option at flow load', async () => {
    expect(await refusedAt('message', () => runNode(message, { config: { message: 'x', options: ['ok'] } }))).toBe('accepted');
    // '' is the anyOf (message or messageFrom) failing as a whole; the named pointers say what to add.
    expect(await refusedAt('message', () => runNode(message, { config: {} }))).toEqual(['', '/message', '/messageFrom']);
    expect(await refusedAt('message', () => runNode(message, { config: { message: 'x', options: ['not an outcome'] } }))).toEqual(['/options/0']);
  });
});

import { describe, expect, it } from '@jest/globals';
import { defineNode, callbacks, inputValue } from '@waymark/sdk';
import { runNode } from '@waymark/testing';

const greet = defineNode({
  type: 'test.greet',
  version: 1,
  description: 'Asks a name, then greets it.',
  config: { type: 'object', properties: { greeting: { type: 'string', default: 'Hello' } }, additionalProperties: false } as const,
  outcomes: ['greeted'],
  run(ctx, config) {
    if (!ctx.callbacks) return ctx.suspend([callbacks.name('Name')]);
    ctx.state.greeting = `${config.greeting}, ${String(inputValue(ctx.callbacks[0]))}`;
    return 'greeted';
  },
});

describe('runNode', () => {
  it('reports a suspension with its callbacks, then the outcome and state changes on submit', async () => {
    const first = await runNode(greet);
    expect(first.outcome).toBeUndefined();
    expect(first.callbacks?.[0]?.type).toBe('NameCallback');
    const cb = first.callbacks![0]!;
    const second = await runNode(greet, { submit: [{ ...cb, input: [{ name: 'IDToken1', value: 'Ada' }] }] });
    expect(second.outcome).toBe('greeted');
    expect(second.state.greeting).toBe('Hello, Ada');
  });

  it('applies config defaults and rejects an invalid config like a flow load would', async () => {
    await expect(runNode(greet, { config: { greeting: 3 } })).rejects.toMatchObject({ code: 'ERR_FLOW_CONFIG' });
  });

  it('turns a throwing node into the error outcome, never a crash', async () => {
    const boom = defineNode({
      type: 'test.boom',
      version: 1,
      description: 'Throws.',
      outcomes: ['never'],
      run() {
        throw new Error('boom');
      },
    });
    const r = await runNode(boom);
    expect(r.outcome).toBe('error');
    expect((r.error as Error).message).toBe('boom');
  });

  it('stops a node that hangs at its timeout and aborts its signal', async () => {
    let aborted = false;
    const hang = defineNode({
      type: 'test.hang',
      version: 1,
      description: 'Never answers.',
      outcomes: ['never'],
      run(ctx) {
        ctx.signal.addEventListener('abort', () => {
          aborted = true;
        });
        return new Promise<string>(() => {});
      },
    });
    const r = await runNode(hang, { timeoutMs: 5 });
    expect(r.outcome).toBe('timeout');
    expect(aborted).toBe(true);
  });
});

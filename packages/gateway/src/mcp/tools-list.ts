/*
 * `tools/list` filtered to what the caller may call: a tool it lacks the scopes for, or one the
 * route denies, is left out of the answer (MuleSoft's, Kong's and Casdoor's pattern). The
 * answer is JSON or an SSE stream (Streamable HTTP); both are rewritten, event by event.
 */

function filterMessage(message: unknown, id: string | number | undefined, visible: (tool: string) => boolean): unknown {
  if (message === null || typeof message !== 'object') return message;
  const m = message as { id?: unknown; result?: { tools?: unknown } };
  if (m.id !== id || !m.result || !Array.isArray(m.result.tools)) return message;
  const tools = m.result.tools.filter(
    (t: unknown) =>
      t !== null && typeof t === 'object' && typeof (t as { name?: unknown }).name === 'string' && visible((t as { name: string }).name),
  );
  return { ...m, result: { ...m.result, tools } };
}

/** Rewrites one buffered `tools/list` answer; an answer it cannot read is refused (undefined), never passed unfiltered. */
export function filterToolsAnswer(
  contentType: string,
  body: Buffer,
  id: string | number | undefined,
  visible: (tool: string) => boolean,
): Buffer | undefined {
  const text = body.toString('utf8');
  try {
    if (contentType.startsWith('application/json')) return Buffer.from(JSON.stringify(filterMessage(JSON.parse(text), id, visible)));
    if (contentType.startsWith('text/event-stream')) {
      // SSE (WHATWG HTML §9.2): events separated by a blank line; each `data:` line is part of the JSON message.
      const events = text.split(/\r?\n\r?\n/);
      const out = events.map((event) => {
        const lines = event.split(/\r?\n/);
        const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, ''));
        if (data.length === 0) return event;
        const rewritten = JSON.stringify(filterMessage(JSON.parse(data.join('\n')), id, visible));
        return [...lines.filter((l) => !l.startsWith('data:')), `data: ${rewritten}`].join('\n');
      });
      return Buffer.from(out.join('\n\n'));
    }
  } catch {
    return undefined;
  }
  return undefined;
}

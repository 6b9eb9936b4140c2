/** Where a validation problem points (RFC 6901 JSON Pointer): a node, an outcome edge, or the flow. */
export function problemTarget(pointer: string): { node?: string; edge?: string; config?: string } {
  const tokens = pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~')); // RFC 6901 §4: ~1 then ~0
  if (tokens[0] === 'layout' && tokens[1] === 'nodes' && tokens[2] !== undefined) return { node: tokens[2] };
  if (tokens[0] !== 'nodes' || tokens[1] === undefined) return {};
  const node = tokens[1];
  if (tokens[2] === 'outcomes' && tokens[3] !== undefined) return { node, edge: `${node}:${tokens[3]}` };
  if (tokens[2] === 'config') return { node, config: `/${tokens.slice(3).join('/')}` };
  return { node };
}

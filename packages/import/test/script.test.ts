import { describe, expect, it } from '@jest/globals';
import { recognizeScript, scriptText } from '../src/index.js';

const rules = (src: unknown) => {
  const r = recognizeScript(src);
  return r.ok ? r.value : r.reason;
};

describe('scripted decisions: the simple ones become expression rules', () => {
  it.each([
    [
      'if (nodeState.get("username") != null) { outcome = "true"; } else { outcome = "false"; }',
      [{ when: 'state.username != null', outcome: 'true' }],
      'false',
    ],
    [
      "if (sharedState.get('tier').asString() === 'gold') outcome = 'yes'; else outcome = 'no';",
      [{ when: 'state.tier == "gold"', outcome: 'yes' }],
      'no',
    ],
    [
      'outcome = "false";\nif (nodeState.isDefined("mail")) { outcome = "true"; }',
      [{ when: 'state.mail != null', outcome: 'true' }],
      'false',
    ],
    ['outcome = sharedState.get("age") >= 18 ? "adult" : "minor";', [{ when: 'state.age >= 18', outcome: 'adult' }], 'minor'],
    [
      'var m = requestParameters.get("mode").get(0);\nif (m.startsWith("adm") && !(m.endsWith("x"))) { outcome = "a" } else if (m.equals("b")) { outcome = "b" } else { outcome = "c" }',
      [
        { when: 'params.mode.startsWith("adm") && !(params.mode.endsWith("x"))', outcome: 'a' },
        { when: 'params.mode == "b"', outcome: 'b' },
      ],
      'c',
    ],
    [
      '/* a comment with "quotes" */ (function () { // line comment\n if (nodeState.get("u") == null || nodeState.get("u").isNull()) { outcome = "none"; } else { outcome = "some"; } }());',
      [{ when: 'state.u == null || state.u == null', outcome: 'none' }],
      'some',
    ],
  ])('%s', (src, expected, fallback) => {
    expect(rules(src)).toEqual({ rules: expected, default: fallback });
  });
});

describe('scripted decisions: everything else stays a placeholder, with the reason', () => {
  it.each([
    ['transientState', 'if (transientState.get("password") != null) { outcome = "true"; } else { outcome = "false"; }', 'transientState'],
    ['side effects', 'sharedState.put("x", 1); outcome = "true";', 'statement starting with "sharedState"'],
    ['callbacks', 'if (callbacks.isEmpty()) { action = fr.Action.send(x).build(); }', '"callbacks"'],
    ['JS beyond the grammar', 'var a = [1]; outcome = "x";', 'the character "["'],
    ['an outcome not depending on anything', 'outcome = "true";', 'no condition'],
    ['no else', 'if (nodeState.get("a") != null) { outcome = "true"; }', 'no outcome when no condition holds'],
    [
      'a computed outcome',
      'if (nodeState.get("a") != null) { outcome = nodeState.get("a"); } else { outcome = "x"; }',
      'not a string literal',
    ],
    ['an unknown method', 'if (nodeState.get("a").matches("x.*")) { outcome = "t"; } else { outcome = "f"; }', 'matches()'],
    ['a truncated script', 'if (nodeState.get("a"', 'ends early'],
  ])('%s', (_label, src, reason) => {
    expect(rules(src)).toEqual(expect.stringContaining(reason));
  });

  it('reads every exported encoding: a JSON-encoded string, an array of lines, plain text', () => {
    expect(scriptText(JSON.stringify('a\nb'))).toBe('a\nb');
    expect(scriptText(['a', 'b'])).toBe('a\nb');
    expect(scriptText('plain')).toBe('plain');
    expect(scriptText(42)).toBeUndefined();
  });
});

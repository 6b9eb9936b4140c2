/** Flow ids are kebab-case (`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`): `Platform Login` → `platform-login`. */
export function flowIdOf(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const id = words.join('-');
  return /^[a-z]/.test(id) ? id : `flow-${id || 'imported'}`;
}

/** Node ids are identifiers (`^[A-Za-z][A-Za-z0-9_]*$`): `Platform Username` → `platformUsername`. */
export function camelOf(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const id = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return /^[a-z]/.test(id) ? id : `node${id.charAt(0).toUpperCase()}${id.slice(1)}`;
}

/** Outcome names Waymark accepts (`^[A-Za-z][A-Za-z0-9_-]*$`): `Script Error` → `scriptError`. */
export function outcomeOf(name: string): string {
  if (/^[A-Za-z][A-Za-z0-9_-]*$/.test(name) && name !== 'error' && name !== 'timeout') return name;
  const camel = camelOf(name);
  return camel === 'error' || camel === 'timeout' ? `source${camel.charAt(0).toUpperCase()}${camel.slice(1)}` : camel;
}

/** Hands out unique names: the second `x` is `x2`. `taken` holds names never to hand out. */
export class UniqueNames {
  private readonly used = new Set<string>();
  constructor(taken: readonly string[] = []) {
    for (const t of taken) this.used.add(t);
  }
  take(wanted: string): string {
    let name = wanted;
    for (let i = 2; this.used.has(name); i++) name = `${wanted}${i}`;
    this.used.add(name);
    return name;
  }
}

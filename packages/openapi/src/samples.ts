/**
 * The examples of an operation in curl, JavaScript (fetch) and Python (requests), as the
 * `x-codeSamples` extension. Built from the operation itself (method, path, body example,
 * authentication), so an example never names a parameter the operation does not take.
 */

/** How a sample authenticates. */
export type SampleAuth = 'none' | 'bearer' | 'basic';

export interface SampleInput {
  method: string;
  /** The path with `{name}` placeholders, as in the document. */
  path: string;
  /** `application/json`, `application/x-www-form-urlencoded`, or none. */
  contentType?: string;
  /** The request body example: an object (JSON or form fields). */
  body?: unknown;
  auth?: SampleAuth;
  /** Query parameters of the example. */
  query?: Record<string, string>;
}

export const SAMPLE_BASE = 'https://login.example.com';

function url(input: SampleInput): string {
  const query = input.query ? `?${new URLSearchParams(input.query).toString()}` : '';
  return `${SAMPLE_BASE}${input.path}${query}`;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function formOf(body: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

function curl(input: SampleInput): string {
  const lines = [`curl -X ${input.method.toUpperCase()} ${shellQuote(url(input))}`];
  if (input.auth === 'bearer') lines.push(`  -H "Authorization: Bearer $ACCESS_TOKEN"`);
  if (input.auth === 'basic') lines.push(`  -u "$CLIENT_ID:$CLIENT_SECRET"`);
  if (input.contentType === 'application/json' && input.body !== undefined) {
    lines.push(`  -H 'Content-Type: application/json'`);
    lines.push(`  --data ${shellQuote(JSON.stringify(input.body))}`);
  } else if (input.contentType === 'application/x-www-form-urlencoded')
    for (const [k, v] of Object.entries(formOf(input.body))) lines.push(`  --data-urlencode ${shellQuote(`${k}=${v}`)}`);
  return lines.join(' \\\n');
}

function javascript(input: SampleInput): string {
  const headers: string[] = [];
  if (input.auth === 'bearer') headers.push('Authorization: `Bearer ${accessToken}`');
  if (input.auth === 'basic') headers.push("Authorization: 'Basic ' + btoa(`${clientId}:${clientSecret}`)");
  let body = '';
  if (input.contentType === 'application/json' && input.body !== undefined) {
    headers.push("'Content-Type': 'application/json'");
    body = `,\n  body: JSON.stringify(${JSON.stringify(input.body, null, 2).replace(/\n/g, '\n  ')})`;
  } else if (input.contentType === 'application/x-www-form-urlencoded')
    body = `,\n  body: new URLSearchParams(${JSON.stringify(formOf(input.body), null, 2).replace(/\n/g, '\n  ')})`;
  const headerText = headers.length > 0 ? `,\n  headers: { ${headers.join(', ')} }` : '';
  return [
    `const response = await fetch('${url(input)}', {`,
    `  method: '${input.method.toUpperCase()}'${headerText}${body}`,
    '});',
    'console.log(response.status, await response.text());',
  ].join('\n');
}

function python(input: SampleInput): string {
  const args = [`"${url(input)}"`];
  if (input.auth === 'bearer') args.push('headers={"Authorization": f"Bearer {access_token}"}');
  if (input.auth === 'basic') args.push('auth=(client_id, client_secret)');
  if (input.contentType === 'application/json' && input.body !== undefined) args.push(`json=${JSON.stringify(input.body)}`);
  else if (input.contentType === 'application/x-www-form-urlencoded') args.push(`data=${JSON.stringify(formOf(input.body))}`);
  return [
    'import requests',
    '',
    `response = requests.${input.method.toLowerCase()}(${args.join(', ')})`,
    'print(response.status_code, response.text)',
  ].join('\n');
}

/** The three examples of one operation. */
export function codeSamples(input: SampleInput): { lang: string; label: string; source: string }[] {
  return [
    { lang: 'Shell', label: 'curl', source: curl(input) },
    { lang: 'JavaScript', label: 'JavaScript', source: javascript(input) },
    { lang: 'Python', label: 'Python', source: python(input) },
  ];
}

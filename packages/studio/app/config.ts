/** What `<mount>/config.json` says (the server's `StudioClientConfig` of @waymark/studio). */
export type StudioConfig =
  | {
      mode: 'server';
      adminApi: string;
      signIn?: { issuer: string; clientId: string; redirectUri: string; resource: string; scope: string };
      signInHelp?: string;
    }
  | { mode: 'local'; adminApi: string; folder: string };

export async function loadConfig(): Promise<StudioConfig> {
  const res = await fetch('config.json');
  if (!res.ok) throw new Error(`config.json answered ${res.status}`);
  return res.json();
}

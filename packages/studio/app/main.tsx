/* The studio's entry: reads config.json, signs in (server mode), then renders the app. */
import '@xyflow/react/dist/style.css';
import './studio.css';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { AdminApi } from './api';
import { App } from './App';
import { currentToken, finishSignIn, signOut, startSignIn } from './auth';
import { loadConfig, type StudioConfig } from './config';

function Boot() {
  const [config, setConfig] = useState<StudioConfig>();
  const [token, setToken] = useState<string | undefined>(currentToken());
  const [error, setError] = useState('');
  useEffect(() => {
    (async () => {
      const c = await loadConfig();
      if (c.mode === 'server' && c.signIn && location.pathname.endsWith('/callback')) {
        const back = await finishSignIn(c.signIn, new URL(location.href));
        history.replaceState(null, '', back);
        setToken(currentToken());
      }
      setConfig(c);
    })().catch((e: Error) => setError(e.message));
  }, []);
  if (error)
    return (
      <main className="signin">
        <h1>Waymark Studio</h1>
        <p role="alert">{error}</p>
        <a href="./">Start again</a>
      </main>
    );
  if (!config) return <p className="boot">Loading Waymark Studio…</p>;
  if (config.mode === 'server' && !token)
    return (
      <main className="signin">
        <h1>Waymark Studio</h1>
        {config.signIn ? (
          <>
            <p>Sign in with an account that may administer Waymark (scopes waymark:admin:read and waymark:admin:write).</p>
            <button type="button" onClick={() => startSignIn(config.signIn!, location.pathname.replace(/callback$/, '') + location.search).catch((e: Error) => setError(e.message))}>
              Sign in
            </button>
          </>
        ) : (
          <p role="alert">{config.signInHelp ?? 'Sign-in is not configured.'}</p>
        )}
      </main>
    );
  const api = new AdminApi(config.adminApi, currentToken);
  return (
    <App
      config={config}
      api={api}
      {...(config.mode === 'server'
        ? {
            onSignOut: () => {
              signOut();
              setToken(undefined);
            },
          }
        : {})}
    />
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Boot />
  </StrictMode>,
);

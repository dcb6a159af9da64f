import { useState } from 'react';
import { logIn, setUp, signUp, type Me } from '../api';

type Mode = 'login' | 'signup' | 'setup';

/**
 * Log in, sign up, or (from the one-time link printed by the server at first start, /setup#SECRET)
 * create the first administrator. The session lives in an HttpOnly cookie the page never sees.
 */
export function AuthPage({ initial, signupOpen, onSignedIn }: { initial: Mode; signupOpen: boolean; onSignedIn: (me: Me) => void }) {
  const [mode, setMode] = useState<Mode>(initial);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titles: Record<Mode, string> = { login: 'Log in to Quire', signup: 'Create your Quire account', setup: 'Create the administrator' };

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const me = mode === 'login' ? await logIn(name, password)
        : mode === 'signup' ? await signUp(name, email, password)
        : await setUp(location.hash.slice(1), name, password);
      if (mode === 'setup') history.replaceState(null, '', '/'); // the secret leaves the address bar
      onSignedIn(me);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <form
        className="dialog"
        aria-labelledby="auth-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1 id="auth-title">{titles[mode]}</h1>
        <label htmlFor="auth-name">{mode === 'login' ? 'Name or email' : 'Name'}</label>
        <input id="auth-name" autoFocus autoComplete="username" maxLength={254} value={name} onChange={(e) => setName(e.target.value)} />
        {mode === 'signup' && (
          <>
            <label htmlFor="auth-email">Email (optional)</label>
            <input id="auth-email" type="email" autoComplete="email" maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} />
          </>
        )}
        <label htmlFor="auth-password">Password{mode === 'login' ? '' : ' (at least 10 characters)'}</label>
        <input
          id="auth-password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          maxLength={256}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="dialog-actions">
          {mode === 'login' && signupOpen && (
            <button type="button" className="link-button" onClick={() => setMode('signup')}>Create an account</button>
          )}
          {mode === 'signup' && (
            <button type="button" className="link-button" onClick={() => setMode('login')}>I have an account</button>
          )}
          <button type="submit" className="button primary" disabled={busy || !name || !password}>
            {mode === 'login' ? 'Log in' : mode === 'signup' ? 'Sign up' : 'Create'}
          </button>
        </div>
      </form>
    </main>
  );
}

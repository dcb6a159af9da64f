import { useEffect, useState } from 'react';
import { changePassword, createToken, listTokens, logOut, revokeToken, type TokenInfo } from '../api';
import { Header } from '../Header';
import { ago } from '../time';

/** Your account: change the password, API tokens for programs, log out. */
export function AccountPage({ name }: { name: string }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [passwordNote, setPasswordNote] = useState<string | null>(null);
  const [tokens, setTokens] = useState<TokenInfo[]>([]);
  const [tokenName, setTokenName] = useState('');
  const [tokenDays, setTokenDays] = useState('90');
  const [fresh, setFresh] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () => listTokens().then(setTokens, (e) => setError((e as Error).message));
  useEffect(() => {
    document.title = 'Your account — Quire';
    void load();
  }, []);

  return (
    <div className="account-page">
      <Header name={name} onRename={() => {}} />
      <main className="account-main">
        <h1>Your account</h1>
        <section aria-labelledby="pw-title">
          <h2 id="pw-title">Password</h2>
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              try {
                await changePassword(current, next);
                setPasswordNote('Password changed. You were logged out everywhere else.');
                setCurrent('');
                setNext('');
              } catch (err) {
                setPasswordNote((err as Error).message);
              }
            }}
          >
            <label htmlFor="pw-current">Current password</label>
            <input id="pw-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
            <label htmlFor="pw-next">New password (at least 10 characters)</label>
            <input id="pw-next" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
            <button className="button" type="submit" disabled={!current || !next}>Change password</button>
            {passwordNote && <p role="status">{passwordNote}</p>}
          </form>
        </section>
        <section aria-labelledby="tokens-title">
          <h2 id="tokens-title">API tokens</h2>
          <p className="muted">For programs: send <code>Authorization: Bearer TOKEN</code>. A token is shown once.</p>
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              try {
                const t = await createToken(tokenName, tokenDays === 'never' ? null : Number(tokenDays));
                setFresh(t.secret);
                setTokenName('');
                void load();
              } catch (err) {
                setError((err as Error).message);
              }
            }}
          >
            <label htmlFor="token-name">What is it for?</label>
            <input id="token-name" maxLength={100} value={tokenName} onChange={(e) => setTokenName(e.target.value)} />
            <label htmlFor="token-expiry">Works for</label>
            <select id="token-expiry" value={tokenDays} onChange={(e) => setTokenDays(e.target.value)}>
              <option value="7">7 days</option>
              <option value="30">30 days</option>
              <option value="90">90 days</option>
              <option value="365">a year</option>
              <option value="never">until revoked</option>
            </select>
            <button className="button" type="submit" disabled={!tokenName.trim()}>Create token</button>
          </form>
          {fresh && <p role="status" data-testid="new-token">New token (copy it now): <code>{fresh}</code></p>}
          <ul className="token-list">
            {tokens.map((t) => (
              <li key={t.id}>
                <span>{t.name}</span> <span className="muted">created {ago(t.createdAt)}; {
                  t.expiresAt === null ? 'works until revoked'
                    : t.expiresAt <= Date.now() ? 'expired' : `expires ${new Date(t.expiresAt).toLocaleDateString()}`}</span>{' '}
                <button className="link-button" onClick={async () => { await revokeToken(t.id); void load(); }}>Revoke</button>
              </li>
            ))}
          </ul>
          {error && <p className="form-error" role="alert">{error}</p>}
        </section>
        <button
          className="button"
          onClick={async () => {
            await logOut();
            location.assign('/');
          }}
        >
          Log out
        </button>
      </main>
    </div>
  );
}

import { useEffect, useState } from 'react';
import { savedName, saveName } from './identity';
import { authState, setApiName, type AuthState } from './api';
import { HomePage } from './home/HomePage';
import { EditorPage } from './editor/EditorPage';
import { NameDialog } from './NameDialog';
import { AuthPage } from './account/AuthPage';
import { AccountPage } from './account/AccountPage';
import { LinkPage } from './account/LinkPage';
import { OrganizationsPage } from './account/OrganizationsPage';
import { setAccounts } from './Header';
import { mayLeave, navigate, onNavigate } from './nav';

type Route =
  | { page: 'home' } | { page: 'editor'; id: string } | { page: 'account' } | { page: 'setup' } | { page: 'link' }
  | { page: 'orgs' }
  | { page: 'missing' };

/** The page for a path: the home page, the editor of /d/<id>, your account, the first set-up. */
function route(path: string): Route {
  if (path === '/' || path === '') return { page: 'home' };
  if (path === '/account') return { page: 'account' };
  if (path === '/orgs') return { page: 'orgs' };
  if (path === '/setup') return { page: 'setup' };
  if (path === '/s') return { page: 'link' };
  const m = /^\/d\/([A-Za-z0-9_-]{1,64})\/?$/.exec(path);
  return m ? { page: 'editor', id: m[1] } : { page: 'missing' };
}

export function App() {
  const [path, setPath] = useState(location.pathname);
  const [auth, setAuth] = useState<AuthState | null>(null);
  const [authError, setAuthError] = useState<string | null>(null);
  const [name, setName] = useState<string | null>(savedName());

  useEffect(() => {
    authState().then((s) => {
      setAccounts(s.mode === 'accounts');
      setAuth(s);
    }, (e) => setAuthError((e as Error).message));
  }, []);

  useEffect(() => {
    let current = location.pathname;
    onNavigate((p) => {
      current = p;
      setPath(p);
    });
    // Back and Forward: the browser has already moved, so staying means moving back.
    const onPop = () => {
      if (location.pathname !== current && !mayLeave()) {
        history.pushState(null, '', current);
        return;
      }
      current = location.pathname;
      setPath(current);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const accounts = auth?.mode === 'accounts';
  useEffect(() => setApiName(accounts ? null : name), [name, accounts]);

  if (authError) {
    return <main className="center-message"><h1>Quire cannot be reached</h1><p>{authError}</p></main>;
  }
  if (!auth) return null;
  const r = route(path);
  if (accounts && !auth.user) {
    return (
      <AuthPage
        initial={r.page === 'setup' && auth.setupPending ? 'setup' : 'login'}
        signupOpen={auth.signup}
        onSignedIn={(me) => {
          setAuth({ ...auth, user: me, setupPending: false });
          if (r.page === 'setup') navigate('/');
        }}
      />
    );
  }
  const who = accounts ? auth.user!.name : name;
  if (!who) {
    return (
      <NameDialog
        onDone={(n) => {
          saveName(n);
          setApiName(n);
          setName(n);
        }}
      />
    );
  }
  if (r.page === 'editor') {
    return <EditorPage key={r.id} id={r.id} name={who} me={accounts ? auth.user!.id : null} onRename={setName} />;
  }
  if (r.page === 'home' || r.page === 'setup') return <HomePage name={who} onRename={setName} />;
  if (r.page === 'account' && accounts) return <AccountPage name={who} />;
  if (r.page === 'link' && accounts) return <LinkPage />;
  if (r.page === 'orgs' && accounts) return <OrganizationsPage name={who} me={auth.user!.id} />;
  return (
    <main className="center-message">
      <h1>Page not found</h1>
      <p>
        <a href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }}>Go to your documents</a>
      </p>
    </main>
  );
}

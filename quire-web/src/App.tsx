import { useEffect, useState } from 'react';
import { savedName, saveName } from './identity';
import { setApiName } from './api';
import { HomePage } from './home/HomePage';
import { EditorPage } from './editor/EditorPage';
import { NameDialog } from './NameDialog';
import { mayLeave, navigate, onNavigate } from './nav';

/** The page for a path: the home page, or the editor of /d/<id>. */
function route(path: string): { page: 'home' } | { page: 'editor'; id: string } | { page: 'missing' } {
  if (path === '/' || path === '') return { page: 'home' };
  const m = /^\/d\/([A-Za-z0-9_-]{1,64})\/?$/.exec(path);
  return m ? { page: 'editor', id: m[1] } : { page: 'missing' };
}

export function App() {
  const [path, setPath] = useState(location.pathname);
  const [name, setName] = useState<string | null>(savedName());

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

  useEffect(() => setApiName(name), [name]);

  if (!name) {
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
  const r = route(path);
  if (r.page === 'editor') return <EditorPage key={r.id} id={r.id} name={name} onRename={setName} />;
  if (r.page === 'home') return <HomePage name={name} onRename={setName} />;
  return (
    <main className="center-message">
      <h1>Page not found</h1>
      <p>
        <a href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }}>Go to your documents</a>
      </p>
    </main>
  );
}

import { useEffect, useState } from 'react';
import { redeemLink } from '../api';
import { navigate } from '../nav';

/** A share link (/s#SECRET), opened signed in: joins the document with the link's role and opens it. */
export function LinkPage() {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    redeemLink(location.hash.slice(1)).then(
      (r) => navigate('/d/' + r.document),
      (e) => setError((e as Error).message),
    );
  }, []);
  return (
    <main className="center-message">
      {error ? (
        <>
          <h1>This link does not open a document</h1>
          <p>{error}</p>
          <p><a href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }}>Go to your documents</a></p>
        </>
      ) : (
        <p>Opening the shared document…</p>
      )}
    </main>
  );
}

import ShareDB from 'sharedb/lib/client';
import richText from 'rich-text';
import { ReconnectingSocket } from './reconnectingSocket';

ShareDB.types.register(richText.type);

export interface Live {
  connection: any; // sharedb's Connection (the package ships no types)
  socket: ReconnectingSocket;
  close(): void;
}

/** A sharedb connection to this Quire server, following the browser's online/offline state. */
export function connect(name: string): Live {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new ReconnectingSocket(`${proto}//${location.host}/ws?name=${encodeURIComponent(name)}`);
  const connection = new ShareDB.Connection(socket as any);
  const offline = () => socket.suspend();
  const online = () => socket.resume();
  window.addEventListener('offline', offline);
  window.addEventListener('online', online);
  if (!navigator.onLine) socket.suspend();
  return {
    connection,
    socket,
    close() {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      connection.close();
    },
  };
}

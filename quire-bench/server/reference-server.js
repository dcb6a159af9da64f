// The reference the benchmark measures Quire against: the npm ShareDB server as its README sets
// it up, in memory (ShareDB's MemoryDB, nothing on disk), rich-text registered, presence on,
// on a ws WebSocketServer through @teamwork/websocket-json-stream (the adapter ShareDB's
// examples use). Loopback only.
// Usage: node [--expose-gc] reference-server.js PORT   (0 picks a free port; prints "ready port=N")
'use strict';
const http = require('http');
const ShareDB = require('sharedb');
const richText = require('rich-text');
const { WebSocketServer } = require('ws');
const WebSocketJSONStream = require('@teamwork/websocket-json-stream');

ShareDB.types.register(richText.type);

const port = Number(process.argv[2] || 0);
const backend = new ShareDB({ presence: true });
// GET /heap: the heap in use right after a full collection (node --expose-gc), and the resident
// memory: what the load generator's --heap reads to give the heap per idle connection.
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/heap') {
    const collected = typeof global.gc === 'function';
    if (collected) global.gc();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ gc: collected, ...process.memoryUsage() }));
    return;
  }
  res.writeHead(404);
  res.end();
});
// No path option: the client's ws://host:port/ws (Quire's path) is accepted as is.
const wss = new WebSocketServer({ server });
wss.on('connection', (ws) => backend.listen(new WebSocketJSONStream(ws)));

server.listen(port, '127.0.0.1', () => {
  console.log(`ready port=${server.address().port}`);
});

function stop() {
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  server.close(() => backend.close(() => process.exit(0)));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

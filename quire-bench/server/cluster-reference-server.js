// One process of the reference CLUSTER the cluster benchmark measures Quire against: the npm
// ShareDB server set up for several processes the way its add-ons' READMEs say: sharedb-postgres
// as the database (op log and snapshots in PostgreSQL, the tables of its structure.sql) and
// sharedb-redis-pubsub carrying ops between processes; rich-text registered, presence on, a ws
// WebSocketServer through @teamwork/websocket-json-stream (as reference-server.js). Loopback only.
// Usage: node cluster-reference-server.js PORT DATABASE_URL REDIS_URL
//        (PORT 0 picks a free port; prints "ready port=N")
'use strict';
const http = require('http');
const ShareDB = require('sharedb');
const richText = require('rich-text');
const { WebSocketServer } = require('ws');
const WebSocketJSONStream = require('@teamwork/websocket-json-stream');
const PostgresDB = require('sharedb-postgres');
const RedisPubSub = require('sharedb-redis-pubsub');

ShareDB.types.register(richText.type);

const [portArg, databaseUrl, redisUrl] = process.argv.slice(2);
if (!databaseUrl || !redisUrl) {
  console.error('usage: node cluster-reference-server.js PORT DATABASE_URL REDIS_URL');
  process.exit(2);
}
const backend = new ShareDB({
  presence: true,
  db: PostgresDB({ connectionString: databaseUrl }),
  pubsub: RedisPubSub({ url: redisUrl }),
});
const server = http.createServer();
const wss = new WebSocketServer({ server }); // any path: the client's ws://host:port/ws works
wss.on('connection', (ws) => backend.listen(new WebSocketJSONStream(ws)));

server.listen(Number(portArg || 0), '127.0.0.1', () => {
  console.log(`ready port=${server.address().port}`);
});

function stop() {
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  server.close(() => backend.close(() => process.exit(0)));
  setTimeout(() => process.exit(0), 3000).unref(); // the redis/pg clients must not hold us up
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

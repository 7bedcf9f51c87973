// `npm start`: serves the built app on HOST:PORT (default 127.0.0.1:3000).
//
// A small custom server around Next.js, for three things `next start` cannot
// give: the peer address a route may trust (Next fills X-Forwarded-For only
// when the client did not, so a client could name any address), a 400 for a
// path with broken %-encoding (Next answers 500), and a shutdown that ends
// live streams and pollers within 5 s of SIGTERM.
import { existsSync } from 'node:fs';
import http from 'node:http';
import next from 'next';

if (!existsSync('.next/BUILD_ID')) {
  console.error('phaseboard: no build found; run `npm run build` first (or `npm run go` to install, build and start).');
  process.exit(1);
}
process.env.NEXT_TELEMETRY_DISABLED = '1';
// Tells the app that x-phaseboard-peer below is this server's (lib/http/guards.ts).
process.env.PHASEBOARD_SERVER = 'start.mjs';
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? '3000');
const SHUTDOWN_MS = 5000;

const app = next({ dev: false, hostname: host, port, dir: process.cwd() });
const handle = app.getRequestHandler();

try {
  await app.prepare();
} catch (e) {
  console.error(`phaseboard: cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

const server = http.createServer((req, res) => {
  // Whatever the client sent under this name is replaced by the socket's own address.
  req.headers['x-phaseboard-peer'] = req.socket.remoteAddress ?? '';
  if (!pathDecodes(req.url ?? '/')) {
    res.writeHead(400, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ error: { code: 'invalid_input', message: 'the request path has malformed %-encoding', field: '(path)' } }));
    return;
  }
  handle(req, res);
});
// A request (headers and body) must arrive within 60 s; a response, such as the event stream, may last.
server.requestTimeout = 60_000;
// Node closes an idle kept-alive connection after 5 s; a client that reuses it in that very
// moment gets ECONNRESET (seen from a test's API client). Idle connections live longer than
// the usual proxy's 60 s, so the proxy or client closes first, as they expect to.
server.keepAliveTimeout = 65_000;
server.on('clientError', (_err, socket) => socket.destroy());
server.listen(port, host, () => {
  const shown = ['0.0.0.0', '::'].includes(host) ? '127.0.0.1' : host;
  const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
  console.log(`phaseboard: listening on ${url}`);
  // One request starts the runtime (store, engines, the first start's admin), so the last line printed is where to go.
  fetch(`${url}/api/health`)
    .catch(() => undefined)
    .finally(() => {
      const how = globalThis.__phaseboardAdminCreated ? 'log in as admin with the password or the link above' : 'log in';
      console.log(`\n  phaseboard is running: open ${url} and ${how}. Ctrl-C stops it.\n`);
    });
});
server.on('error', (e) => {
  console.error(`phaseboard: cannot listen on ${host}:${port}: ${e.message}`);
  process.exit(1);
});

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`phaseboard: ${signal}: stopping`);
  setTimeout(() => {
    console.error('phaseboard: shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_MS).unref();
  server.close();
  // The runtime ends every event stream and stops pollers and simulators.
  await globalThis.__phaseboardStop?.().catch((e) => console.error(`phaseboard: stopping the runtime failed: ${e.message}`));
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), 200).unref();
  server.on('close', () => process.exit(0));
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void shutdown(sig));

function pathDecodes(url) {
  const path = url.split('?')[0];
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

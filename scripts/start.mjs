// `npm start`: serves the built app on HOST:PORT (default 127.0.0.1:3000).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('.next/BUILD_ID')) {
  console.error('phaseboard: no build found; run `npm run build` first (or `npm run go` to install, build and start).');
  process.exit(1);
}
const host = process.env.HOST ?? '127.0.0.1';
const port = process.env.PORT ?? '3000';
const child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-H', host, '-p', port], {
  stdio: 'inherit',
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 1));

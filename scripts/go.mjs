// `npm run go`: install, build and start, doing only what changed since the
// last time: `npm ci` when package-lock.json changed, `next build` when a
// source file did. The build's ~150 lines go to reports/build.log (shown
// only if it fails); the terminal ends with where to open the board.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const INSTALL_STAMP = 'node_modules/.phaseboard-installed';
const BUILD_STAMP = '.next/phaseboard-built';
const SOURCES = [
  'app',
  'components',
  'lib',
  'public',
  'next.config.js',
  'postcss.config.mjs',
  'tsconfig.json',
  'proxy.ts',
  'instrumentation.ts',
  'package-lock.json',
];

function run(what, cmd, args, logFile) {
  const started = Date.now();
  process.stdout.write(`phaseboard: ${what}… `);
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', stdio: logFile ? 'pipe' : ['ignore', 'ignore', 'inherit'] });
  if (logFile) {
    mkdirSync(path.dirname(logFile), { recursive: true });
    writeFileSync(logFile, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  if (r.status !== 0) {
    console.log('failed');
    if (logFile) console.error(readFileSync(logFile, 'utf8'));
    process.exit(r.status ?? 1);
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** A fingerprint of the files under `entries`: paths, sizes and modification times. */
function fingerprint(entries) {
  const h = createHash('sha256');
  const walk = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const name of readdirSync(p).sort()) walk(path.join(p, name));
    else h.update(`${p}\0${s.size}\0${s.mtimeMs}\n`);
  };
  for (const e of entries) walk(e);
  return h.digest('hex');
}

const lock = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
if (!existsSync(INSTALL_STAMP) || readFileSync(INSTALL_STAMP, 'utf8') !== lock) {
  run('installing dependencies (npm ci)', 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
  writeFileSync(INSTALL_STAMP, lock);
} else console.log('phaseboard: dependencies up to date');

const sources = fingerprint(SOURCES);
if (!existsSync('.next/BUILD_ID') || !existsSync(BUILD_STAMP) || readFileSync(BUILD_STAMP, 'utf8') !== sources) {
  run('building (log: reports/build.log)', process.execPath, ['node_modules/next/dist/bin/next', 'build'], 'reports/build.log');
  writeFileSync(BUILD_STAMP, sources);
} else console.log('phaseboard: build up to date');

// Quiet by default here: warnings and errors only (PHASEBOARD_LOG_LEVEL=info for every line).
const start = spawnSync(process.execPath, ['scripts/start.mjs'], { env: { PHASEBOARD_LOG_LEVEL: 'warn', ...env }, stdio: 'inherit' });
process.exit(start.status ?? 0);

import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { stopProcess } from '../lib/testing/processes';
import { E2E_ADMIN_TOKEN } from './auth';
import { startPhaseboard, type Phaseboard } from './spawn';

// Every API route, every method it has, hostile input of every kind, as an
// admin and as nobody: not one answer may be a 5xx.
test.use({ storageState: { cookies: [], origins: [] } });

interface Route {
  template: string;
  methods: string[];
}

/** The route handlers under app/api, read from the tree, so a new route is fuzzed without touching this file. */
function routes(): Route[] {
  const out: Route[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'route.ts') {
        const source = fs.readFileSync(full, 'utf8');
        const methods = [...source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
        out.push({ template: `/${path.relative('app', path.dirname(full)).split(path.sep).join('/')}`, methods });
      }
    }
  };
  walk('app/api');
  return out;
}

const SEGMENTS = [
  'x',
  'a'.repeat(3000),
  '%F0%9F%92%A5',
  '..%2F..%2Fetc%2Fpasswd',
  "'%3B%20DROP%20TABLE%20operations%3B--",
  '%00',
  'sim-ovirt%3Anope',
  '%E0%A4%A',
  '-1',
];
const BODIES: (string | Uint8Array)[] = [
  '{',
  '[]',
  'null',
  '"text"',
  '12345678901234567890',
  '{"a":',
  '['.repeat(5000) + ']'.repeat(5000),
  JSON.stringify({ id: 123, engine: [], uri: {}, seconds: -1, minutes: 'x', confirm: 'yes', watched: 'no', params: { bandwidthMiBs: 1e300 }, reason: 7 }),
  JSON.stringify({ id: 'a'.repeat(200), engine: 'libvirt', uri: 'qemu:///system'.repeat(200), storageDirs: ['/'.repeat(3000)] }),
  JSON.stringify({ username: '\u0000admin', password: 'x'.repeat(60_000), role: 'root', name: null }),
  JSON.stringify({ name: '../../x', role: 'admin', expiresInDays: 1e9 }),
  JSON.stringify({
    domain: '--help',
    disk: 'vda;rm -rf /',
    target: '/etc/shadow',
    destination: { toString: 1 },
    destinationUri: 'qemu+ext:///system?command=/bin/sh',
  }),
  JSON.stringify({ token: 'x'.repeat(500), provider: 'nope', callbackURL: 'https://evil.example/' }),
  JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: { role: 'admin' } } }),
  new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
];
const QUERIES = [
  '',
  '?limit=-1&offset=abc',
  '?state=,,,bogus&kind=%00&engine=ovirt',
  '?view=bogus&limit=1e309',
  `?q=${'%25'.repeat(500)}`,
  '?since=-5',
  '?limit=1000000&offset=99999999999999999999',
];

async function status(pb: Phaseboard, url: string, init: RequestInit): Promise<number> {
  const ac = new AbortController();
  const res = await fetch(`${pb.url}${url}`, { ...init, signal: ac.signal, redirect: 'manual' });
  ac.abort(); // the event stream never ends by itself
  return res.status;
}

test('no route answers 5xx to malformed, mistyped, huge or badly encoded input', async () => {
  test.setTimeout(240_000);
  const pb = await startPhaseboard({ PHASEBOARD_SIM_MIX: '1' });
  const failures: string[] = [];
  try {
    const all = routes();
    expect(all.length).toBeGreaterThan(20);
    const jobs: (() => Promise<void>)[] = [];
    for (const who of [{ Authorization: `Bearer ${E2E_ADMIN_TOKEN}` }, {}] as Record<string, string>[]) {
      for (const r of all) {
        // a route without a dynamic segment is the same URL whatever the segment: fuzz it once
        for (const segment of r.template.includes('[') ? SEGMENTS : SEGMENTS.slice(0, 1)) {
          const url = r.template.replace(/\[\.\.\.\w+\]/, `sign-in/${segment}`).replace(/\[\w+\]/g, segment);
          for (const method of r.methods) {
            const attempts: RequestInit[] =
              method === 'GET' ? QUERIES.map(() => ({ method })) : BODIES.map((body) => ({ method, body, headers: { 'Content-Type': 'application/json' } }));
            for (const [i, init] of attempts.entries()) {
              const target = method === 'GET' ? `${url}${QUERIES[i]}` : url;
              jobs.push(async () => {
                const code = await status(pb, target, { ...init, headers: { ...who, ...(init.headers as Record<string, string>) } }).catch((e: Error) => {
                  failures.push(`${method} ${target.slice(0, 120)}: ${e.message}`);
                  return 0;
                });
                if (code >= 500) failures.push(`${method} ${target.slice(0, 120)} (${who.Authorization ? 'admin' : 'anonymous'}) → ${code}`);
              });
            }
          }
        }
      }
    }
    // A few at a time, as several browsers and scripts would send them.
    const next = jobs.values();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let job = next.next(); !job.done; job = next.next()) await job.value();
      }),
    );
    // The server is still whole afterwards.
    expect((await fetch(`${pb.url}/api/health`)).status).toBe(200);
  } finally {
    await stopProcess(pb.child);
  }
  expect(failures, failures.slice(0, 20).join('\n')).toEqual([]);
  expect(pb.output()).not.toMatch(/unhandled error in route/);
});

import 'server-only';
import fs from 'node:fs';
import { OvirtSimServer } from './server';

/**
 * `npm run sim`: the simulator on its own, so another phaseboard can point
 * at it by URL. SIM_PORT, SIM_HOST, SIM_USERNAME, SIM_PASSWORD, SIM_SPEED,
 * SIM_MIX (number of transfers in flight; 0 for none), SIM_TLS_KEY and
 * SIM_TLS_CERT (PEM files: serve HTTPS, as a real engine does).
 */
const env = process.env;
const speed = Number(env.SIM_SPEED ?? 1);
const mix = Number(env.SIM_MIX ?? 6);
const server = new OvirtSimServer({
  host: env.SIM_HOST ?? '127.0.0.1',
  port: Number(env.SIM_PORT ?? 8443),
  username: env.SIM_USERNAME ?? 'admin@internal',
  password: env.SIM_PASSWORD ?? 'phaseboard-sim',
  tls: env.SIM_TLS_KEY && env.SIM_TLS_CERT ? { key: fs.readFileSync(env.SIM_TLS_KEY, 'utf8'), cert: fs.readFileSync(env.SIM_TLS_CERT, 'utf8') } : undefined,
});
const url = await server.start();
server.setMix(mix, speed);
console.log(`oVirt simulator on ${url} (user ${env.SIM_USERNAME ?? 'admin@internal'}, speed ${speed}, mix ${mix})`);
console.log(`control API: ${url.replace('/ovirt-engine', '')}/sim/scenarios`);
const stop = () => void server.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

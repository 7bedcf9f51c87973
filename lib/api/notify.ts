import 'server-only';
import type { Runtime } from '@/lib/runtime/runtime';
import { z } from 'zod';
import type { Actor, Principal } from '@/lib/model/actor';
import { AppError } from '@/lib/errors/app-error';
import { fromZodError } from '@/lib/errors/zod-error';

/**
 * Webhooks (never their secrets), recent deliveries with every attempt, and
 * watched operations. Many webhook URLs are themselves secrets (chat hooks
 * carry a key in the path): only admins see them whole.
 */
export async function notificationsGet(rt: Runtime, principal: Principal) {
  const { config, store } = rt;
  const [deliveries, watches] = await Promise.all([store.listDeliveries(100), store.listWatches()]);
  const shown = (url: string) => (principal.role === 'admin' ? url : `${new URL(url).origin}/…`);
  return {
    webhooks: config.webhooks.map((w) => ({ id: w.id, url: shown(w.url), events: w.events, maxAttempts: w.maxAttempts })),
    deliveries,
    watches,
  };
}

export const WatchBody = z.strictObject({ watched: z.boolean() });

export async function operationWatch(rt: Runtime, id: string, body: unknown, actor: Actor) {
  const parsed = WatchBody.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error, 'watch body');
  const { store } = rt;
  if (!(await store.getOperation(id))) throw new AppError('not_found', `no operation "${id}"`);
  await store.setWatch(id, actor, parsed.data.watched, new Date().toISOString());
  return { watch: await store.getWatch(id) };
}

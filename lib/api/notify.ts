import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { fromZodError } from '@/lib/errors/zod-error';
import { getRuntime } from '@/lib/runtime/get-runtime';

/** Webhooks (never their secrets), recent deliveries with every attempt, and watched operations. */
export async function notificationsGet() {
  const { config, store } = await getRuntime();
  const [deliveries, watches] = await Promise.all([store.listDeliveries(100), store.listWatches()]);
  return {
    webhooks: config.webhooks.map((w) => ({ id: w.id, url: w.url, events: w.events, maxAttempts: w.maxAttempts })),
    deliveries,
    watches,
  };
}

export const WatchBody = z.strictObject({ watched: z.boolean() });

export async function operationWatch(id: string, body: unknown, actor: string) {
  const parsed = WatchBody.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error, 'watch body');
  const { store } = await getRuntime();
  if (!(await store.getOperation(id))) throw new AppError('not_found', `no operation "${id}"`);
  await store.setWatch(id, actor, parsed.data.watched, new Date().toISOString());
  return { watch: await store.getWatch(id) };
}

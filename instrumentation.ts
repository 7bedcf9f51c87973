// Starts phaseboard's server side (store, collector, simulator) with the
// Next.js server, so the board fills before the first page is asked for.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { getRuntime } = await import('./lib/runtime/get-runtime');
  try {
    await getRuntime();
  } catch (e) {
    // A bad config must stop startup with a message naming the field.
    console.error(`phaseboard: cannot start: ${(e as Error).message}`);
    process.exit(1);
  }
}

/** One server-sent event as the bench sees it, stamped on arrival. */
export interface ReceivedEvent {
  event: string;
  id: string | null;
  data: string;
  receivedAt: number;
}

/**
 * Reads phaseboard's /api/stream like a browser's EventSource would, without
 * reconnecting: the bench wants to see a broken stream, not paper over it.
 */
export function readEventStream(url: string, token: string, onEvent: (e: ReceivedEvent) => void): { close(): void; done: Promise<void> } {
  const abort = new AbortController();
  const done = (async () => {
    const res = await fetch(url, { signal: abort.signal, headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` } });
    if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const receivedAt = Date.now();
      buffer += decoder.decode(chunk, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = 'message';
        let id: string | null = null;
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('id: ')) id = line.slice(4);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) onEvent({ event, id, data: data.join('\n'), receivedAt });
      }
    }
  })().catch((e: unknown) => {
    if (!abort.signal.aborted) throw e;
  });
  return { close: () => abort.abort(), done };
}

'use client';

/**
 * Operations that started (or, in history, ended) since the view was loaded:
 * counted here, shown only when the reader asks, so rows never move under
 * the pointer. The slot keeps its height when empty.
 */
export function NewRowsPill({ count, view, onShow }: { count: number; view: 'live' | 'history'; onShow: () => void }) {
  if (count === 0) return <span aria-hidden="true" />;
  return (
    <button
      type="button"
      onClick={onShow}
      data-testid="new-rows"
      className="rounded-full bg-sky-700 px-3 py-1 text-xs font-medium text-white shadow hover:bg-sky-800 focus:outline-2 focus:outline-offset-2 focus:outline-sky-500"
    >
      {count} {view === 'history' ? 'newly finished' : 'new'} · show
    </button>
  );
}

'use client';

import Link from 'next/link';
import { useSyncExternalStore } from 'react';
import { LAST_BOARD_KEY } from '@/lib/client/board-params';

const noSubscription = () => () => {};

function lastBoard(): string {
  try {
    const last = sessionStorage.getItem(LAST_BOARD_KEY);
    // only a board URL of our own: never somewhere else
    return last && /^\/(\?[\w%.,:=&+-]*)?$/.test(last) ? last : '/';
  } catch {
    return '/';
  }
}

/** "← Board", back to the board as the reader left it in this tab (view, filters, sort, page). */
export function BackToBoard({ className, children = '← Board' }: { className?: string; children?: React.ReactNode }) {
  const href = useSyncExternalStore(noSubscription, lastBoard, () => '/');
  return (
    <Link href={href} className={className ?? 'text-sm text-sky-700 hover:underline dark:text-sky-300'} data-testid="back-to-board">
      {children}
    </Link>
  );
}

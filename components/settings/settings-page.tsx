'use client';

import { PresenterLink } from './presenter-link';
import { TokenList } from './token-list';
import { UserList } from './user-list';

/** What an admin manages besides engines: people, scripts, presenters. */
export function SettingsPage() {
  return (
    <div className="space-y-10">
      <UserList />
      <TokenList />
      <PresenterLink />
    </div>
  );
}

import { SettingsPage } from '@/components/settings/settings-page';

export const metadata = { title: 'Users & tokens · phaseboard' };

export default function Settings() {
  return <SettingsPage />;
}

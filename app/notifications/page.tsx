import { NotificationSettings } from '@/components/notify/notification-settings';

export const metadata = { title: 'Notifications · phaseboard' };

export default function NotificationsPage() {
  return <NotificationSettings />;
}

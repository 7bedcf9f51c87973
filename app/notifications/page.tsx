import { NotificationSettings } from '@/components/notify/notification-settings';

export default function NotificationsPage() {
  return <NotificationSettings />;
}

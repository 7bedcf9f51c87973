import { AccountPage } from '@/components/auth/account-page';

export const metadata = { title: 'Account · phaseboard' };

export default function Account() {
  return <AccountPage />;
}

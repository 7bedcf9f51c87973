import { handleAuthRequest } from '@/lib/http/auth-route';

export const dynamic = 'force-dynamic';

/** better-auth: /sign-in/username, /sign-out, /sign-in/oauth2, /oauth2/callback/oidc, /login-link/redeem … */
export const GET = handleAuthRequest;
export const POST = handleAuthRequest;

import { NextResponse, type NextRequest } from 'next/server';
import { loadConfig } from '@/lib/config/load-config';
import { checkHost } from '@/lib/http/guards';

// Pages get the same Host allow-list as the API (route handlers check it
// themselves): a page of another site whose DNS name was rebound to this
// machine is turned away before anything is served.
let allowedHosts: string[] | null = null;

export function proxy(req: NextRequest) {
  allowedHosts ??= loadConfig().server.allowedHosts;
  try {
    checkHost(req, allowedHosts);
  } catch (e) {
    return new NextResponse((e as Error).message, { status: 421, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  return NextResponse.next();
}

export const config = {
  // The API checks in its own route wrapper (so request bodies are never buffered here).
  matcher: ['/((?!api/|_next/static|_next/image).*)'],
};

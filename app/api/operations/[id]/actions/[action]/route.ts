import { operationActionRequest, readJsonBody } from '@/lib/api/operations';
import { errorResponse } from '@/lib/api/respond';
import { NextResponse } from 'next/server';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, ctx: { params: Promise<{ id: string; action: string }> }) {
  const { id, action } = await ctx.params;
  try {
    const { run, created } = await operationActionRequest({
      id: decodeURIComponent(id),
      action,
      body: await readJsonBody(req),
      idempotencyKey: req.headers.get('idempotency-key'),
      // No login yet: a fronting proxy may name the user; otherwise "operator".
      actor: req.headers.get('x-remote-user') ?? 'operator',
    });
    return NextResponse.json({ run, replayed: !created }, { status: created ? 202 : 200 });
  } catch (e) {
    return errorResponse(e);
  }
}

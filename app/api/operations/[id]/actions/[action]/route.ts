import { operationActionRequest } from '@/lib/api/operations';
import { actorOf, errorResponse, readJsonBody } from '@/lib/api/respond';
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
      actor: actorOf(req),
    });
    return NextResponse.json({ run, replayed: !created }, { status: created ? 202 : 200 });
  } catch (e) {
    return errorResponse(e);
  }
}

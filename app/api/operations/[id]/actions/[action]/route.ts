import { NextResponse } from 'next/server';
import { operationActionRequest } from '@/lib/api/operations';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** 202 with the new run; 200 with the first run for a repeated Idempotency-Key; 409 while another action runs */
export const POST = route<{ id: string; action: string }>({ role: 'operator' }, async ({ rt, req, params, body, actor }) => {
  const { run, created } = await operationActionRequest(rt, {
    id: params.id,
    action: params.action,
    body,
    idempotencyKey: req.headers.get('idempotency-key'),
    actor,
  });
  return NextResponse.json({ run, replayed: !created }, { status: created ? 202 : 200, headers: { 'Cache-Control': 'no-store' } });
});

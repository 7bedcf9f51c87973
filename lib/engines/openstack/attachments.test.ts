import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { operation } from '@/lib/testing/operations';
import { volumeOperations, type VolumeView } from './attachments';
import { CinderAttachmentList, CinderVolumeList, parsePayload, type CinderAttachment, type CinderVolume } from './parse';
import { swapAfterVanish } from './resolve';

const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', `${name}.json`), 'utf8'));
const attachments = (name: string) => parsePayload(CinderAttachmentList, fixture(name), name).attachments;
const volumes = parsePayload(CinderVolumeList, fixture('cinder-volumes-detail-v3.70'), 'volumes').volumes;
const INSTANCE = '01f8442a-732a-4d23-8534-70cfc994df2a';
const instances = new Map([[INSTANCE, { name: 'pbfix-vm', taskState: null, vmState: 'active', host: 'fake-1' }]]);
const view = (o: Partial<VolumeView>): VolumeView => ({ attachments: [], volumes, instances, migrating: new Set(), known: new Map(), ...o });

describe('Cinder attachments → operations', () => {
  it('an attachment on its way (reserved) is an operation; a settled one is not, unless phaseboard follows it', () => {
    const list = attachments('cinder-attachments-detail-v3.70-reserved-and-attached');
    const { snapshots } = volumeOperations(view({ attachments: list }));
    const reserved = list.find((a) => a.status === 'reserved')!;
    expect(snapshots.map((s) => [s.nativeId, s.nativePhase, s.state])).toEqual([[`attachment:${reserved.id}`, 'reserved', 'pending']]);
    expect(snapshots[0]!.related).toEqual([{ role: 'instance', type: 'instance', id: INSTANCE, name: 'pbfix-vm' }]);
    expect(snapshots[0]!.details).toMatchObject({ instance: 'pbfix-vm', attachMode: null, attachedAt: null });
    const attached = list.find((a) => a.status === 'attached')!;
    const followed = new Map([[`attachment:${attached.id}`, operation({ nativeId: `attachment:${attached.id}`, kind: 'volume_attachment' })]]);
    const again = volumeOperations(view({ attachments: list, known: followed })).snapshots;
    expect(again.find((s) => s.nativeId === `attachment:${attached.id}`)).toMatchObject({ nativePhase: 'attached', state: 'succeeded' });
  });

  it('during a live migration the second set of attachments belongs to the migration, and the hand-over is `replaced`, not a failure', () => {
    const during = attachments('cinder-attachments-detail-v3.70-during-live-migration');
    const r = volumeOperations(view({ attachments: during, migrating: new Set([INSTANCE]) }));
    expect(r.snapshots).toEqual([]);
    const related = r.byMigratingInstance.get(INSTANCE)!;
    // two volumes, each with the source's attachment and the destination's newer one; the reservation is the migration's too
    expect(
      related
        .filter((x) => x.role === 'destination attachment')
        .map((x) => x.id)
        .sort(),
    ).toEqual(['3067f91f-f69d-43ab-ac4e-823c2d1a3887', 'd96fddcb-642e-4a62-976a-eaf8b5c41f94']);
    expect(related).toHaveLength(5);

    // after it: the source's attachments are deleted; one phaseboard followed is handed over
    const after = attachments('cinder-attachments-detail-v3.70-after-live-migration');
    const gone = during.find((a) => a.id === 'a4a3663d-0f8a-4743-ba7f-634b55c2ca0a')!;
    expect(after.some((a) => a.id === gone.id)).toBe(false);
    const known = new Map([
      [
        `attachment:${gone.id}`,
        operation({
          nativeId: `attachment:${gone.id}`,
          kind: 'volume_attachment',
          nativePhase: 'attached',
          state: 'succeeded',
          subject: { type: 'volume', id: gone.volume_id, name: 'pbfix-data' },
          details: { instanceId: INSTANCE },
        }),
      ],
    ]);
    const handed = volumeOperations(view({ attachments: after, known })).snapshots.find((s) => s.nativeId === `attachment:${gone.id}`);
    expect(handed).toMatchObject({ nativePhase: 'replaced', state: 'succeeded' });
    expect(handed!.details.replacedBy).toBe(after.find((a) => a.volume_id === gone.volume_id && a.status === 'attached')!.id);
  });

  it('an attached attachment that vanishes with no heir was detached; reported once, then let go', () => {
    const op = operation({
      nativeId: 'attachment:a1',
      kind: 'volume_attachment',
      nativePhase: 'detaching',
      state: 'running',
      subject: { type: 'volume', id: 'v1', name: 'db01-data' },
      details: { instanceId: INSTANCE },
    });
    const first = volumeOperations(view({ known: new Map([[op.nativeId, op]]) })).snapshots;
    expect(first).toMatchObject([{ nativeId: 'attachment:a1', nativePhase: 'detached', state: 'succeeded' }]);
    const later = volumeOperations(view({ known: new Map([[op.nativeId, { ...op, nativePhase: 'detached', state: 'succeeded' as const }]]) })).snapshots;
    expect(later).toEqual([]);
  });

  it('a swap is one operation holding both attachments (seed 002), and ends as the deleted one says', () => {
    const vol = (id: string, name: string, status: string): CinderVolume => ({ id, name, status, attachments: [] });
    const att = (id: string, volume: string, status: string): CinderAttachment => ({
      id,
      status,
      instance: INSTANCE,
      volume_id: volume,
      attached_at: status === 'attached' ? '2026-11-21T23:19:15.000000' : '',
      detached_at: '',
      attach_mode: 'null',
    });
    const vols = [vol('old', 'db01-data', 'detaching'), vol('new', 'db01-data-2', 'reserved')];
    const both = [att('a-old', 'old', 'attached'), att('a-new', 'new', 'reserved')];
    const { snapshots } = volumeOperations(view({ attachments: both, volumes: vols }));
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ nativeId: `swap:${INSTANCE}:old`, kind: 'volume_swap', nativePhase: 'reserved', subject: { name: 'pbfix-vm' } });
    expect(snapshots[0]!.related.map((r) => `${r.role} ${r.id}`)).toEqual(['old attachment a-old', 'new attachment a-new']);
    const swap = { details: snapshots[0]!.details };
    expect(swapAfterVanish(swap, [att('a-new', 'new', 'attached')])).toMatchObject({
      state: 'succeeded',
      message: 'swapped: db01-data-2 replaces db01-data; the old attachment was deleted',
    });
    expect(swapAfterVanish(swap, [att('a-old', 'old', 'attached')])).toMatchObject({ state: 'failed' });

    // the old attachment phaseboard already followed (detaching) stays its own operation while the swap holds it
    const followedOld = operation({
      nativeId: 'attachment:a-old',
      kind: 'volume_attachment',
      nativePhase: 'detaching',
      state: 'running',
      subject: { type: 'volume', id: 'old', name: 'db01-data' },
    });
    const withFollowed = volumeOperations(view({ attachments: both, volumes: vols, known: new Map([[followedOld.nativeId, followedOld]]) })).snapshots;
    expect(withFollowed.map((x) => x.nativeId).sort()).toEqual(['attachment:a-old', `swap:${INSTANCE}:old`]);

    // Nova completes the new attachment before it deletes the old: no longer swap-shaped, both still there, so finishing
    const followedSwap = operation({
      nativeId: `swap:${INSTANCE}:old`,
      kind: 'volume_swap',
      nativePhase: 'swapping',
      state: 'running',
      details: snapshots[0]!.details,
    });
    const settled = [vol('old', 'db01-data', 'in-use'), vol('new', 'db01-data-2', 'in-use')];
    const finishing = volumeOperations(
      view({
        attachments: [att('a-old', 'old', 'attached'), att('a-new', 'new', 'attached')],
        volumes: settled,
        known: new Map([[followedSwap.nativeId, followedSwap]]),
      }),
    ).snapshots;
    expect(finishing.find((x) => x.nativeId === followedSwap.nativeId)).toMatchObject({ nativePhase: 'finishing', state: 'finalizing' });
  });
});

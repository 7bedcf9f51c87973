import 'server-only';
import type { Operation } from '@/lib/model/operation';
import type { Playbook } from '@/lib/triage/playbook';
import { actionStep, manualStep } from '@/lib/triage/steps';
import { VERB_ARGS, virshLine } from '../client';
import type { LibvirtAdapter } from '../adapter';

const domainOf = (op: Operation | null) => String(op?.details.domain ?? '{domain}');
const diskOf = (op: Operation | null) => String(op?.details.disk ?? '{disk}');
/** libvirt's remedies; each step's request is the command the client sends (VERB_ARGS). */
export const LIBVIRT_PLAYBOOKS: readonly Playbook<LibvirtAdapter>[] = [
  {
    id: 'libvirt.raise-bandwidth',
    title: 'Raise the migration bandwidth',
    description: "Doubles the migration's maximum bandwidth (at least 64 MiB/s).",
    plan: (_f, op) => {
      const now = Number(op?.details.memoryBandwidth ?? 0);
      const mibs = Math.max(64, Math.ceil((now * 2) / 1024 ** 2));
      return [
        actionStep({
          action: 'set_bandwidth',
          params: { bandwidthMiBs: mibs },
          title: `Set the maximum bandwidth to ${mibs} MiB/s`,
          request: virshLine(VERB_ARGS.migrateSetSpeed({ domain: domainOf(op), bandwidthMiBs: mibs })),
          changes: [`migration of ${domainOf(op)}: max bandwidth`],
        }),
      ];
    },
  },
  {
    id: 'libvirt.postcopy',
    title: 'Switch the migration to post-copy',
    description: 'The guest moves to the destination now and fetches the remaining memory on demand.',
    plan: (_f, op) => [
      actionStep({
        action: 'postcopy',
        title: 'Switch to post-copy',
        request: virshLine(VERB_ARGS.migratePostcopy({ domain: domainOf(op) })),
        changes: [`domain ${domainOf(op)}: runs on the destination`],
      }),
    ],
  },
  {
    id: 'libvirt.abort-and-retry',
    title: 'Abort, then migrate again with auto-converge',
    description: 'Aborts this attempt (the domain stays on the source); the next attempt is started with --auto-converge.',
    plan: (_f, op) => [
      actionStep({
        action: 'cancel',
        title: 'Abort the migration',
        request: virshLine(VERB_ARGS.domJobAbort({ domain: domainOf(op) })),
        changes: [`migration of ${domainOf(op)}: aborted`],
      }),
      manualStep({
        title: 'Start a new attempt with auto-converge',
        command: `virsh migrate --live --auto-converge ${domainOf(op)} <destination-uri>`,
        changes: [`domain ${domainOf(op)}: migrates`],
      }),
    ],
  },
  {
    id: 'libvirt.pivot',
    title: 'Pivot to the copy',
    description: 'The domain switches to the copy and the job ends.',
    plan: (_f, op) => [
      actionStep({
        action: 'pivot',
        title: 'Pivot',
        request: virshLine(VERB_ARGS.blockJobPivot({ domain: domainOf(op), disk: diskOf(op) })),
        changes: [`domain ${domainOf(op)} ${diskOf(op)}: now ${String(op?.details.destination ?? 'the copy')}`],
      }),
    ],
  },
  {
    id: 'libvirt.cancel-copy',
    title: 'Cancel, keeping a point-in-time copy',
    description: 'Mirroring stops; the domain stays on its source.',
    plan: (_f, op) => [
      actionStep({
        action: 'cancel',
        title: 'Cancel the copy',
        request: virshLine(VERB_ARGS.blockJobAbort({ domain: domainOf(op), disk: diskOf(op) })),
        changes: [`block copy to ${String(op?.details.destination ?? 'the copy')}: stopped`],
      }),
    ],
  },
];

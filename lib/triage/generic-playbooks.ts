import 'server-only';
import type { EngineAdapter } from '@/lib/engines/types';
import type { Playbook } from './playbook';

/** Playbooks every engine connection has. */
export const GENERIC_PLAYBOOKS: readonly Playbook<EngineAdapter>[] = [
  {
    id: 'connection.check',
    title: 'Test the connection now',
    observesOnly: true,
    description: 'One list call to the engine, as the collector makes: shows whether it answers again, and its error if not.',
    plan: (finding) => [
      {
        title: `List operations on ${finding.connectionId}`,
        request: "the adapter's batched list call (oVirt: GET /ovirt-engine/api/imagetransfers?follow=disk)",
        changes: [],
        precondition: 'none (read-only)',
        manual: false,
        check: async () => null,
        async run({ adapter, refresh }) {
          const list = await adapter.listOperations();
          await refresh();
          return `the engine answered: ${list.length} operation(s) listed`;
        },
      },
    ],
  },
];

import { z } from 'zod';

// What the Ganeti start form sends and reads: shared by the Engines page
// (components/engines/ganeti) and the adapter, so both hold the same rules.
// Pure: no server code.

/** Ganeti's names are host names: checked again against the cluster's own lists before anything is sent. */
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/, 'a name such as inst1.example.com');

/** A migration (live or not) or a failover: to a named node, or (null) where the cluster's allocator chooses. */
export const MoveParams = z.strictObject({
  instance: Name,
  node: Name.nullable().default(null),
});
export type MoveParams = z.infer<typeof MoveParams>;

/** What the Engines page can start work on: instances, and the nodes they can go to. */
export const GanetiInventory = z.object({
  instances: z.array(z.object({ name: z.string(), status: z.string(), primary: z.string(), secondaries: z.array(z.string()), diskTemplate: z.string() })),
  nodes: z.array(z.object({ name: z.string(), offline: z.boolean(), drained: z.boolean() })),
});
export type GanetiInventory = z.infer<typeof GanetiInventory>;

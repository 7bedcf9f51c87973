import { z } from 'zod';

// What the OpenStack start form sends and reads: shared by the Engines page
// (components/engines/openstack) and the adapter, so both hold the same rules.
// Pure: no server code.

const InstanceId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'an instance UUID');
/** a compute host as Nova names it; checked again against the cloud's own list before anything is sent */
const HostName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'a compute host name such as compute-2');

/** A live or cold migration: to a named host, or (null) wherever the scheduler chooses. */
export const MoveParams = z.strictObject({
  instance: InstanceId,
  host: HostName.nullable().default(null),
});
export type MoveParams = z.infer<typeof MoveParams>;

/** What the Engines page can start work on: instances, and the compute hosts they can go to. */
export const OpenStackInventory = z.object({
  instances: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), host: z.string().nullable(), taskState: z.string().nullable() })),
  hosts: z.array(z.object({ name: z.string(), enabled: z.boolean(), up: z.boolean(), reason: z.string().nullable() })),
  /** why nothing can be started (credentials without the admin role), when so */
  blocked: z.string().nullable(),
});
export type OpenStackInventory = z.infer<typeof OpenStackInventory>;

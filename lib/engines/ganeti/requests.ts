// The requests phaseboard sends to RAPI, named once: the client sends them, a
// dry run shows them, and the tests use them. Pure: no server code.

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';
const enc = encodeURIComponent;

/** One request phaseboard sends; what the client sends is what a dry run shows (requestLine). */
export interface RapiRequest {
  method: Method;
  /** below the RAPI base, e.g. /2/instances/inst1/migrate */
  path: string;
  body?: unknown;
}

/** The requests that change something, named once: the action, its dry run and the tests use the same. */
export const REQUESTS = {
  /** live or non-live; a target node, or the cluster's allocator when none is named. `cleanup` goes in the body: in the query Ganeti ignores it and migrates for real. */
  migrate: (instance: string, body: { mode?: 'live' | 'non-live'; target_node?: string; cleanup?: boolean; allow_failover?: boolean }): RapiRequest => ({
    method: 'PUT',
    path: `/2/instances/${enc(instance)}/migrate`,
    body,
  }),
  failover: (instance: string, body: { target_node?: string }): RapiRequest => ({ method: 'PUT', path: `/2/instances/${enc(instance)}/failover`, body }),
  shutdown: (instance: string): RapiRequest => ({ method: 'PUT', path: `/2/instances/${enc(instance)}/shutdown`, body: {} }),
  startup: (instance: string): RapiRequest => ({ method: 'PUT', path: `/2/instances/${enc(instance)}/startup`, body: {} }),
  cancel: (job: number): RapiRequest => ({ method: 'DELETE', path: `/2/jobs/${job}` }),
};

/** A request as a person reads it: `PUT /2/instances/inst1/migrate {"cleanup":true}`. */
export const requestLine = (r: RapiRequest): string => `${r.method} ${decodeURIComponent(r.path)}${r.body !== undefined ? ` ${JSON.stringify(r.body)}` : ''}`;

/** What anyone may know of an engine connection: never a credential. */
export interface ConnectionFacts {
  id: string;
  engine: string;
  /** the engine URL or libvirt URI */
  url: string;
  simulated: boolean;
  /** added from the UI (and removable there) */
  added: boolean;
  /** reached over plain http (the config said insecure) */
  insecure: boolean;
}

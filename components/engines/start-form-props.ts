/** What the Engines page hands every engine's start form. */
export interface StartFormProps {
  connectionId: string;
  /** whether the person may start work here, and why not */
  canStart: { allowed: boolean; reason?: string };
  /** other connections of the same engine (a migration's destination) */
  destinations: string[];
  simulated: boolean;
}

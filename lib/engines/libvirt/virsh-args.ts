/**
 * One named virsh option, `--name=value`. virsh reads a bare argument that
 * starts with `--` as an option, and libvirt allows a domain called
 * `--pivot`: every name, path and URI is passed this way, never by position.
 */
export const opt = (name: string, value: string | number): string => `--${name}=${value}`;

/** The named options and bare flags of a virsh command line (the simulator reads commands with this). */
export function readOptions(args: readonly string[]): { options: Record<string, string>; flags: Set<string> } {
  const options: Record<string, string> = {};
  const flags = new Set<string>();
  for (const a of args) {
    const m = /^--([\w-]+)=(.*)$/s.exec(a);
    if (m) options[m[1]!] = m[2]!;
    else if (a.startsWith('--')) flags.add(a.slice(2));
  }
  return { options, flags };
}

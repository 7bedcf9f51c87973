/**
 * Names for what the simulators create, as a real estate would have them
 * (db01, web-02): an audience reads the board, and a name must neither look
 * synthetic nor give away how its scenario ends.
 */
const ROLES = ['db', 'web', 'app', 'mail', 'cache', 'ci', 'ldap', 'proxy', 'build', 'erp', 'files', 'mon'] as const;

/** The `seq`-th machine's name (from 1): a role and a number, with a dash for every other role, unique for every seq. */
export function simMachineName(seq: number): string {
  const i = Math.max(0, Math.floor(seq) - 1);
  const role = ROLES[i % ROLES.length]!;
  const n = String(Math.floor(i / ROLES.length) + 1).padStart(2, '0');
  return (i % ROLES.length) % 2 === 0 ? `${role}${n}` : `${role}-${n}`;
}

/** The `seq`-th disk's name, as oVirt names a VM's disks (db01_Disk1). */
export function simDiskName(seq: number): string {
  return `${simMachineName(seq)}_Disk1`;
}

import 'server-only';
import type { Logger } from '@/lib/log/logger';
import type { BlockCopyParams, MigrationParams } from './forms';
import {
  parseBlockJobRaw,
  parseDomainDisks,
  parseDomainNames,
  parseDomBlkList,
  parseDomJobInfo,
  type BlockJobInfo,
  type DomainDisk,
  type DomJobInfo,
} from './parse';
import { opt, type VirshTransport } from './virsh';

/** virsh arguments for a copy (seed 004's flags; every name and path as a named option). */
export function blockCopyArgs(p: BlockCopyParams): string[] {
  return [
    'blockcopy',
    opt('domain', p.domain),
    opt('path', p.disk),
    opt('dest', p.target),
    '--transient-job',
    ...(p.format && !p.raw ? [opt('format', p.format)] : []),
    ...(p.shallow ? ['--shallow'] : []),
    ...(p.reuseExternal ? ['--reuse-external'] : []),
    ...(p.raw ? ['--raw'] : []),
    ...(p.bandwidthMiBs ? [opt('bandwidth', p.bandwidthMiBs)] : []),
  ];
}

/** virsh arguments for a migration (virsh runs until the migration ends). */
export function migrationArgs(p: MigrationParams): string[] {
  return [
    'migrate',
    '--live',
    '--p2p',
    ...(p.postcopy ? ['--postcopy'] : []),
    ...(p.autoConverge ? ['--auto-converge'] : []),
    ...(p.unsafe ? ['--unsafe'] : []),
    ...(p.bandwidthMiBs ? [opt('bandwidth', p.bandwidthMiBs)] : []),
    opt('domain', p.domain),
    opt('desturi', p.destinationUri),
    ...(p.migrationUri ? [opt('migrateuri', p.migrationUri)] : []),
  ];
}

/**
 * The virsh command of each verb that changes something. The client sends
 * exactly these, and a playbook's dry run shows them (virshLine), so what
 * the plan says is what is sent.
 */
export const VERB_ARGS = {
  blockJobPivot: ({ domain, disk }: { domain: string; disk: string }) => ['blockjob', opt('domain', domain), opt('path', disk), '--pivot'],
  blockJobAbort: ({ domain, disk }: { domain: string; disk: string }) => ['blockjob', opt('domain', domain), opt('path', disk), '--abort'],
  migrateSetSpeed: ({ domain, bandwidthMiBs }: { domain: string; bandwidthMiBs: number }) => [
    'migrate-setspeed',
    opt('domain', domain),
    opt('bandwidth', bandwidthMiBs),
  ],
  migratePostcopy: ({ domain }: { domain: string }) => ['migrate-postcopy', opt('domain', domain)],
  domJobAbort: ({ domain }: { domain: string }) => ['domjobabort', opt('domain', domain)],
  blockCopy: blockCopyArgs,
  migrate: migrationArgs,
};

/** A virsh command as a person would type it. */
export const virshLine = (args: readonly string[]): string => ['virsh', ...args].join(' ');

/** One domain's live XML and job, read in one batch with the others. */
export interface DomainInfo {
  disks: DomainDisk[];
  job: DomJobInfo | null;
}

export type LibvirtClient = ReturnType<typeof createLibvirtClient>;

/**
 * libvirt's resources and verbs, each one virsh command (or one batch of
 * them) with a debug line per call. Parsing of virsh's text stays in
 * parse.ts; deciding what it means stays in the adapter.
 */
export function createLibvirtClient(virsh: VirshTransport, log: Logger) {
  const call = (verb: string, fields: Record<string, unknown>) => log.debug({ verb, ...fields }, 'virsh');
  return {
    /** running domains (all defined ones with `all`) */
    async domains({ all = false }: { all?: boolean } = {}): Promise<string[]> {
      call('domains', { all });
      return parseDomainNames(await virsh.run(['list', ...(all ? ['--all'] : []), '--name']));
    },

    /** each domain's disks (live XML) and its job, in one virsh process */
    async domainsInfo(domains: readonly string[]): Promise<DomainInfo[]> {
      if (domains.length === 0) return [];
      call('domainsInfo', { domains: domains.length });
      const out = await virsh.batch(
        domains.flatMap((d) => [
          ['dumpxml', opt('domain', d)],
          ['domjobinfo', opt('domain', d)],
        ]),
      );
      return domains.map((_, i) => ({ disks: out[2 * i] ? parseDomainDisks(out[2 * i]!) : [], job: parseDomJobInfo(out[2 * i + 1] ?? '') }));
    },

    /** block job progress of each disk, in one virsh process; null where there is no job */
    async blockJobs(disks: readonly { domain: string; disk: string }[]): Promise<(BlockJobInfo | null)[]> {
      if (disks.length === 0) return [];
      call('blockJobs', { disks: disks.length });
      const out = await virsh.batch(disks.map(({ domain, disk }) => ['blockjob', opt('domain', domain), opt('path', disk), '--raw']));
      return disks.map((_, i) => parseBlockJobRaw(out[i] ?? ''));
    },

    /**
     * The running domains, which of these disks has a block job (its type)
     * and which of these domains has a job (its operation): one virsh
     * process, no XML. `list` goes last because virsh exits with its last
     * command's status, and a domain gone meanwhile must not fail the rest.
     */
    async jobPresence(disks: readonly { domain: string; disk: string }[], domains: readonly string[]) {
      call('jobPresence', { disks: disks.length, domains: domains.length });
      const out = await virsh.batch([
        ...disks.map(({ domain, disk }) => ['blockjob', opt('domain', domain), opt('path', disk), '--raw']),
        ...domains.map((d) => ['domjobinfo', opt('domain', d)]),
        ['list', '--name'],
      ]);
      return {
        running: parseDomainNames(out[disks.length + domains.length] ?? ''),
        blockJobs: disks.map((_, i) => parseBlockJobRaw(out[i] ?? '')?.type ?? null),
        domainJobs: domains.map((_, i) => parseDomJobInfo(out[disks.length + i] ?? '')?.operation ?? null),
      };
    },

    async domainDisks(domain: string): Promise<DomainDisk[]> {
      call('domainDisks', { domain });
      return parseDomainDisks(await virsh.run(['dumpxml', opt('domain', domain)]));
    },

    /** the live XML of each domain (to find who uses a path as storage) */
    async domainXmls(domains: readonly string[]): Promise<string[]> {
      call('domainXmls', { domains: domains.length });
      return virsh.batch(domains.map((d) => ['dumpxml', opt('domain', d)]));
    },

    /** where each disk of the domain points now */
    async diskSources(domain: string) {
      call('diskSources', { domain });
      return parseDomBlkList(await virsh.run(['domblklist', opt('domain', domain), '--details']));
    },

    async jobInfo(domain: string): Promise<DomJobInfo | null> {
      call('jobInfo', { domain });
      return parseDomJobInfo(await virsh.run(['domjobinfo', opt('domain', domain)]));
    },

    async blockJobPivot(p: { domain: string; disk: string }): Promise<void> {
      call('blockJobPivot', p);
      await virsh.run(VERB_ARGS.blockJobPivot(p));
    },

    async blockJobAbort(p: { domain: string; disk: string }): Promise<void> {
      call('blockJobAbort', p);
      await virsh.run(VERB_ARGS.blockJobAbort(p));
    },

    /** starts a copy; answers virsh's own words */
    async blockCopy(p: BlockCopyParams): Promise<string> {
      call('blockCopy', { domain: p.domain, disk: p.disk, target: p.target });
      return virsh.run(VERB_ARGS.blockCopy(p));
    },

    /** starts a migration; the promise settles when virsh migrate ends (the migration's end, or its refusal) */
    migrate(p: MigrationParams): Promise<void> {
      call('migrate', { domain: p.domain, destination: p.destinationUri });
      return virsh.background(VERB_ARGS.migrate(p));
    },

    async migrateSetSpeed(p: { domain: string; bandwidthMiBs: number }): Promise<void> {
      call('migrateSetSpeed', p);
      await virsh.run(VERB_ARGS.migrateSetSpeed(p));
    },

    async migratePostcopy(p: { domain: string }): Promise<void> {
      call('migratePostcopy', p);
      await virsh.run(VERB_ARGS.migratePostcopy(p));
    },

    async domJobAbort(p: { domain: string }): Promise<void> {
      call('domJobAbort', p);
      await virsh.run(VERB_ARGS.domJobAbort(p));
    },

    /** lines as `virsh event --all --loop --timestamp` prints them */
    watchEvents(onLine: (line: string) => void) {
      call('watchEvents', {});
      return virsh.watchEvents(onLine, log);
    },
  };
}

import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import type { VirshTransport } from '../virsh';
import { readOptions } from '../virsh';
import type { SimDomain, SimLibvirtHost } from './host';

const MiB = 1024 * 1024;
const mib = (b: number) => `${(b / MiB).toFixed(3)} MiB`;

/**
 * virsh, simulated: answers the commands the libvirt adapter sends with text
 * in virsh's own formats, and streams event lines as `virsh event` prints
 * them, so the adapter runs unchanged against it.
 */
export class SimVirshTransport implements VirshTransport {
  constructor(
    private readonly host: SimLibvirtHost,
    private readonly uri = 'sim+test:///system',
  ) {}

  async run(args: string[]): Promise<string> {
    this.assertUp();
    this.host.advance();
    const [cmd = ''] = args;
    const { options, flags } = readOptions(args);
    const name = options.domain ?? '';
    const refuse = (message: string) => new AppError('engine_refused', `libvirt ${this.uri}: ${message}`, { engineMessage: message });
    if (cmd === 'list') return [...this.host.domains.keys()].map((n) => `${n}\n`).join('');
    const d = this.host.domains.get(name);
    if (!d) throw refuse(`failed to get domain '${name}'`);
    const act = (error: string | null, ok = '') => {
      if (error) throw refuse(error);
      return ok;
    };
    switch (cmd) {
      case 'dumpxml':
        return renderXml(d);
      case 'domjobinfo':
        return renderJobInfo(d, this.host.now());
      case 'domblklist':
        return ` Type   Device   Target   Source\n------------------------------------\n file   disk     vda      ${d.disk.source}\n\n`;
      case 'blockjob':
        if (flags.has('pivot')) return act(this.host.pivot(d));
        if (flags.has('abort')) return act(this.host.abortJob(d));
        return d.job ? ` type=${d.job.type}\n bandwidth=${Math.round(d.job.bandwidth / MiB)}\n cur=${d.job.cur}\n end=${d.job.size}\n\n` : '';
      case 'domjobabort':
        return act(this.host.abortMigration(d));
      case 'migrate-setspeed':
        return act(this.host.setSpeed(d, Number(options.bandwidth)));
      case 'migrate-postcopy':
        return act(this.host.postcopy(d));
      case 'blockcopy':
        return act(this.host.startCopy(d, options.dest ?? '', options.bandwidth ? Number(options.bandwidth) : null), 'Block Copy started\n');
    }
    throw refuse(`unknown command: '${cmd}'`);
  }

  /** virsh migrate: the simulated migration starts and is polled like a real one. */
  async background(args: string[]): Promise<void> {
    this.assertUp();
    this.host.advance();
    const { options } = readOptions(args);
    const d = this.host.domains.get(options.domain ?? '');
    if (!d) throw new AppError('engine_refused', `libvirt ${this.uri}: failed to get domain '${options.domain ?? ''}'`);
    const error = this.host.startMigration(d, options.bandwidth ? Number(options.bandwidth) : null);
    if (error) throw new AppError('engine_refused', `libvirt ${this.uri}: ${error}`, { engineMessage: error });
  }

  /** virsh's own words when libvirtd's socket is gone */
  private assertUp(): void {
    if (!this.host.down) return;
    const message = "failed to connect to the hypervisor: Failed to connect socket to '/run/libvirt/libvirt-sock': Connection refused";
    throw new AppError('engine_unreachable', `libvirt ${this.uri}: ${message}`, { engineMessage: message });
  }

  async batch(commands: string[][]): Promise<string[]> {
    this.assertUp();
    const out: string[] = [];
    for (const c of commands) out.push(await this.run(c).catch(() => ''));
    return out;
  }

  watchEvents(onLine: (line: string) => void): { stop(): void } {
    const off = this.host.onEventLine(onLine);
    // A real libvirtd pushes as things happen; the simulated one moves when looked at.
    const timer = setInterval(() => this.host.advance(), 250);
    timer.unref();
    return {
      stop: () => {
        off();
        clearInterval(timer);
      },
    };
  }
}

function renderXml(d: SimDomain): string {
  const j = d.job;
  const mirror =
    j && j.mirror
      ? `\n      <mirror type='file' file='${j.mirror}' format='qcow2' job='${j.scenario.job === 'copy' ? 'copy' : 'active-commit'}'${j.readyAt !== null ? " ready='yes'" : ''}>\n        <format type='qcow2'/>\n        <source file='${j.mirror}'/>\n      </mirror>`
      : '';
  return `<domain type='qemu'>
  <name>${d.name}</name>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='${d.disk.format}'/>
      <source file='${d.disk.source}'/>${mirror}
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
`;
}

function renderJobInfo(d: SimDomain, now: number): string {
  const m = d.migration;
  if (!m) return 'Job type:         None        \n\n';
  const rate = (m.bandwidth * d.speed) / 1000;
  const inPass = Math.min(m.iterBytes, Math.max(0, (now - m.iterStartedAt) * rate));
  const processed = m.sentBefore + inPass;
  const remaining = m.iterBytes - inPass;
  const rows: [string, string][] = [
    ['Job type', 'Unbounded'],
    ['Operation', 'Outgoing migration'],
    ['Time elapsed', `${Math.round(now - m.startedAt)}         ms`],
    ['Data processed', mib(processed)],
    ['Data remaining', mib(remaining)],
    ['Data total', mib(m.ram)],
    ['Memory processed', mib(processed)],
    ['Memory remaining', mib(remaining)],
    ['Memory total', mib(m.ram)],
    ['Memory bandwidth', `${mib(m.bandwidth)}/s`],
    ['Dirty rate', `${Math.round(m.dirtyRate / 4096)}            pages/s`],
    ['Page size', '4096         bytes'],
    ['Iteration', String(m.iteration)],
    ['Postcopy requests', m.postcopy ? '1' : '0'],
    ['Expected downtime', '300          ms'],
  ];
  return `${rows.map(([k, v]) => `${`${k}:`.padEnd(18)}${v}`).join('\n')}\n\n`;
}

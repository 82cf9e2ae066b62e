import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One host of the lab: a network namespace with one interface on the lab's switch. */
export interface LabHost {
  /** Short name, e.g. `r1`. */
  readonly name: string;
  /** The network namespace (`ip netns exec <netns> …`). */
  readonly netns: string;
  /** Its IPv4 address on the lab's /24. */
  readonly address: string;
}

/**
 * A private network built from Linux network namespaces: one namespace holds a bridge (the
 * switch), and each host is a namespace with a veth pair to it. Nothing is created in the
 * caller's namespace, so the lab's addresses (10.213.0.0/24) exist only inside the lab and
 * no traffic can leave it. Needs root and iproute2's `ip`.
 */
export class NetnsLab {
  private readonly hosts = new Map<string, LabHost>();
  private readonly switchNetns: string;
  private created = false;

  /** `prefix` names every namespace (`<prefix>-sw`, `<prefix>-<host>`); keep it ≤ 10 characters. */
  constructor(readonly prefix: string) {
    this.switchNetns = `${prefix}-sw`;
  }

  /** Creates the switch. */
  async create(): Promise<void> {
    await ip('netns', 'add', this.switchNetns);
    this.created = true;
    await ip('-n', this.switchNetns, 'link', 'add', 'br0', 'type', 'bridge');
    await ip('-n', this.switchNetns, 'link', 'set', 'br0', 'up');
  }

  /** Adds a host with the address `10.213.0.<octet>`, plugged into the switch. */
  async addHost(name: string, octet: number): Promise<LabHost> {
    const host = { name, netns: `${this.prefix}-${name}`, address: `10.213.0.${octet}` };
    await ip('netns', 'add', host.netns);
    this.hosts.set(name, host);
    await ip('-n', host.netns, 'link', 'set', 'lo', 'up');
    await ip(
      ...['-n', this.switchNetns, 'link', 'add', `p-${name}`, 'type', 'veth'],
      ...['peer', 'name', 'eth0', 'netns', host.netns],
    );
    await ip('-n', this.switchNetns, 'link', 'set', `p-${name}`, 'master', 'br0', 'up');
    await ip('-n', host.netns, 'addr', 'add', `${host.address}/24`, 'dev', 'eth0');
    await ip('-n', host.netns, 'link', 'set', 'eth0', 'up');
    return host;
  }

  /**
   * Unplugs a host (its switch port goes down): packets to and from it are dropped, so its
   * connections hang rather than being refused — what a dead host or a cut link looks like.
   */
  async unplug(name: string): Promise<void> {
    await ip('-n', this.switchNetns, 'link', 'set', `p-${name}`, 'down');
  }

  /** Deletes every namespace of the lab (their interfaces go with them). Never throws. */
  async destroy(): Promise<void> {
    const all = [...[...this.hosts.values()].map((h) => h.netns)];
    if (this.created) all.push(this.switchNetns);
    await Promise.all(all.map((netns) => ip('netns', 'del', netns).catch(() => {})));
    this.hosts.clear();
    this.created = false;
  }

  /** The lab's namespaces that exist now (for the test that the lab cleans up). */
  static async existing(prefix: string): Promise<string[]> {
    const { stdout } = await run('ip', ['netns', 'list']);
    return stdout
      .split('\n')
      .map((line) => line.split(' ')[0] ?? '')
      .filter((name) => name.startsWith(`${prefix}-`));
  }
}

/** Whether this process can build a lab: root, and `ip netns` works. */
export async function canBuildLab(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  try {
    await run('ip', ['netns', 'list']);
    return true;
  } catch {
    return false;
  }
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

/**
 * Stable MAC addresses: the derivation, and the app-wide registry that refuses two NICs with one MAC on one layer-2
 * segment. Internal: not re-exported by index.ts.
 */
import { createHash } from 'crypto';
import { Construct, IConstruct } from 'constructs';
import { parseMac } from './rules';
import { problem } from '../core/errors';
import { INetworkAttachment } from '../network/attachment';
import { NetworkPlan } from '../network/plan';

/**
 * The MAC of NIC `nic` of VM `vm` in `namespace`: six bytes of SHA-256 of the three names, with the first byte
 * made locally administered (bit 1 set) and unicast (bit 0 clear), and `06` in place of `02`: KubeMacPool's default
 * pool is 02:00:00:00:00:00-02:FF:FF:FF:FF:FF and the masquerade binding reserves 02:00:00:00:00:00 (kubevirt
 * pkg/network/link). So a derived MAC is never all-zero, multicast, reserved or in KubeMacPool's default range.
 */
export function deriveMac(namespace: string, vm: string, nic: string): string {
  const h = createHash('sha256').update(`${namespace}\u0000${vm}\u0000${nic}`).digest('hex');
  let first = (parseInt(h.slice(0, 2), 16) & 0xfc) | 0x02; // eslint-disable-line no-bitwise
  if (first === 0x02) first = 0x06;
  return `${first.toString(16).padStart(2, '0')}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}:${h.slice(8, 10)}:${h.slice(10, 12)}`;
}

/** A layer-2 segment as the compute rules key it: the network plan's Segment, or the NAD for networks it does not know. */
export interface SegmentKey {
  readonly key: unknown;
  /** For messages, e.g. `the segment of rook-ceph/ceph (bridge br1, VLAN 100)`. */
  readonly label: string;
}

/**
 * The layer-2 segment `network` attaches to: the Segment the app-wide NetworkPlan registered for it (or for its
 * child that writes the same NetworkAttachmentDefinition, e.g. the VM side of a SharedCephNetwork), else the
 * NetworkAttachmentDefinition itself (a network this app does not define is a segment of its own).
 */
export function segmentOf(scope: IConstruct, network: INetworkAttachment): SegmentKey {
  const plan = NetworkPlan.of(scope);
  let registration = plan.registrationOf(network as unknown as IConstruct);
  if (!registration && network instanceof Construct) {
    for (const child of network.node.children) {
      const r = plan.registrationOf(child);
      if (r && (child as unknown as INetworkAttachment).reference === network.reference) {
        registration = r;
        break;
      }
    }
  }
  if (!registration) return { key: `nad:${network.reference}`, label: `the segment of ${network.reference}` };
  const s = registration.segment;
  const vlan = s.vlan === undefined ? 'trunk' : s.vlan === 0 ? 'untagged' : `VLAN ${s.vlan}`;
  return { key: s, label: `the segment of ${network.reference} (${s.device}, ${vlan})` };
}

interface Entry {
  readonly vm: IConstruct;
  readonly field: string;
  readonly segment: SegmentKey;
  readonly mac: string;
}

const REGISTRY_ID = 'cdk8s-kubevirt.MacRegistry';

/**
 * Every MAC written on a shared segment in the app. Checked once per validation pass, linear in the NICs (one map
 * per segment); a MAC seen a second time on a segment is reported on the later VM, naming the earlier one.
 */
export class MacRegistry extends Construct {
  /** The registry of the app `scope` belongs to. */
  public static of(scope: IConstruct): MacRegistry {
    const root = scope.node.root as Construct;
    return (root.node.tryFindChild(REGISTRY_ID) as MacRegistry | undefined) ?? new MacRegistry(root, REGISTRY_ID);
  }

  private readonly entries: Entry[] = [];
  private readonly validated = new Set<IConstruct>();
  private problems?: Map<IConstruct, string[]>;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Records that NIC `field` of `vm` uses `mac` on `segment`. */
  public register(vm: IConstruct, field: string, segment: SegmentKey, mac: string): void {
    this.entries.push({ vm, field, segment, mac: parseMac(mac) ?? mac });
    this.problems = undefined;
    if (!this.validated.has(vm)) {
      this.validated.add(vm);
      vm.node.addValidation({ validate: () => this.problemsOf(vm) });
    }
  }

  private problemsOf(vm: IConstruct): string[] {
    if (!this.problems) this.problems = this.check();
    return this.problems.get(vm) ?? [];
  }

  private check(): Map<IConstruct, string[]> {
    const found = new Map<IConstruct, string[]>();
    const bySegment = new Map<unknown, Map<string, Entry>>();
    for (const e of this.entries) {
      let macs = bySegment.get(e.segment.key);
      if (!macs) bySegment.set(e.segment.key, macs = new Map());
      const first = macs.get(e.mac);
      if (!first) {
        macs.set(e.mac, e);
        continue;
      }
      const list = found.get(e.vm) ?? [];
      list.push(problem(`${e.field}.macAddress`, e.mac, `is also the MAC of ${first.vm.node.path} ${first.field} on ${e.segment.label}: `
        + 'MAC addresses must be unique on a layer-2 segment; set macAddress on one of the NICs'));
      found.set(e.vm, list);
    }
    return found;
  }
}

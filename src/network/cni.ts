/**
 * A VLAN id or range carried by a trunk port (bridge CNI `vlanTrunk`).
 */
export class VlanTrunk {
  /** One VLAN id (1-4094). */
  public static id(id: number): VlanTrunk {
    return new VlanTrunk(id, id, true);
  }

  /** The VLAN ids from `minId` to `maxId` (1-4094, inclusive). */
  public static range(minId: number, maxId: number): VlanTrunk {
    return new VlanTrunk(minId, maxId, false);
  }

  private constructor(
    /** First VLAN id. */
    public readonly minId: number,
    /** Last VLAN id. */
    public readonly maxId: number,
    private readonly single: boolean) {}

  /** @internal */
  public _render(): Record<string, number> {
    return this.single ? { id: this.minId } : { minID: this.minId, maxID: this.maxId };
  }
}

/** Whether `value` is a valid access VLAN for the bridge CNI (0 means untagged). */
export function isAccessVlan(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 4094;
}

/** Whether `value` is a valid trunk VLAN id. */
export function isTrunkVlan(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 4094;
}

/** Linux accepts 68 (the IPv4 minimum) to 65535; IPv6 needs at least 1280. */
export const MTU_MIN = 68;
export const MTU_MIN_IPV6 = 1280;
export const MTU_MAX = 65535;

/**
 * The chained `tuning` plugin: sysctls and link settings on the pod side of the attachment.
 */
export interface TuningOptions {
  /**
   * Interface sysctls, e.g. `{ 'net.ipv4.conf.IFNAME.arp_notify': '1' }` (IFNAME is replaced by the plugin).
   * @default - none
   */
  readonly sysctl?: { [key: string]: string };
  /**
   * Promiscuous mode on the interface.
   * @default - unchanged
   */
  readonly promisc?: boolean;
  /**
   * All-multicast mode on the interface.
   * @default - unchanged
   */
  readonly allmulti?: boolean;
}

/**
 * Backend of the chained `firewall` plugin.
 */
export enum FirewallBackend {
  /** iptables rules. */
  IPTABLES = 'iptables',
  /** firewalld zones. */
  FIREWALLD = 'firewalld',
}

/**
 * The chained `firewall` plugin: lets attachment traffic through a host firewall that would drop it.
 */
export interface FirewallOptions {
  /**
   * Backend.
   * @default FirewallBackend.IPTABLES
   */
  readonly backend?: FirewallBackend;
}

/**
 * Serializes a CNI configuration list with a stable key order (the order of the object literals), indented
 * so that the YAML shows it as a block a reviewer can diff line by line.
 */
export function cniConfigList(name: string, cniVersion: string, plugins: Array<Record<string, any>>): string {
  return JSON.stringify({ cniVersion, name, plugins }, undefined, 2);
}

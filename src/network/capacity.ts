import { IConstruct } from 'constructs';
import { NetworkPlan } from './plan';
import { CapacitySettings, DEFAULT_MIGRATION_SHARE, DEFAULT_WARNING_THRESHOLD, percent, shareOf } from './pools';
import { check, fail } from '../core/errors';

/**
 * How many spare addresses a network's pool keeps for live migration.
 *
 * A live migration starts a second virt-launcher pod for the VM on the target node, on the same Multus
 * networks, and whereabouts gives that pod an address of its own while the source pod still holds the
 * VM's (it allocates per pod and releases on the pod's teardown). Every VM that migrates at the same time
 * needs one spare address on each whereabouts network it is on.
 */
export class MigrationHeadroom {
  /**
   * One spare address for each of `share` of the interfaces on the network, rounded up: that share of its
   * VMs may migrate at once. The default is `fraction(0.1)`.
   */
  public static fraction(share: number): MigrationHeadroom {
    return new MigrationHeadroom('fraction', share);
  }

  /**
   * A fixed number of spare addresses per network (at most one per interface), e.g. the cluster's KubeVirt
   * `parallelMigrationsPerCluster` (5 by default) when nothing raises it.
   */
  public static addresses(count: number): MigrationHeadroom {
    return new MigrationHeadroom('addresses', count);
  }

  /** No spare addresses: only for networks whose VMs never live-migrate. */
  public static none(): MigrationHeadroom {
    return new MigrationHeadroom('addresses', 0);
  }

  private constructor(
    /** `fraction` or `addresses`. */
    public readonly kind: string,
    /** The share of the interfaces (fraction) or the number of addresses. */
    public readonly value: number) {}

  /** @internal */
  public _settings(scope: IConstruct, field: string): Pick<CapacitySettings, 'headroom' | 'headroomText'> {
    const v = this.value;
    if (this.kind === 'fraction') {
      check(typeof v === 'number' && v > 0 && v <= 1, scope, field, v,
        'must be a share of the interfaces greater than 0 and at most 1 (0.1 is 10 %); for no headroom use MigrationHeadroom.none()');
      return { headroom: (n) => shareOf(n, v), headroomText: `${percent(v)} of the interfaces, rounded up` };
    }
    check(Number.isInteger(v) && v >= 0, scope, field, v, 'must be a whole number of addresses from 0 up');
    return { headroom: (n) => Math.min(n, v), headroomText: v === 0 ? 'none' : `${v} addresses per network` };
  }
}

/**
 * How the app counts addresses against network pools.
 */
export interface AddressCapacityProps {
  /**
   * Spare addresses each whereabouts pool keeps for VMs that live-migrate.
   *
   * The default, 10 % of the interfaces rounded up (at least one as soon as one VM is on the network), lets
   * a tenth of a network's VMs migrate at once: a node drain on a cluster of ten or more nodes that moves a
   * whole node's VMs together, or a cluster whose migration limits (KubeVirt `parallelMigrationsPerCluster`,
   * 5 by default) were raised for faster drains. Migrations whose target pod failed keep their address
   * until the pod is deleted, which the headroom absorbs too.
   * @default MigrationHeadroom.fraction(0.1)
   */
  readonly migrationHeadroom?: MigrationHeadroom;
  /**
   * The share of a pool's usable addresses from which the estate plan marks it as nearly full.
   * @default 0.8
   */
  readonly warningThreshold?: number;
}

/**
 * The app-wide address capacity rule: a network whose pool cannot give every VM interface an address, keep
 * the VMs' static addresses free and keep spare addresses for live migration is refused at synth time
 * (whereabouts would leave the last VMs' pods in ContainerCreating). Pools shared by several networks (the
 * storage network's VM and Ceph sides) are counted once. `configure` changes how it counts, once per app.
 *
 * @example
 * AddressCapacity.configure(app, { migrationHeadroom: MigrationHeadroom.addresses(5), warningThreshold: 0.9 });
 */
export class AddressCapacity {
  /** The default share of a network's VMs that may live-migrate at once. */
  public static readonly DEFAULT_MIGRATION_SHARE = DEFAULT_MIGRATION_SHARE;
  /** The default warning threshold of the estate plan. */
  public static readonly DEFAULT_WARNING_THRESHOLD = DEFAULT_WARNING_THRESHOLD;

  /** Sets how the app that `scope` belongs to counts addresses (once per app). */
  public static configure(scope: IConstruct, props: AddressCapacityProps): AddressCapacity {
    const p = props ?? {};
    const headroom = p.migrationHeadroom ?? MigrationHeadroom.fraction(DEFAULT_MIGRATION_SHARE);
    check(headroom instanceof MigrationHeadroom, scope, 'migrationHeadroom', headroom,
      'must be a MigrationHeadroom (MigrationHeadroom.fraction(), addresses() or none())');
    const warningThreshold = p.warningThreshold ?? DEFAULT_WARNING_THRESHOLD;
    check(typeof warningThreshold === 'number' && warningThreshold > 0 && warningThreshold <= 1, scope, 'warningThreshold', warningThreshold,
      'must be a share of the usable addresses greater than 0 and at most 1 (0.8 is 80 %)');
    const settings: CapacitySettings = { ...headroom._settings(scope, 'migrationHeadroom'), warningThreshold };
    const earlier = NetworkPlan.of(scope).configureCapacity(scope, settings);
    if (earlier) {
      fail(scope, 'addressCapacity', 'configured twice', `the app's address capacity is already configured by ${earlier.node.path || '<app>'}; configure it once`);
    }
    return new AddressCapacity(headroom, warningThreshold);
  }

  private constructor(
    /** The migration headroom in effect. */
    public readonly migrationHeadroom: MigrationHeadroom,
    /** The warning threshold in effect. */
    public readonly warningThreshold: number) {}
}

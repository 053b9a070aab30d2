import { Construct, IConstruct } from 'constructs';
import { fail, problem, show } from '../core/errors';

/**
 * What kind of thing the cluster must provide.
 */
export enum PrerequisiteKind {
  /** A minimum version of a cluster component (KubeVirt, CDI, a CNI plugin, ...). */
  VERSION = 'version',
  /** A KubeVirt feature gate (`KubeVirt` CR `spec.configuration.developerConfiguration.featureGates`). */
  FEATURE_GATE = 'feature-gate',
  /** A cluster-wide setting of a component (KubeVirt configuration, Multus options, Rook settings). */
  CONFIGURATION = 'configuration',
  /** A setting of the nodes (kubelet CPU manager policy, hugepages, a Linux bridge). */
  NODE = 'node',
  /** A capability of the storage (a VolumeSnapshotClass for a provisioner, CSI clone support). */
  STORAGE = 'storage',
  /** Something outside Kubernetes that no manifest can provide (the physical switch, routing). */
  EXTERNAL = 'external',
}

/**
 * A part of the cluster (or of its surroundings) that manifests rely on.
 */
export enum ClusterComponent {
  /** The Kubernetes API server and kubelets. */
  KUBERNETES = 'kubernetes',
  /** KubeVirt (virt-operator and its `KubeVirt` CR). */
  KUBEVIRT = 'kubevirt',
  /** The Containerized Data Importer (CDI). */
  CDI = 'cdi',
  /** The reference CNI plugins (bridge, macvlan, tuning, ...): containernetworking/plugins. */
  CNI_PLUGINS = 'containernetworking-plugins',
  /** Multus CNI. */
  MULTUS = 'multus',
  /** The whereabouts IPAM plugin. */
  WHEREABOUTS = 'whereabouts',
  /** Rook (the Ceph operator). */
  ROOK = 'rook',
  /** kubernetes-nmstate (NodeNetworkConfigurationPolicy). */
  NMSTATE = 'kubernetes-nmstate',
  /** KubeMacPool (MAC address pools for VMs). */
  KUBEMACPOOL = 'kubemacpool',
  /** The External Secrets Operator. */
  EXTERNAL_SECRETS = 'external-secrets',
  /** The nodes themselves (kubelet configuration, kernel settings, devices). */
  NODES = 'nodes',
  /** The physical network the nodes' uplinks connect to. */
  NETWORK_FABRIC = 'network-fabric',
}

/**
 * One thing the synthesized manifests need from the cluster.
 */
export interface PrerequisiteProps {
  /** What kind of thing is needed. */
  readonly kind: PrerequisiteKind;
  /** The component that must provide it. */
  readonly component: ClusterComponent;
  /**
   * What exactly is needed: a minimum version (`v1.66.0`) for `VERSION`, a gate name (`CPUManager`) for
   * `FEATURE_GATE`, else a short statement of the setting (`kubelet cpuManagerPolicy: static`).
   */
  readonly requirement: string;
  /** Why the manifests need it, in a few words (e.g. `dedicated CPU placement`). */
  readonly reason: string;
  /**
   * For a feature gate: the component version from which the gate is no longer needed (it went GA).
   * @default - the gate is needed in every version
   */
  readonly notNeededFrom?: string;
  /**
   * The field of the requiring construct that needs it, for error messages.
   * @default - the error names the requirement only
   */
  readonly field?: string;
  /**
   * The value of that field, for error messages.
   * @default - none
   */
  readonly value?: any;
}

/**
 * A prerequisite and the constructs that need it.
 */
export interface Prerequisite {
  /** What kind of thing is needed. */
  readonly kind: PrerequisiteKind;
  /** The component that must provide it. */
  readonly component: ClusterComponent;
  /** What exactly is needed. */
  readonly requirement: string;
  /** Why, one entry per distinct reason, sorted. */
  readonly reasons: string[];
  /** For a feature gate: the version from which it is no longer needed, if any. */
  readonly notNeededFrom?: string;
  /** Paths of the constructs that need it, sorted. */
  readonly neededBy: string[];
}

/**
 * What the app's target cluster provides. Everything left out is unknown and not checked; everything given
 * is checked against what the manifests need, at synth time.
 */
export interface ClusterProfileProps {
  /**
   * Kubernetes version, e.g. `v1.34.4`.
   * @default - unknown
   */
  readonly kubernetesVersion?: string;
  /**
   * KubeVirt version, e.g. `v1.9.0`.
   * @default - unknown
   */
  readonly kubevirtVersion?: string;
  /**
   * The KubeVirt feature gates the cluster enables (`KubeVirt` CR
   * `spec.configuration.developerConfiguration.featureGates`).
   * @default - unknown: feature gates are not checked
   */
  readonly kubevirtFeatureGates?: string[];
  /**
   * CDI version, e.g. `v1.66.0`.
   * @default - unknown
   */
  readonly cdiVersion?: string;
  /**
   * Version of the reference CNI plugins (containernetworking/plugins) on the nodes, e.g. `v1.7.1`.
   * @default - unknown
   */
  readonly cniPluginsVersion?: string;
  /**
   * Multus version, e.g. `v4.2.2`.
   * @default - unknown
   */
  readonly multusVersion?: string;
  /**
   * whereabouts version, e.g. `v0.9.2`.
   * @default - unknown
   */
  readonly whereaboutsVersion?: string;
  /**
   * Rook version, e.g. `v1.20.6`.
   * @default - unknown
   */
  readonly rookVersion?: string;
  /**
   * kubernetes-nmstate version, e.g. `v0.85.0`.
   * @default - unknown
   */
  readonly nmstateVersion?: string;
  /**
   * KubeMacPool version, or leave out when KubeMacPool is not installed.
   * @default - unknown
   */
  readonly kubemacpoolVersion?: string;
  /**
   * External Secrets Operator version, e.g. `v0.19.2`.
   * @default - unknown
   */
  readonly externalSecretsVersion?: string;
}

const PREREQUISITES_ID = 'cdk8s-kubevirt.ClusterPrerequisites';

/** The field of ClusterProfileProps that declares each component's version. */
const VERSION_FIELDS: Partial<Record<ClusterComponent, keyof ClusterProfileProps>> = {
  [ClusterComponent.KUBERNETES]: 'kubernetesVersion',
  [ClusterComponent.KUBEVIRT]: 'kubevirtVersion',
  [ClusterComponent.CDI]: 'cdiVersion',
  [ClusterComponent.CNI_PLUGINS]: 'cniPluginsVersion',
  [ClusterComponent.MULTUS]: 'multusVersion',
  [ClusterComponent.WHEREABOUTS]: 'whereaboutsVersion',
  [ClusterComponent.ROOK]: 'rookVersion',
  [ClusterComponent.NMSTATE]: 'nmstateVersion',
  [ClusterComponent.KUBEMACPOOL]: 'kubemacpoolVersion',
  [ClusterComponent.EXTERNAL_SECRETS]: 'externalSecretsVersion',
};

const COMPONENT_NAMES: Record<ClusterComponent, string> = {
  [ClusterComponent.KUBERNETES]: 'Kubernetes',
  [ClusterComponent.KUBEVIRT]: 'KubeVirt',
  [ClusterComponent.CDI]: 'CDI',
  [ClusterComponent.CNI_PLUGINS]: 'containernetworking-plugins',
  [ClusterComponent.MULTUS]: 'Multus',
  [ClusterComponent.WHEREABOUTS]: 'whereabouts',
  [ClusterComponent.ROOK]: 'Rook',
  [ClusterComponent.NMSTATE]: 'kubernetes-nmstate',
  [ClusterComponent.KUBEMACPOOL]: 'KubeMacPool',
  [ClusterComponent.EXTERNAL_SECRETS]: 'External Secrets Operator',
  [ClusterComponent.NODES]: 'nodes',
  [ClusterComponent.NETWORK_FABRIC]: 'network fabric',
};

const KIND_ORDER: PrerequisiteKind[] = [
  PrerequisiteKind.VERSION, PrerequisiteKind.FEATURE_GATE, PrerequisiteKind.CONFIGURATION,
  PrerequisiteKind.NODE, PrerequisiteKind.STORAGE, PrerequisiteKind.EXTERNAL,
];

/** A version such as `v1.66.0`, `1.7` or `v0.9.2-rc.1` as numbers; a pre-release sorts before its release. */
interface ParsedVersion {
  readonly parts: number[];
  readonly pre: boolean;
}

const VERSION_PATTERN = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function parseVersion(value: string): ParsedVersion | undefined {
  const m = typeof value === 'string' ? VERSION_PATTERN.exec(value) : null;
  if (!m) return undefined;
  return { parts: [m[1], m[2] ?? '0', m[3] ?? '0'].map(Number), pre: m[4] !== undefined };
}

/** Whether `have` is at least `need` (both valid versions). */
function versionAtLeast(have: ParsedVersion, need: ParsedVersion): boolean {
  for (let i = 0; i < 3; i++) {
    if (have.parts[i] !== need.parts[i]) return have.parts[i] > need.parts[i];
  }
  return !have.pre || need.pre;
}

/** The name a component goes by in messages and documents, e.g. `KubeVirt`. */
export function componentName(component: ClusterComponent): string {
  return COMPONENT_NAMES[component] ?? String(component);
}

interface Registration {
  readonly scope: IConstruct;
  readonly props: PrerequisiteProps;
}

/**
 * Everything an app's manifests need from the cluster, collected app-wide from the constructs that need it,
 * and what the app declares its cluster to provide (`ClusterProfile`). Constructs register what they need
 * with `require()`; when the app declares a cluster, each registration that the cluster does not meet is a
 * synth-time error on the construct that needs it, naming the gate or version.
 */
export class ClusterPrerequisites extends Construct {
  /** The prerequisites of the app `scope` belongs to (created on first use, at the app's root). */
  public static of(scope: IConstruct): ClusterPrerequisites {
    const root = scope.node.root as Construct;
    return (root.node.tryFindChild(PREREQUISITES_ID) as ClusterPrerequisites | undefined)
      ?? new ClusterPrerequisites(root, PREREQUISITES_ID);
  }

  private readonly registrations: Registration[] = [];
  private profile?: ClusterProfileProps;
  private profileOwner?: IConstruct;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Records that `scope` needs `prerequisite` from the cluster. It is checked against the declared cluster
   * (if any) when the app is validated, and listed by `all`.
   */
  public require(scope: IConstruct, prerequisite: PrerequisiteProps): void {
    checkPrerequisite(scope, prerequisite);
    this.registrations.push({ scope, props: prerequisite });
    scope.node.addValidation({ validate: () => this.problemsOf(prerequisite) });
  }

  /** What the app declared its cluster provides, if it declared it. */
  public get declaredCluster(): ClusterProfileProps | undefined {
    return this.profile;
  }

  /** @internal */
  public _declare(owner: IConstruct, props: ClusterProfileProps): void {
    if (this.profileOwner) {
      fail(owner, 'cluster', 'declared twice', `the app's cluster is already declared by ${this.profileOwner.node.path || '<app>'}; declare it once`);
    }
    for (const [component, field] of Object.entries(VERSION_FIELDS)) {
      const value = props[field!];
      if (value !== undefined && (typeof value !== 'string' || !parseVersion(value))) {
        fail(owner, field!, value, `must be a version such as "v1.2.3" (the ${componentName(component as ClusterComponent)} version)`);
      }
    }
    const gates = props.kubevirtFeatureGates;
    if (gates !== undefined) {
      if (!Array.isArray(gates)) fail(owner, 'kubevirtFeatureGates', gates, 'must be a list of feature gate names');
      gates.forEach((g, i) => {
        if (typeof g !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(g)) {
          fail(owner, `kubevirtFeatureGates[${i}]`, g, 'must be a feature gate name such as "CPUManager" (letters and digits)');
        }
      });
    }
    this.profile = { ...props, kubevirtFeatureGates: gates ? [...gates] : undefined };
    this.profileOwner = owner;
  }

  /**
   * Every prerequisite of the app: one entry per kind, component and requirement, with every construct that
   * needs it. Sorted by kind (versions, feature gates, configuration, nodes, storage, external), component and
   * requirement, so documents made from it are stable.
   */
  public get all(): Prerequisite[] {
    const merged = new Map<string, { props: PrerequisiteProps; reasons: Set<string>; neededBy: Set<string> }>();
    for (const r of this.registrations) {
      const key = `${r.props.kind}\u0000${r.props.component}\u0000${r.props.requirement}`;
      let entry = merged.get(key);
      if (!entry) {
        entry = { props: r.props, reasons: new Set(), neededBy: new Set() };
        merged.set(key, entry);
      }
      entry.reasons.add(r.props.reason);
      entry.neededBy.add(r.scope.node.path);
      // Of two registrations of one VERSION, the list keeps one entry per distinct minimum; a gate keeps the
      // earliest GA version any registration names.
    }
    const out: Prerequisite[] = [...merged.values()].map((e) => ({
      kind: e.props.kind,
      component: e.props.component,
      requirement: e.props.requirement,
      reasons: [...e.reasons].sort(),
      notNeededFrom: e.props.notNeededFrom,
      neededBy: [...e.neededBy].sort(),
    }));
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return out.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind)
      || cmp(a.component, b.component)
      || compareRequirements(a, b));
  }

  /**
   * The highest minimum version the manifests need of each component (components with no version
   * requirement are left out), e.g. `{ cdi: 'v1.66.0' }`.
   */
  public get minimumVersions(): { [component: string]: string } {
    const out: { [component: string]: string } = {};
    for (const r of this.registrations) {
      if (r.props.kind !== PrerequisiteKind.VERSION) continue;
      const current = out[r.props.component];
      if (current === undefined || !versionAtLeast(parseVersion(current)!, parseVersion(r.props.requirement)!)) {
        out[r.props.component] = r.props.requirement;
      }
    }
    return out;
  }

  /**
   * The KubeVirt feature gates the manifests need, sorted: every FEATURE_GATE prerequisite except those that went
   * GA in the declared KubeVirt version (when the app declares one).
   */
  public get kubevirtFeatureGates(): string[] {
    return [...new Set(this.all
      .filter((p) => p.kind === PrerequisiteKind.FEATURE_GATE && p.component === ClusterComponent.KUBEVIRT && !this.notNeeded(p))
      .map((p) => p.requirement))].sort();
  }

  /**
   * The prerequisites as a Markdown section for the estate plan written next to the manifests: one table per
   * kind (versions, feature gates, configuration, nodes, storage, outside Kubernetes), rows in the order of
   * `all`, each with why it is needed and what needs it. What needs it is aggregated: up to three construct paths
   * are listed, more are counted per top-level construct (chart), so the section stays short for any estate.
   * Feature gates that went GA in the declared KubeVirt version are left out. Stable: the same app gives the
   * same text.
   */
  public toMarkdown(): string {
    const entries = this.all.filter((p) => !this.notNeeded(p));
    const out: string[] = ['## Cluster prerequisites', ''];
    if (entries.length === 0) {
      out.push('The manifests need nothing from the cluster beyond what every construct documents.', '');
      return out.join('\n');
    }
    out.push('What these manifests need from the cluster they are applied to, why, and which constructs need it.', '');
    const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
    const why = (p: Prerequisite) => cell(p.reasons.join('; '));
    const declared = this.profile;
    for (const kind of KIND_ORDER) {
      const rows = entries.filter((p) => p.kind === kind);
      if (rows.length === 0) continue;
      const section = MARKDOWN_SECTIONS[kind];
      out.push(`### ${section.title}`, '');
      if (section.intro) out.push(section.intro, '');
      out.push(`| ${section.columns.join(' | ')} |`, `|${section.columns.map(() => '---').join('|')}|`);
      for (const p of rows) {
        const needed = cell(describeNeededBy(p.neededBy));
        switch (kind) {
          case PrerequisiteKind.VERSION: {
            const have = declared ? declaredVersion(declared, p.component) : undefined;
            out.push(`| ${componentName(p.component)} | ${cell(p.requirement)} or later${have ? ` (declared: ${cell(have)})` : ''} | ${why(p)} | ${needed} |`);
            break;
          }
          case PrerequisiteKind.FEATURE_GATE: {
            const ga = p.notNeededFrom ? ` (not needed from ${componentName(p.component)} ${cell(p.notNeededFrom)})` : '';
            out.push(`| \`${cell(p.requirement)}\`${ga} | ${why(p)} | ${needed} |`);
            break;
          }
          default:
            out.push(`| ${componentName(p.component)} | ${cell(p.requirement)} | ${why(p)} | ${needed} |`);
        }
      }
      out.push('');
    }
    return out.join('\n');
  }

  /** Whether a feature gate went GA in the declared KubeVirt version. */
  private notNeeded(p: Prerequisite): boolean {
    const kubevirt = this.profile?.kubevirtVersion;
    return p.kind === PrerequisiteKind.FEATURE_GATE && p.notNeededFrom !== undefined && kubevirt !== undefined
      && versionAtLeast(parseVersion(kubevirt)!, parseVersion(p.notNeededFrom)!);
  }

  private problemsOf(p: PrerequisiteProps): string[] {
    const cluster = this.profile;
    if (!cluster) return [];
    const field = p.field ?? 'prerequisite';
    const value = p.field !== undefined ? p.value : p.requirement;
    const declared = declaredVersion(cluster, p.component);
    switch (p.kind) {
      case PrerequisiteKind.VERSION: {
        if (declared === undefined) return [];
        if (versionAtLeast(parseVersion(declared)!, parseVersion(p.requirement)!)) return [];
        return [problem(field, value, `needs ${componentName(p.component)} ${p.requirement} or later (${p.reason}); the declared cluster has ${declared}`)];
      }
      case PrerequisiteKind.FEATURE_GATE: {
        const gates = cluster.kubevirtFeatureGates;
        if (gates === undefined || gates.includes(p.requirement)) return [];
        const kubevirt = cluster.kubevirtVersion;
        if (p.notNeededFrom !== undefined && kubevirt !== undefined
          && versionAtLeast(parseVersion(kubevirt)!, parseVersion(p.notNeededFrom)!)) return [];
        return [problem(field, value, `needs the ${componentName(p.component)} feature gate ${JSON.stringify(p.requirement)} (${p.reason}), which the declared cluster does not enable; add it to the cluster's feature gates and to ClusterProfile kubevirtFeatureGates`)];
      }
      default:
        return [];
    }
  }
}

const MARKDOWN_SECTIONS: Record<PrerequisiteKind, { title: string; intro?: string; columns: string[] }> = {
  [PrerequisiteKind.VERSION]: { title: 'Minimum versions', columns: ['component', 'version', 'why', 'needed by'] },
  [PrerequisiteKind.FEATURE_GATE]: {
    title: 'KubeVirt feature gates',
    intro: 'Enable them in the `KubeVirt` CR, `spec.configuration.developerConfiguration.featureGates` (KubeVirtConfigurationPatch can write that list).',
    columns: ['gate', 'why', 'needed by'],
  },
  [PrerequisiteKind.CONFIGURATION]: { title: 'Component configuration', columns: ['component', 'setting', 'why', 'needed by'] },
  [PrerequisiteKind.NODE]: { title: 'Nodes', columns: ['component', 'setting', 'why', 'needed by'] },
  [PrerequisiteKind.STORAGE]: { title: 'Storage', columns: ['component', 'capability', 'why', 'needed by'] },
  [PrerequisiteKind.EXTERNAL]: { title: 'Outside Kubernetes', columns: ['component', 'requirement', 'why', 'needed by'] },
};

/** Up to three paths in full; more as a count per top-level construct, e.g. `5000 constructs: tenants (5000)`. */
function describeNeededBy(paths: string[]): string {
  const shown = (path: string) => `\`${path || '<app>'}\``;
  if (paths.length <= 3) return paths.map(shown).join(', ');
  const perTop = new Map<string, number>();
  for (const path of paths) {
    const top = path.split('/')[0] || '<app>';
    perTop.set(top, (perTop.get(top) ?? 0) + 1);
  }
  const groups = [...perTop.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([top, n]) => `\`${top}\` (${n})`);
  return `${paths.length} constructs: ${groups.join(', ')}`;
}

function compareRequirements(a: Prerequisite, b: Prerequisite): number {
  if (a.kind === PrerequisiteKind.VERSION) {
    const va = parseVersion(a.requirement)!;
    const vb = parseVersion(b.requirement)!;
    if (versionAtLeast(va, vb) !== versionAtLeast(vb, va)) return versionAtLeast(va, vb) ? 1 : -1;
  }
  return a.requirement < b.requirement ? -1 : a.requirement > b.requirement ? 1 : 0;
}

function declaredVersion(cluster: ClusterProfileProps, component: ClusterComponent): string | undefined {
  const field = VERSION_FIELDS[component];
  return field ? cluster[field] as string | undefined : undefined;
}

function checkPrerequisite(scope: IConstruct, p: PrerequisiteProps): void {
  if (!Object.values(PrerequisiteKind).includes(p.kind)) fail(scope, 'prerequisite.kind', p.kind, 'must be a PrerequisiteKind');
  if (!Object.values(ClusterComponent).includes(p.component)) fail(scope, 'prerequisite.component', p.component, 'must be a ClusterComponent');
  if (typeof p.requirement !== 'string' || p.requirement.trim() === '') fail(scope, 'prerequisite.requirement', p.requirement, 'must be a non-empty string');
  if (typeof p.reason !== 'string' || p.reason.trim() === '') fail(scope, 'prerequisite.reason', p.reason, 'must be a non-empty string');
  if (p.kind === PrerequisiteKind.VERSION && !parseVersion(p.requirement)) {
    fail(scope, 'prerequisite.requirement', p.requirement, 'must be a version such as "v1.2.3" for a VERSION prerequisite');
  }
  if (p.kind === PrerequisiteKind.VERSION && VERSION_FIELDS[p.component] === undefined) {
    fail(scope, 'prerequisite.component', p.component, `has no version: ${show(componentName(p.component))} is not a versioned component`);
  }
  if (p.notNeededFrom !== undefined && !parseVersion(p.notNeededFrom)) {
    fail(scope, 'prerequisite.notNeededFrom', p.notNeededFrom, 'must be a version such as "v1.2.3"');
  }
}

/**
 * What the app's target cluster provides: versions of its components and its KubeVirt feature gates. Declare
 * it once per app; then every construct whose manifests need a gate the cluster lacks, or a newer version of a
 * component, fails at synth time with an error naming the gate or version.
 *
 * @example
 * ClusterProfile.declare(app, { kubevirtVersion: 'v1.9.0', kubevirtFeatureGates: ['CPUManager'], cdiVersion: 'v1.66.0' });
 */
export class ClusterProfile {
  /** Declares what the cluster of the app that `scope` belongs to provides. */
  public static declare(scope: IConstruct, props: ClusterProfileProps): ClusterProfile {
    ClusterPrerequisites.of(scope)._declare(scope, props ?? {});
    return new ClusterProfile(props ?? {});
  }

  /** The cluster declared for the app `scope` belongs to, if any. */
  public static of(scope: IConstruct): ClusterProfile | undefined {
    const declared = ClusterPrerequisites.of(scope).declaredCluster;
    return declared ? new ClusterProfile(declared) : undefined;
  }

  private constructor(
    /** What the cluster provides. */
    public readonly props: ClusterProfileProps) {}
}

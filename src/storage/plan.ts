/**
 * App-wide registry of cluster-scoped storage objects (StorageProfiles, VolumeSnapshotClasses): each may be
 * written once per app. Internal: not re-exported by index.ts.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { problem } from '../core/errors';

const PLAN_ID = 'cdk8s-kubevirt.StoragePlan';

interface Registration {
  readonly owner: IConstruct;
  readonly key: string;
  readonly field: string;
  readonly value: string;
  /** Identity of what is written; two registrations of one key with the same identity are one object. */
  readonly identity: unknown;
}

/**
 * Registers what each construct writes and reports, on the construct at fault, a second definition of
 * one StorageProfile or VolumeSnapshotClass. Checked once per validation pass, linear in the registrations.
 */
export class StoragePlan extends Construct {
  /** The plan of the app that `scope` belongs to. */
  public static of(scope: IConstruct): StoragePlan {
    const root = scope.node.root as Construct;
    return (root.node.tryFindChild(PLAN_ID) as StoragePlan | undefined) ?? new StoragePlan(root, PLAN_ID);
  }

  private readonly registrations: Registration[] = [];
  private readonly snapshotClassObjects = new Map<unknown, ApiObject>();
  private readonly validated = new Set<IConstruct>();
  /** Target namespace -> namespaces the app clones from into it. */
  private readonly cloneSources = new Map<string, Set<string>>();
  private problems?: Map<IConstruct, string[]>;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Records that `owner` writes the object `key` (e.g. `StorageProfile/ceph-block`). */
  public register(owner: IConstruct, key: string, field: string, value: string, identity: unknown = owner): void {
    this.registrations.push({ owner, key, field, value, identity });
    this.problems = undefined;
    if (!this.validated.has(owner)) {
      this.validated.add(owner);
      owner.node.addValidation({ validate: () => this.problemsOf(owner) });
    }
  }

  /** Records that the app clones a volume of `sourceNamespace` into `targetNamespace`. */
  public recordClone(sourceNamespace: string, targetNamespace: string): void {
    if (sourceNamespace === targetNamespace) return;
    const set = this.cloneSources.get(targetNamespace) ?? new Set<string>();
    set.add(sourceNamespace);
    this.cloneSources.set(targetNamespace, set);
  }

  /** The namespaces the app clones from into `namespace`, sorted. */
  public cloneSourcesInto(namespace: string): string[] {
    return [...(this.cloneSources.get(namespace) ?? [])].sort();
  }

  /** The VolumeSnapshotClass already written for a definition, if any. */
  public snapshotClassObject(identity: unknown): ApiObject | undefined {
    return this.snapshotClassObjects.get(identity);
  }

  public recordSnapshotClassObject(identity: unknown, obj: ApiObject): void {
    this.snapshotClassObjects.set(identity, obj);
  }

  private problemsOf(owner: IConstruct): string[] {
    if (!this.problems) this.problems = this.check();
    return this.problems.get(owner) ?? [];
  }

  private check(): Map<IConstruct, string[]> {
    const found = new Map<IConstruct, string[]>();
    const first = new Map<string, Registration>();
    for (const r of this.registrations) {
      const earlier = first.get(r.key);
      if (!earlier) {
        first.set(r.key, r);
      } else if (earlier.identity !== r.identity) {
        const kind = r.key.split('/')[0];
        const list = found.get(r.owner) ?? [];
        list.push(problem(r.field, r.value, `already has a ${kind} written by ${earlier.owner.node.path}: a cluster has one ${kind} of that name; define it once and share it`));
        found.set(r.owner, list);
      }
    }
    return found;
  }
}

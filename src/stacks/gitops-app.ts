import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SYNC_WAVE_ANNOTATION, SYNC_WAVES_CONTEXT } from '../core/objects';
import { PLAIN_SECRETS_CONTEXT } from '../platform/secret-material';

/**
 * How the manifests of an app are laid out in the output directory.
 */
export enum ManifestLayout {
  /** One `app.k8s.yaml` with every object. */
  SINGLE_FILE = 'single-file',
  /** One `<chart>.k8s.yaml` per chart (cdk8s's default). */
  FILE_PER_CHART = 'file-per-chart',
  /** One file per object: `<chart>/<namespace or cluster>.<kind>.<name>.yaml`, small diffs in pull requests. */
  FILE_PER_RESOURCE = 'file-per-resource',
}

/**
 * Options of an app whose output goes to a GitOps repository.
 */
export interface GitOpsAppProps extends AppProps {
  /**
   * Layout of the written manifests.
   * @default ManifestLayout.FILE_PER_CHART
   */
  readonly layout?: ManifestLayout;
  /**
   * Annotate objects with ArgoCD sync waves (`argocd.argoproj.io/sync-wave`) so networks, golden images
   * and permissions are applied before the VMs that need them.
   * @default true
   */
  readonly syncWaves?: boolean;
  /**
   * Let constructs write secret material (cloud-init user data) as plain Secrets into the manifests, which go to
   * Git. Without it they are refused; reference an existing Secret or pull the data from a secret store
   * (`ExternalSecretValue`) instead. SSH public keys are not secret and are always written.
   * @default false
   */
  readonly allowPlainSecrets?: boolean;
}

/**
 * A cdk8s App for GitOps repositories: objects are ordered by sync wave in every file (so a plain
 * `kubectl apply -f` also creates networks and images before VMs), the layout can be one file per
 * resource, and the app is validated once however many charts it has, so synthesis stays linear.
 */
export class GitOpsApp extends App {
  /** App context key (any App): `true` lets constructs write plain secret material; see `allowPlainSecrets`. */
  public static readonly PLAIN_SECRETS_CONTEXT = PLAIN_SECRETS_CONTEXT;

  /** The layout of the written manifests. */
  public readonly layout: ManifestLayout;

  constructor(props: GitOpsAppProps = {}) {
    super(props);
    this.layout = props.layout ?? ManifestLayout.FILE_PER_CHART;
    this.node.setContext(SYNC_WAVES_CONTEXT, props.syncWaves ?? true);
    if (props.allowPlainSecrets !== undefined) this.node.setContext(GitOpsApp.PLAIN_SECRETS_CONTEXT, props.allowPlainSecrets);
  }

  /**
   * The manifests of every chart, validated once and ordered by sync wave (stable: objects of one wave keep
   * the order in which they were defined).
   */
  public synthManifests(): ChartManifests[] {
    validateOnce(this);
    return this.charts.map((chart) => ({ chart: chart.node.id, manifests: orderByWave(chart) }));
  }

  public synthYaml(): string {
    return Yaml.stringify(...this.synthManifests().flatMap((c) => c.manifests));
  }

  public synth(): void {
    fs.mkdirSync(this.outdir, { recursive: true });
    // Every object is rendered before anything is written, as in synthManifests(), but each object's JSON
    // becomes YAML at once instead of the whole app's JSON being held until the end. Besides the memory it
    // saves, holding it all made V8 pretenure allocations (put them straight into the old generation) while
    // the YAML was written, which at times doubled the peak memory and GC time of ~10,000-VM apps (bench/).
    validateOnce(this);
    const perResource = this.layout === ManifestLayout.FILE_PER_RESOURCE;
    const charts = this.charts.map((chart) => ({ chart: chart.node.id, docs: renderByWave(chart, perResource) }));
    switch (this.layout) {
      case ManifestLayout.SINGLE_FILE:
        writeYaml(path.join(this.outdir, `app${this.outputFileExtension}`), charts.flatMap((c) => c.docs));
        break;
      case ManifestLayout.FILE_PER_RESOURCE:
        for (const c of charts) {
          const dir = path.join(this.outdir, c.chart);
          fs.mkdirSync(dir, { recursive: true });
          for (const d of c.docs) writeYaml(path.join(dir, d.file!), [d]);
        }
        break;
      default:
        for (const c of charts) writeYaml(path.join(this.outdir, `${c.chart}${this.outputFileExtension}`), c.docs);
    }
  }
}

/**
 * The ordered manifests of one chart.
 */
export interface ChartManifests {
  /** The chart's construct id. */
  readonly chart: string;
  /** Its objects, as JSON, in apply order. */
  readonly manifests: any[];
}

/** `<namespace or cluster>.<kind>.<name>.yaml`, lower case: unique per chart, stable across runs. */
function resourceFileName(m: any): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  return `${clean(m.metadata?.namespace ?? 'cluster')}.${clean(m.kind)}.${clean(m.metadata?.name ?? 'unnamed')}.yaml`;
}

function waveOf(m: any): number {
  const w = Number(m.metadata?.annotations?.[SYNC_WAVE_ANNOTATION]);
  return Number.isFinite(w) ? w : 0;
}

/** Stable sort by sync wave: objects of one wave keep their definition order. */
function byWave<T>(items: T[], waveOfItem: (item: T) => number): T[] {
  return items
    .map((item, i) => ({ item, i, w: waveOfItem(item) }))
    .sort((a, b) => a.w - b.w || a.i - b.i)
    .map((x) => x.item);
}

/** The chart's objects in definition order, stable-sorted by wave. */
function orderByWave(chart: Chart): any[] {
  return byWave(objectsOf(chart).map((o) => o.toJson()), waveOf);
}

/** Runs every construct's validations once and throws them all together, as cdk8s does. */
function validateOnce(app: App): void {
  const errors: string[] = [];
  for (const c of app.node.findAll()) {
    for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

/** One object as it is written: its YAML document, its wave and, for one file per resource, its file name. */
interface RenderedObject {
  readonly yaml: string;
  readonly wave: number;
  readonly file?: string;
}

/** The chart's objects as YAML documents, in the order of orderByWave(). */
function renderByWave(chart: Chart, withFileNames: boolean): RenderedObject[] {
  const rendered = objectsOf(chart).map((o): RenderedObject => {
    const m = o.toJson();
    return { yaml: Yaml.stringify(m), wave: waveOf(m), file: withFileNames ? resourceFileName(m) : undefined };
  });
  return byWave(rendered, (r) => r.wave);
}

/** What `Yaml.save(file, manifests)` writes: the documents joined by `---`. */
function writeYaml(file: string, docs: RenderedObject[]): void {
  fs.writeFileSync(file, docs.map((d) => d.yaml).join('---\n'), { encoding: 'utf8' });
}

/** The chart's objects in definition order (nested charts are synthesized on their own). */
function objectsOf(chart: Chart): ApiObject[] {
  const objects: ApiObject[] = [];
  const visit = (c: IConstruct) => {
    for (const child of c.node.children) {
      if (Chart.isChart(child)) continue;
      if (ApiObject.isApiObject(child)) objects.push(child);
      visit(child);
    }
  };
  visit(chart);
  return objects;
}

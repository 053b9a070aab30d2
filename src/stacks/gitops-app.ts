import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SYNC_WAVE_ANNOTATION, SYNC_WAVES_CONTEXT } from '../core/objects';

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
}

/**
 * A cdk8s App for GitOps repositories: objects are ordered by sync wave in every file (so a plain
 * `kubectl apply -f` also creates networks and images before VMs), the layout can be one file per
 * resource, and the app is validated once however many charts it has, so synthesis stays linear.
 */
export class GitOpsApp extends App {
  /** The layout of the written manifests. */
  public readonly layout: ManifestLayout;

  constructor(props: GitOpsAppProps = {}) {
    super(props);
    this.layout = props.layout ?? ManifestLayout.FILE_PER_CHART;
    this.node.setContext(SYNC_WAVES_CONTEXT, props.syncWaves ?? true);
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
    const charts = this.synthManifests();
    switch (this.layout) {
      case ManifestLayout.SINGLE_FILE:
        Yaml.save(path.join(this.outdir, `app${this.outputFileExtension}`), charts.flatMap((c) => c.manifests));
        break;
      case ManifestLayout.FILE_PER_RESOURCE:
        for (const c of charts) {
          const dir = path.join(this.outdir, c.chart);
          fs.mkdirSync(dir, { recursive: true });
          for (const m of c.manifests) {
            Yaml.save(path.join(dir, resourceFileName(m)), [m]);
          }
        }
        break;
      default:
        for (const c of charts) Yaml.save(path.join(this.outdir, `${c.chart}${this.outputFileExtension}`), c.manifests);
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

/** The chart's objects in definition order, stable-sorted by wave. */
function orderByWave(chart: Chart): any[] {
  const objects: ApiObject[] = [];
  const visit = (c: IConstruct) => {
    for (const child of c.node.children) {
      if (Chart.isChart(child)) continue; // nested charts are synthesized on their own
      if (ApiObject.isApiObject(child)) objects.push(child);
      visit(child);
    }
  };
  visit(chart);
  return objects.map((o) => o.toJson())
    .map((m, i) => ({ m, i, w: waveOf(m) }))
    .sort((a, b) => a.w - b.w || a.i - b.i)
    .map((x) => x.m);
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

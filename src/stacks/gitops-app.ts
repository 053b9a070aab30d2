import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkEnum, fail } from '../core/errors';
import { SYNC_WAVE_ANNOTATION, SYNC_WAVES_CONTEXT } from '../core/objects';
import { EstatePlan } from '../plan/estate-plan';
import { PLAIN_SECRETS_CONTEXT } from '../platform/secret-material';
import { stringifyDocument } from '../output/emitter';
import { addOutputFile, outputFilesOf, WRITES_OUTPUT_FILES } from '../output/extra-files';
import { canRenderFast, renderObject } from '../output/render';
import { isOutputPath, StagedOutput, WaveOrderedDocs } from '../output/staged-output';
import { ManifestYaml } from '../output/yaml';

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

/** The cdk8s output type closest to each layout (what `yamlOutputType` reports). */
const CDK8S_OUTPUT_TYPE: Record<ManifestLayout, YamlOutputType> = {
  [ManifestLayout.SINGLE_FILE]: YamlOutputType.FILE_PER_APP,
  [ManifestLayout.FILE_PER_CHART]: YamlOutputType.FILE_PER_CHART,
  [ManifestLayout.FILE_PER_RESOURCE]: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
};

/**
 * Options of an app whose output goes to a GitOps repository.
 */
export interface GitOpsAppProps extends AppProps {
  /**
   * Layout of the written manifests. This is the only way to choose it: GitOpsApp refuses cdk8s's
   * `yamlOutputType` (and sets it from the layout).
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
   * Write the estate plan (`plan.md` and `plan.svg`, see `EstatePlan`) next to the manifests.
   * @default true
   */
  readonly plan?: boolean;
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
 *
 * `synth()` owns the files it writes and nothing else in the output folder. It writes every file to a
 * staging folder first and moves them into place only when all of them are written, so a failure leaves the
 * previous output as it was; it deletes the files it wrote on its previous run that it no longer writes
 * (the manifests of deleted objects), listed in the index `.cdk8s-kubevirt-files.json` it keeps in the output
 * folder; it never writes, moves or deletes a file that is not in that index (a README next to the
 * manifests stays). The YAML is the same, byte for byte, as cdk8s's `Yaml` writes, from a faster writer
 * (`ManifestYaml`). With `recordConstructMetadata` it also writes cdk8s's `construct-metadata.json`.
 */
export class GitOpsApp extends App {
  /** App context key (any App): `true` lets constructs write plain secret material; see `allowPlainSecrets`. */
  public static readonly PLAIN_SECRETS_CONTEXT = PLAIN_SECRETS_CONTEXT;

  /** The layout of the written manifests. */
  public readonly layout: ManifestLayout;
  /** Whether the estate plan is written next to the manifests. */
  public readonly writesPlan: boolean;
  private readonly resourceFileExtension: string;
  /** cdk8s's `recordConstructMetadata` (private in App), read the same way. */
  private readonly recordMetadata: boolean;

  constructor(props: GitOpsAppProps = {}) {
    super(props);
    Object.defineProperty(this, WRITES_OUTPUT_FILES, { value: true });
    if (props.yamlOutputType !== undefined) {
      fail(this, 'yamlOutputType', `YamlOutputType.${YamlOutputType[props.yamlOutputType] ?? props.yamlOutputType}`,
        'is not read by GitOpsApp: choose the files with layout (ManifestLayout.SINGLE_FILE, FILE_PER_CHART or FILE_PER_RESOURCE)');
    }
    this.layout = checkEnum(this, 'layout', props.layout ?? ManifestLayout.FILE_PER_CHART, ManifestLayout as Record<string, ManifestLayout>, 'ManifestLayout');
    // What cdk8s tools read: the cdk8s output type closest to the layout.
    (this as { yamlOutputType: YamlOutputType }).yamlOutputType = CDK8S_OUTPUT_TYPE[this.layout];
    this.resourceFileExtension = props.outputFileExtension ?? '.yaml';
    this.recordMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
    this.writesPlan = props.plan ?? true;
    if (this.writesPlan) {
      // The estate plan goes into the output with the manifests: rendered after them, staged and indexed.
      let plan: EstatePlan | undefined;
      const estate = () => (plan ??= EstatePlan.of(this));
      addOutputFile(this, EstatePlan.MARKDOWN_FILE, () => estate().toMarkdown());
      addOutputFile(this, EstatePlan.SVG_FILE, () => estate().toSvg());
    }
    this.node.setContext(SYNC_WAVES_CONTEXT, props.syncWaves ?? true);
    if (props.allowPlainSecrets !== undefined) this.node.setContext(GitOpsApp.PLAIN_SECRETS_CONTEXT, props.allowPlainSecrets);
  }

  /**
   * The manifests of every chart, validated once and ordered by sync wave (stable: objects of one wave keep
   * the order in which they were defined).
   */
  public synthManifests(): ChartManifests[] {
    const charts = chartsInOrder(this, validateOnce(this));
    const fast = canRenderFast(this);
    return charts.map((chart) => ({ chart: chart.node.id, manifests: orderByWave(chart, fast) }));
  }

  public synthYaml(): string {
    return ManifestYaml.stringify(...this.synthManifests().flatMap((c) => c.manifests));
  }

  /**
   * Validates the app, then writes its manifests (and the files constructs added to the output) to the
   * output folder as one transaction: see the class description.
   */
  public synth(): void {
    const charts = chartsInOrder(this, validateOnce(this));
    const output = new StagedOutput(this.outdir, this);
    try {
      this.writeManifests(output, charts);
      for (const extra of outputFilesOf(this)) {
        output.claim(extra.file, extra.owner);
        output.writeFile(extra.file, extra.render());
      }
      if (this.recordMetadata) this.writeMetadataFile(output);
      output.commit();
    } catch (e) {
      output.abort();
      throw e;
    }
  }

  /**
   * Each object is rendered, turned into YAML and handed to its file at once: no list of the app's JSON or
   * YAML is held (WaveOrderedDocs keeps a large file's documents in spill files), so memory stays flat per
   * object however large the estate.
   */
  private writeManifests(output: StagedOutput, charts: Chart[]): void {
    const fast = canRenderFast(this);
    const fileOf = (chart: Chart, file: string) => {
      if (!isOutputPath(file)) fail(chart, 'id', chart.node.id, 'cannot name a file of the output (a chart id names its file or folder)');
      return file;
    };
    switch (this.layout) {
      case ManifestLayout.SINGLE_FILE: {
        const file = `app${this.outputFileExtension}`;
        output.claim(file, this);
        const sink = output.open(file);
        try {
          let first = true;
          for (const chart of charts) first = renderChart(chart, new WaveOrderedDocs(output), fast).writeTo(sink, first);
        } finally {
          sink.close();
        }
        break;
      }
      case ManifestLayout.FILE_PER_RESOURCE:
        for (const chart of charts) {
          const dir = fileOf(chart, chart.node.id);
          for (const o of objectsOf(chart)) {
            const m = renderObject(o, fast);
            const file = `${dir}/${resourceFileName(m, this.resourceFileExtension)}`;
            output.claim(file, o);
            output.writeFile(file, stringifyDocument(m));
          }
        }
        break;
      default:
        for (const chart of charts) {
          const file = fileOf(chart, `${chart.node.id}${this.outputFileExtension}`);
          output.claim(file, chart);
          const sink = output.open(file);
          try {
            renderChart(chart, new WaveOrderedDocs(output), fast).writeTo(sink, true);
          } finally {
            sink.close();
          }
        }
    }
  }

  /** cdk8s's `construct-metadata.json`: each object's name and construct path (read by validation plugins). */
  private writeMetadataFile(output: StagedOutput): void {
    const resources: Record<string, { path: string }> = {};
    for (const chart of this.charts) {
      for (const o of objectsOf(chart)) resources[o.name] = { path: o.node.path };
    }
    output.claim('construct-metadata.json', this);
    output.writeFile('construct-metadata.json', JSON.stringify({ version: '1.0.0', resources }));
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

/** `<namespace or cluster>.<kind>.<name><extension>`, lower case: unique per chart, stable across runs. */
function resourceFileName(m: any, extension: string): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  return `${clean(m.metadata?.namespace ?? 'cluster')}.${clean(m.kind)}.${clean(m.metadata?.name ?? 'unnamed')}${extension}`;
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
function orderByWave(chart: Chart, fast: boolean): any[] {
  return byWave(objectsOf(chart).map((o) => renderObject(o, fast)), waveOf);
}

/** The chart's objects as YAML documents, in the order of orderByWave(). */
function renderChart(chart: Chart, docs: WaveOrderedDocs, fast: boolean): WaveOrderedDocs {
  for (const o of objectsOf(chart)) {
    const m = renderObject(o, fast);
    docs.add(waveOf(m), stringifyDocument(m));
  }
  return docs;
}

/** Runs every construct's validations once and throws them all together, as cdk8s does; returns every construct. */
function validateOnce(app: App): IConstruct[] {
  const all = app.node.findAll();
  const errors: string[] = [];
  for (const c of all) {
    for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
  return all;
}

/**
 * `app.charts` (cdk8s's order: the topology of the dependency graph of every construct), without building
 * that graph when no construct declares a dependency: then the topology is the constructs' definition order
 * (`findAll()`), except that paths that look like array indices would come first, which falls back too.
 * Building the graph is a few hundred milliseconds for a 10,000-VM estate.
 */
function chartsInOrder(app: App, all: IConstruct[]): Chart[] {
  const charts: Chart[] = [];
  for (const c of all) {
    // constructs keeps a node's own dependencies in `_dependencies`, created by the first addDependency().
    const deps = (c.node as any)._dependencies;
    if (deps !== undefined && (!(deps instanceof Set) || deps.size > 0)) return app.charts;
    if (Chart.isChart(c)) charts.push(c);
  }
  if (app.node.children.some((c) => /^(0|[1-9][0-9]*)$/.test(c.node.id))) return app.charts;
  return charts;
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

import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { toDot } from './dot';
import { renderSvg } from './graphviz';
import { toMarkdown } from './markdown';
import { toMermaid } from './mermaid';
import { collectEstate, EstateModel } from './model';
import { buildTopology, DEFAULT_DETAIL_LIMIT, Topology } from './topology';
import { check } from '../core/errors';

/**
 * Options of an estate plan.
 */
export interface EstatePlanOptions {
  /**
   * Tenants (and, separately, namespaces with VMs outside tenants) drawn one node each in the picture. Above
   * it, alike tenants are drawn as one node (with their own networks as one node per bridge); plan.md still
   * lists every tenant.
   * @default 12
   */
  readonly pictureDetailLimit?: number;
  /**
   * Write the SVG picture next to plan.md (`writeTo`).
   * @default true
   */
  readonly svg?: boolean;
}

/**
 * The estate of an app at a glance, for the pull request that changes it: `plan.md` (bridges and VLANs,
 * every network's address pool and how full it is, tenants with their networks, VMs and quotas, golden
 * images and their clones, clone strategies per storage class, Ceph, shoots and the cluster prerequisites,
 * with a Mermaid picture) and `plan.svg` (the same picture drawn by Graphviz). Everything is sorted by name
 * and aggregated at estate scale, so a change to the estate is a small diff. `GitOpsApp` writes it with the
 * manifests; any other cdk8s app calls `writeTo`.
 *
 * The plan is taken from the app when it is first rendered; take a new one after changing the app.
 *
 * @example
 * app.synth();
 * EstatePlan.of(app).writeTo(app.outdir); // plan.md and plan.svg
 */
export class EstatePlan {
  /** The file the Markdown document is written to. */
  public static readonly MARKDOWN_FILE = 'plan.md';
  /** The file the SVG picture is written to. */
  public static readonly SVG_FILE = 'plan.svg';

  /** The plan of the app that `scope` belongs to. */
  public static of(scope: IConstruct, options: EstatePlanOptions = {}): EstatePlan {
    const limit = options.pictureDetailLimit ?? DEFAULT_DETAIL_LIMIT;
    check(Number.isInteger(limit) && limit >= 0, scope, 'pictureDetailLimit', limit, 'must be a whole number from 0 up');
    return new EstatePlan(scope.node.root, limit, options.svg ?? true);
  }

  private model?: EstateModel;
  private topology?: Topology;

  private constructor(private readonly root: IConstruct, private readonly detailLimit: number, private readonly writesSvg: boolean) {}

  /** plan.md: the estate as Markdown, with the topology as a Mermaid block. */
  public toMarkdown(): string {
    return toMarkdown(this.estate(), { mermaid: this.toMermaid(), svgFile: this.writesSvg ? EstatePlan.SVG_FILE : undefined });
  }

  /** The topology as a Mermaid flowchart. */
  public toMermaid(): string {
    return toMermaid(this.graph());
  }

  /** The topology as Graphviz DOT source. */
  public toDot(): string {
    return toDot(this.graph());
  }

  /** plan.svg: the topology drawn by Graphviz (WebAssembly), the same bytes on every machine. */
  public toSvg(): string {
    return renderSvg(this.toDot());
  }

  /**
   * Writes plan.md (and plan.svg, unless `svg` is false) into `directory`, creating it if needed; returns the
   * paths written.
   */
  public writeTo(directory: string): string[] {
    fs.mkdirSync(directory, { recursive: true });
    const files: Array<[string, string]> = [[EstatePlan.MARKDOWN_FILE, this.toMarkdown()]];
    if (this.writesSvg) files.push([EstatePlan.SVG_FILE, this.toSvg()]);
    return files.map(([name, text]) => {
      const file = path.join(directory, name);
      fs.writeFileSync(file, text, { encoding: 'utf8' });
      return file;
    });
  }

  private estate(): EstateModel {
    return this.model ??= collectEstate(this.root);
  }

  private graph(): Topology {
    return this.topology ??= buildTopology(this.estate(), this.detailLimit);
  }
}

/**
 * The "Cluster prerequisites" section of plan.md: what the manifests need from the cluster, from
 * `ClusterPrerequisites.of(app).all`. A plain rendering behind one function, so that a fuller Markdown
 * rendering of prerequisites can take its place without touching the rest of the plan. Internal.
 */
import { cell, formatCount, table } from './format';
import { componentName, Prerequisite } from '../platform/prerequisites';

/** How many constructs are named per prerequisite before the rest are counted. */
const NAMED = 3;

/** The section body (without its heading): a table, or a sentence when nothing is needed. */
export function renderPrerequisites(prerequisites: readonly Prerequisite[]): string {
  if (prerequisites.length === 0) return 'The manifests need nothing from the cluster that this library knows of.';
  const rows = prerequisites.map((p) => {
    const requirement = p.notNeededFrom ? `${p.requirement} (not needed from ${p.notNeededFrom})` : p.requirement;
    const named = p.neededBy.slice(0, NAMED).map((path) => `\`${path}\``).join(', ');
    const more = p.neededBy.length > NAMED ? ` and ${formatCount(p.neededBy.length - NAMED)} more` : '';
    return [p.kind, componentName(p.component), requirement, p.reasons.join('; '), `${named}${more}`].map(cell);
  });
  return table(['Kind', 'Component', 'Requirement', 'Why', 'Needed by'], rows);
}

/**
 * The "Cluster prerequisites" section of plan.md: what the manifests need from the cluster. Rendered by
 * `ClusterPrerequisites.toMarkdown()` (one table per kind, aggregated), behind this one function. Internal.
 */
import { ClusterPrerequisites } from '../platform/prerequisites';

/** The section, heading included; a short one when the app registered nothing. */
export function renderPrerequisites(prerequisites: ClusterPrerequisites | undefined): string {
  const text = prerequisites?.toMarkdown()
    ?? '## Cluster prerequisites\n\nThe manifests need nothing from the cluster beyond what every construct documents.\n';
  return text.endsWith('\n') ? text : `${text}\n`;
}

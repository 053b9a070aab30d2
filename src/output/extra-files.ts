import { IConstruct } from 'constructs';
import { isOutputPath } from './staged-output';
import { fail } from '../core/errors';

/*
 * Extra files in the output of a GitOpsApp, besides the manifests (for example a plan of the estate or a
 * diagram). This is the one way for a construct or module of this library to add a file to the output:
 *
 *   import { addOutputFile } from '../output/extra-files';
 *   addOutputFile(this, 'plan.md', () => renderPlan(...));   // in a constructor, once per file
 *
 * - The path is relative to the output folder, with `/` between folders; it must not be a manifest's path,
 *   another extra file's, or GitOpsApp's own index.
 * - `render` is called during `GitOpsApp.synth()`, after the app was validated and after every manifest was
 *   written (so it can read the final construct tree), and its result (a string, written as UTF-8, or bytes)
 *   goes into the same staging folder as the manifests: the file is committed with them, listed in the
 *   index, and deleted by a later run that no longer adds it.
 * - Only a GitOpsApp writes extra files: in any other cdk8s App, `addOutputFile` returns false and the file
 *   is not written (cdk8s's own `App.synth()` writes manifests only).
 *
 * Not part of the public API (not exported from the package).
 */

/** One extra file. */
export interface OutputFile {
  /** Path relative to the output folder, `/` between folders. */
  readonly file: string;
  /** Produces the content at synthesis. */
  readonly render: () => string | Uint8Array;
  /** The construct that added the file (named in errors). */
  readonly owner: IConstruct;
}

/** Marks the root construct of a GitOpsApp (set by GitOpsApp's constructor). */
export const WRITES_OUTPUT_FILES = Symbol.for('cdk8s-kubevirt.GitOpsApp');

const registry = new WeakMap<IConstruct, OutputFile[]>();

/**
 * Adds a file to the output of the app of `scope` (see above). Returns whether the app writes it: true in a
 * GitOpsApp, false in any other App.
 */
export function addOutputFile(scope: IConstruct, file: string, render: () => string | Uint8Array): boolean {
  if (!isOutputPath(file)) {
    fail(scope, 'file', file, 'must be a relative path inside the output folder (`/` between folders, no `.` or `..`), and not GitOpsApp\'s own index or staging folder');
  }
  const root = scope.node.root;
  if (!(WRITES_OUTPUT_FILES in root)) return false;
  let files = registry.get(root);
  if (!files) {
    files = [];
    registry.set(root, files);
  }
  files.push({ file, render, owner: scope });
  return true;
}

/** The extra files added to the app `root`, in the order they were added. */
export function outputFilesOf(root: IConstruct): readonly OutputFile[] {
  return registry.get(root) ?? [];
}

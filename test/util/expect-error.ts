import { App, Chart } from 'cdk8s';
import { KubeVirtConfigError } from '../../src/core/errors';

/**
 * Builds an app with `build` and synthesizes it; returns the error that construction or synthesis raised,
 * or undefined when YAML was written. Bad-input tables use it so that "fails with message M" also proves
 * that no YAML came out.
 */
export function synthError(build: (chart: Chart, app: App) => void): Error | undefined {
  const app = new App();
  const chart = new Chart(app, 'test');
  try {
    build(chart, app);
    app.synthYaml();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

/**
 * Asserts that `error` is the library's own: a KubeVirtConfigError thrown at construction, or the app-wide
 * problems cdk8s reports at synthesis (`[path] field: value rule` lines) - never a TypeError or RangeError,
 * and never undefined (which would mean YAML was written).
 */
export function expectLibraryError(error: unknown, message?: RegExp): void {
  expect(error).toBeDefined();
  expect(error).not.toBeInstanceOf(TypeError);
  expect(error).not.toBeInstanceOf(RangeError);
  if (!(error instanceof KubeVirtConfigError)) {
    expect((error as Error).message).toMatch(/^Validation failed with the following errors:\n {2}\[[^\]]+\] [\w.[\]]+: /);
  }
  if (message) expect((error as Error).message).toMatch(message);
}

/** A row of a bad-input table: what to build and the message the library must answer with. */
export interface BadInput {
  readonly name: string;
  readonly build: (chart: Chart, app: App) => void;
  readonly error: string | RegExp;
}

/**
 * Runs a bad-input table as jest cases: each must fail with the library's own error (never a TypeError or
 * other crash) whose message contains / matches the expected one.
 */
export function describeBadInputs(title: string, rows: BadInput[]): void {
  describe(title, () => {
    test.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
      const error = synthError(row.build);
      expectLibraryError(error);
      if (typeof row.error === 'string') expect(error!.message).toContain(row.error);
      else expect(error!.message).toMatch(row.error);
    });
  });
}

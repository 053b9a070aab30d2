import { App, Chart } from 'cdk8s';

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
      expect(error).toBeDefined();
      expect(error).not.toBeInstanceOf(TypeError);
      expect(error).not.toBeInstanceOf(RangeError);
      if (typeof row.error === 'string') expect(error!.message).toContain(row.error);
      else expect(error!.message).toMatch(row.error);
    });
  });
}

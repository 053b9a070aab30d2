import { IConstruct } from 'constructs';

/**
 * Renders a value the way error messages show it: strings quoted, everything else as JSON.
 */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return value.toString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * One synth-time error of this library: which construct, which field, the bad value and the rule.
 *
 * Messages read `[<construct path>] <field>: <value> <rule>`, the same shape cdk8s gives errors returned
 * from `node.addValidation()`, so construction-time and app-wide errors look alike.
 */
export class KubeVirtConfigError extends Error {
  public readonly path: string;
  public readonly field: string;
  public readonly rule: string;

  constructor(path: string, field: string, value: unknown, rule: string) {
    super(`[${path}] ${problem(field, value, rule)}`);
    this.name = 'KubeVirtConfigError';
    this.path = path;
    this.field = field;
    this.rule = rule;
  }
}

/** The message body shared by thrown errors and `addValidation` results. */
export function problem(field: string, value: unknown, rule: string): string {
  return `${field}: ${show(value)} ${rule}`;
}

/** Throws the library's error for `scope`. */
export function fail(scope: IConstruct, field: string, value: unknown, rule: string): never {
  // The app itself has the empty path; name it so the message still says where the error is.
  throw new KubeVirtConfigError(scope.node.path || '<app>', field, value, rule);
}

/** Throws unless `condition` holds. */
export function check(condition: boolean, scope: IConstruct, field: string, value: unknown, rule: string): void {
  if (!condition) fail(scope, field, value, rule);
}

/** Checks that `value` is a member of a TypeScript string enum (JavaScript and Python callers can pass anything). */
export function checkEnum<T extends string>(
  scope: IConstruct, field: string, value: T, values: Record<string, T>, enumName: string, why = '',
): T {
  const members = Object.entries(values);
  if (!members.some(([, v]) => v === value)) {
    const allowed = members.map(([k, v]) => `${enumName}.${k} (${JSON.stringify(v)})`).join(', ');
    fail(scope, field, value, `must be one of ${allowed}${why}`);
  }
  return value;
}

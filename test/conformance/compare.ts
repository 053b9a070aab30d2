/**
 * What the API server did to an object: the sent manifest against the object the server stored.
 *
 * - `changed`: the server stores another value than the one sent (a quantity rewritten in canonical form, an
 *   integer turned into a string, ...). A GitOps tool that compares the manifest with the live object shows this
 *   difference after every sync: the library should write the stored form.
 * - `removed`: a field sent but not stored (an empty value the server drops, a field pruned by a CRD schema).
 *   Same consequence.
 * - `added`: a field the server filled in (a default). Harmless for a GitOps diff, which only compares the fields
 *   the manifest sets; reported for information.
 * - `moved`: a Secret's `stringData`, which the server stores base64-encoded under `data`. Argo CD's diff makes the
 *   same move before comparing (gitops-engine pkg/diff/diff.go, `NormalizeSecret`), so it shows no difference; the
 *   comparison moves it too and checks the encoded values.
 *
 * Fields only the server writes (metadata.uid, resourceVersion, generation, creationTimestamp, managedFields) and
 * `status` are not compared.
 */
export type DifferenceKind = 'changed' | 'removed' | 'added' | 'moved';

export interface FieldDifference {
  readonly kind: DifferenceKind;
  /** JSONPath-like: `spec.hard["requests.cpu"]`, `spec.ports[0].protocol`. */
  readonly path: string;
  readonly sent?: unknown;
  readonly stored?: unknown;
}

const SERVER_OWNED_METADATA = new Set(['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields']);

export function compareSentStored(sent: unknown, stored: unknown): FieldDifference[] {
  const out: FieldDifference[] = [];
  if (isObject(sent) && sent.apiVersion === 'v1' && sent.kind === 'Secret' && isObject(sent.stringData)) {
    const encoded = Object.fromEntries(Object.entries(sent.stringData).map(([k, v]) => [k, Buffer.from(String(v), 'utf-8').toString('base64')]));
    out.push({ kind: 'moved', path: 'stringData', sent: Object.keys(sent.stringData) });
    const { stringData, ...rest } = sent;
    void stringData;
    sent = { ...rest, data: { ...(isObject(sent.data) ? sent.data : {}), ...encoded } };
  }
  walk(sent, stored, '', out);
  return out;
}

function key(prefix: string, k: string | number): string {
  if (typeof k === 'number') return `${prefix}[${k}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? (prefix ? `${prefix}.${k}` : k) : `${prefix}[${JSON.stringify(k)}]`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(sent: unknown, stored: unknown, at: string, out: FieldDifference[]): void {
  if (isObject(sent) && isObject(stored)) {
    for (const [k, v] of Object.entries(sent)) {
      if (v === undefined) continue;
      const p = key(at, k);
      if (!(k in stored)) out.push({ kind: 'removed', path: p, sent: v });
      else walk(v, stored[k], p, out);
    }
    for (const [k, v] of Object.entries(stored)) {
      if (k in sent) continue;
      if (at === '' && k === 'status') continue;
      if (at === 'metadata' && SERVER_OWNED_METADATA.has(k)) continue;
      out.push({ kind: 'added', path: key(at, k), stored: v });
    }
    return;
  }
  if (Array.isArray(sent) && Array.isArray(stored)) {
    const n = Math.max(sent.length, stored.length);
    for (let i = 0; i < n; i++) {
      if (i >= stored.length) out.push({ kind: 'removed', path: key(at, i), sent: sent[i] });
      else if (i >= sent.length) out.push({ kind: 'added', path: key(at, i), stored: stored[i] });
      else walk(sent[i], stored[i], key(at, i), out);
    }
    return;
  }
  if (!Object.is(sent, stored) && JSON.stringify(sent) !== JSON.stringify(stored)) {
    out.push({ kind: 'changed', path: at, sent, stored });
  }
}

/** One line per difference: `changed spec.hard["count/virtualmachines.kubevirt.io"]: 20 -> "20"`. */
export function formatDifference(d: FieldDifference): string {
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 120);
  if (d.kind === 'changed') return `changed ${d.path}: ${show(d.sent)} -> ${show(d.stored)}`;
  if (d.kind === 'removed') return `removed ${d.path} (sent ${show(d.sent)})`;
  if (d.kind === 'moved') return `moved ${d.path} to data (keys ${show(d.sent)}), base64-encoded`;
  return `added ${d.path}: ${show(d.stored)}`;
}

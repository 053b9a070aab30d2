/**
 * Formatting shared by the plan's renderers: stable ordering, short forms of long name lists, sizes and CPUs.
 * Internal: not re-exported.
 */

/** Code-point order: the same on every machine and in every language binding (no locale). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(cmp);
}

interface NamePart {
  readonly name: string;
  readonly stem: string;
  readonly number?: bigint;
}

function splitName(name: string): NamePart {
  const m = /^(.*?)(\d+)(\D*)$/.exec(name);
  if (!m) return { name, stem: `${name}\u0000` };
  // Zero-padded numbers only run on with numbers of the same width (vm-009, vm-010; not vm-9, vm-010).
  const width = m[2].length > 1 && m[2].startsWith('0') ? m[2].length : 0;
  return { name, stem: `${m[1]}\u0000${m[3]}\u0000${width}`, number: BigInt(m[2]) };
}

/**
 * A list of names as short as it can be while naming every one: runs of three or more names that differ only
 * by consecutive numbers become `first … last` (`vm-000 … vm-049`). Sorted by stem, then number. With more
 * than `limit` items, the first `limit` are shown and the rest counted.
 */
export function compressNames(names: Iterable<string>, limit = 24): string {
  const parts = [...new Set(names)].map(splitName).sort((a, b) => cmp(a.stem, b.stem)
    || (a.number !== undefined && b.number !== undefined ? (a.number < b.number ? -1 : a.number > b.number ? 1 : 0) : cmp(a.name, b.name)));
  const items: Array<{ text: string; count: number }> = [];
  for (let i = 0; i < parts.length;) {
    let j = i;
    while (j + 1 < parts.length && parts[j + 1].stem === parts[i].stem && parts[i].number !== undefined
      && parts[j + 1].number === parts[j].number! + 1n) j++;
    if (j - i >= 2) {
      items.push({ text: `${parts[i].name} … ${parts[j].name}`, count: j - i + 1 });
    } else {
      for (let k = i; k <= j; k++) items.push({ text: parts[k].name, count: 1 });
    }
    i = j + 1;
  }
  if (items.length <= limit) return items.map((x) => x.text).join(', ');
  const rest = items.slice(limit).reduce((n, x) => n + x.count, 0);
  return `${items.slice(0, limit).map((x) => x.text).join(', ')} and ${rest} more`;
}

/** Whole numbers as runs: `100, 300, 1000–1099`. */
export function compressNumbers(values: Iterable<number>): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(j === i ? `${sorted[i]}` : j === i + 1 ? `${sorted[i]}, ${sorted[j]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

const UNITS: Array<[string, bigint]> = [['Pi', 2n ** 50n], ['Ti', 2n ** 40n], ['Gi', 2n ** 30n], ['Mi', 2n ** 20n], ['Ki', 2n ** 10n]];

/** Bytes in the largest binary unit that is at least 1: exact when it divides (`1000Gi`), else two decimals (`48.83Ti`). */
export function formatBytes(bytes: bigint): string {
  const negative = bytes < 0n;
  const b = negative ? -bytes : bytes;
  const sign = negative ? '-' : '';
  for (const [unit, size] of UNITS) {
    if (b < size) continue;
    if (b % size === 0n) return `${sign}${b / size}${unit}`;
    const hundredths = (b * 100n + size / 2n) / size;
    return `${sign}${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}${unit}`;
  }
  return `${sign}${b}`;
}

/** Millicores as CPUs: `2`, `31.6`, `250m` (millicores below one CPU, as Kubernetes writes them). */
export function formatCpu(millis: number): string {
  if (millis % 1000 === 0) return String(millis / 1000);
  if (Math.abs(millis) < 1000) return `${millis}m`;
  const sign = millis < 0 ? '-' : '';
  const m = Math.abs(millis);
  return `${sign}${Math.floor(m / 1000)}.${String(m % 1000).padStart(3, '0').replace(/0+$/, '')}`;
}

/** A whole number with thousands separators (`5,000`), the same in every locale. */
export function formatCount(n: number | bigint): string {
  const s = String(n < 0 ? -n : n);
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (n < 0 ? '-' : '') + grouped;
}

/** `part / whole` as a whole percentage, rounded up (so 99.6 % never reads as 100 % free of trouble). */
export function formatShare(part: bigint, whole: bigint): string {
  if (whole <= 0n) return part > 0n ? '∞' : '0 %';
  return `${(part * 100n + whole - 1n) / whole} %`;
}

/** Escapes text for a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A Markdown table; rows are cells already escaped. */
export function table(header: string[], rows: string[][], align?: Array<'l' | 'r'>): string {
  const sep = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** `1 VM`, `2 VMs`. */
export function plural(n: number | bigint, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 || n === 1n ? one : many}`;
}

/** Appends `value` to the list of `key` (one list per key, grown in place: linear however many values). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Cron schedules as CDI parses a DataImportCron's `schedule` (robfig/cron ParseStandard: five fields or a
 * predefined descriptor). Internal: not re-exported by index.ts.
 */

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** Why `schedule` is not a cron schedule, or undefined when it is one. */
export function cronProblem(schedule: string): string | undefined {
  if (typeof schedule !== 'string' || schedule.trim() === '') return 'the schedule is empty';
  const text = schedule.trim();
  if (text.startsWith('@')) {
    return DESCRIPTORS.includes(text) ? undefined : `${JSON.stringify(text)} is not one of the descriptors ${DESCRIPTORS.join(', ')}`;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return `${fields.length} field(s) instead of 5 (minute hour day-of-month month day-of-week)`;
  for (let i = 0; i < 5; i++) {
    const p = fieldProblem(fields[i], FIELDS[i]);
    if (p) return p;
  }
  return undefined;
}

function fieldProblem(field: string, spec: FieldSpec): string | undefined {
  for (const part of field.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) return `${spec.name} ${JSON.stringify(part)} has more than one '/'`;
    if (step !== undefined && !/^[0-9]+$/.test(step)) return `${spec.name} step ${JSON.stringify(step)} must be a number`;
    if (step !== undefined && Number(step) < 1) return `${spec.name} step must be at least 1`;
    if (range === '*' || range === '?') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `${spec.name} ${JSON.stringify(range)} is not a value or a range`;
    const values: number[] = [];
    for (const b of bounds) {
      const v = valueOf(b, spec);
      if (v === undefined) return `${spec.name} ${JSON.stringify(b)} is not a number${spec.names ? ' or a name' : ''}`;
      if (v < spec.min || v > spec.max) return `${spec.name} ${v} is outside ${spec.min}-${spec.max}`;
      values.push(v);
    }
    if (values.length === 2 && values[0] > values[1]) return `${spec.name} range ${JSON.stringify(range)} runs backwards`;
  }
  return undefined;
}

function valueOf(text: string, spec: FieldSpec): number | undefined {
  if (/^[0-9]+$/.test(text)) return Number(text);
  const i = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  return i < 0 ? undefined : spec.min + i;
}

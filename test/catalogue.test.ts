import * as fs from 'fs';
import * as path from 'path';
import { buildCatalogue, CATALOGUE_PATH } from '../scripts/error-catalogue';

// GIVEN the error sites of src and the bad-input tables of test, WHEN the error catalogue is regenerated in
// memory, THEN docs/errors.md is exactly what the script writes, every error site is triggered by a test row, and
// every entry has a fix sentence.
const root = path.resolve(__dirname, '..');
const catalogue = buildCatalogue(root);
const REGENERATE = 'npx ts-node -P tsconfig.dev.json scripts/error-catalogue.ts';

describe('error catalogue (docs/errors.md)', () => {
  test('is current', () => {
    const committed = fs.existsSync(path.join(root, CATALOGUE_PATH)) ? fs.readFileSync(path.join(root, CATALOGUE_PATH), 'utf8') : '';
    if (committed !== catalogue.markdown) {
      throw new Error(`${CATALOGUE_PATH} is stale: an error site or a bad-input row moved or changed. Run \`${REGENERATE}\` and commit the result.`);
    }
  });

  test('finds the error sites of every module', () => {
    const modules = new Set(catalogue.sites.map((s) => s.module));
    for (const m of ['core', 'network', 'storage', 'compute', 'tenancy']) expect(modules).toContain(m);
    expect(catalogue.sites.length).toBeGreaterThan(200);
  });

  test('every error site is triggered by at least one bad-input row', () => {
    const untested = catalogue.untested.map((v) => `src/${v.site.location}  ${v.shape}`);
    if (untested.length > 0) {
      throw new Error(`${untested.length} error site(s) have no bad-input row that triggers them; add rows (describeBadInputs) `
        + `whose expected message names the field and rule, or, only for an unreachable site, an ALLOW_UNTESTED entry with the reason:\n  ${untested.join('\n  ')}`);
    }
  });

  test('the allow-list excuses only sites that no row triggers', () => {
    const stale = catalogue.sites.flatMap((s) => s.variants).filter((v) => v.allowed !== undefined && v.tests.length > 0);
    expect(stale.map((v) => `src/${v.site.location}  ${v.shape}`)).toStrictEqual([]);
  });

  test('every entry has a fix sentence', () => {
    expect(catalogue.unfixed.map((v) => `src/${v.site.location}  ${v.shape}`)).toStrictEqual([]);
  });
});

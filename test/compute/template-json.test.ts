import * as fs from 'fs';
import * as path from 'path';
import { RENAMED } from '../../src/compute/template-json';

/**
 * templateToJson copies a VM's pod template as is unless it holds a key the generated converters write under
 * another JSON name. That list is kept by hand; this test reads the generated converters of
 * VirtualMachineSpecTemplate and its parts (`'jsonName': obj.tsName`) so that a regenerated binding (a KubeVirt
 * bump) that adds a renamed key fails here instead of writing a wrong key.
 */
test('RENAMED is exactly the template keys the generated bindings rename', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'imports', 'kubevirt.io.ts'), 'utf-8');
  const renamed = new Set<string>();
  for (const fn of source.split('\nexport function ').filter((f) => f.startsWith('toJson_VirtualMachineSpecTemplate'))) {
    for (const [, json, ts] of fn.matchAll(/'?([A-Za-z0-9_.-]+)'?: obj\.([A-Za-z0-9_]+)/g)) {
      if (json !== ts) renamed.add(ts);
    }
  }
  expect(renamed.size).toBeGreaterThan(0);
  expect([...RENAMED].sort()).toStrictEqual([...renamed].sort());
});

/**
 * The JSON of a VM's pod template, without the cost of the generated converter where it changes nothing.
 * Internal: not re-exported by index.ts.
 */
import {
  VirtualMachineSpecTemplate,
  VirtualMachineSpecTemplateSpecDomainResourcesLimits,
  VirtualMachineSpecTemplateSpecDomainResourcesRequests,
  toJson_VirtualMachineSpecTemplate,
} from '../imports/kubevirt.io';

/**
 * TypeScript names that the generated VirtualMachineSpecTemplate converters write under another JSON name
 * (`dedicatedIoThread` -> `dedicatedIOThread`, ...). A template holding one takes the generated path.
 * test/compute/template-json.test.ts derives the list from src/imports, so a regenerated binding cannot outgrow it.
 */
export const RENAMED = new Set(['autoattachVsock', 'dedicatedIoThread', 'vmIPv6NetworkCidr', 'vmNetworkCidr']);

/** A value that only the generated converter renders correctly. */
const GENERATED = Symbol('generated');

/**
 * `toJson_VirtualMachineSpecTemplate(template)`, cheaply. The generated converters list every key of the schema
 * type and rebuild the object with one spread per key set, about twenty times per VM: most of the cost of
 * rendering a VM. When the template's keys are already its JSON names and its values are plain data, all they
 * do is drop undefined values, so a plain copy that drops them gives the same manifest. Anything else takes the
 * generated path: a key the generated code renames, a class instance other than the resource quantities (which
 * become their `value`, as there), and `CDK8S_DISABLE_SORT` (cdk8s then keeps the generated key order).
 */
export function templateToJson(template: VirtualMachineSpecTemplate): Record<string, any> {
  if (!process.env.CDK8S_DISABLE_SORT) {
    const json = plainCopy(template);
    if (json !== GENERATED) return json;
  }
  return toJson_VirtualMachineSpecTemplate(template)!;
}

function plainCopy(value: any): any {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = plainCopy(value[i]);
      if (item === GENERATED) return GENERATED;
      out[i] = item;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const quantity = value instanceof VirtualMachineSpecTemplateSpecDomainResourcesRequests
      || value instanceof VirtualMachineSpecTemplateSpecDomainResourcesLimits;
    return quantity ? value.value : GENERATED;
  }
  const out: Record<string, any> = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined) continue; // dropped by the generated code too, whatever its JSON name
    if (RENAMED.has(key)) return GENERATED;
    const item = plainCopy(v);
    if (item === GENERATED) return GENERATED;
    out[key] = item;
  }
  return out;
}

import { Chart } from 'cdk8s';
import { KubeVirtShoot, KubeVirtShootProps } from '../../src';
import { describeBadInputs } from '../util/expect-error';

const shoot = (c: Chart, props: Partial<KubeVirtShootProps> = {}) => new KubeVirtShoot(c, 's', {
  name: 's',
  namespace: 'garden-dev',
  region: 'local',
  cloudProfileName: 'kubevirt',
  secretBindingName: 'hosting',
  kubernetesVersion: '1.33.4',
  ...props,
});
const worker = { name: 'w', machineType: 'm', machineImageName: 'ubuntu', machineImageVersion: '1', minimum: 1, maximum: 2, zones: ['a'], volumeSize: '20Gi' };

// Rows for the tenancy error sites that test/tenancy/bad-inputs.test.ts does not trigger (see docs/errors.md).
describeBadInputs('tenancy: further bad inputs fail synthesis with their message', [
  {
    name: 'shoot pod CIDR with a prefix longer than IPv4 allows',
    build: (c) => shoot(c, { podsCidr: '100.96.0.0/33' }),
    error: '[test/s] podsCidr: "100.96.0.0/33" must have a prefix length from 0 to 32',
  },
  {
    name: 'shoot service CIDR with host bits',
    build: (c) => shoot(c, { servicesCidr: '100.64.0.1/13' }),
    error: '[test/s] servicesCidr: "100.64.0.1/13" has host bits set; did you mean "100.64.0.0/13"?',
  },
  {
    name: 'two worker pools of one name',
    build: (c) => shoot(c, { workers: [worker, { ...worker, machineType: 'large' }] }),
    error: '[test/s] workers[1].name: "w" is used by another worker pool; pool names are unique',
  },
  {
    name: 'worker pool with a negative minimum',
    build: (c) => shoot(c, { workers: [{ ...worker, minimum: -1 }] }),
    error: '[test/s] workers[0].minimum: -1 must be a whole number >= 0',
  },
]);

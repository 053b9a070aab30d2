import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { NUM_RUNS } from './runs';
import { CapkCluster, KubeVirtShoot, KubeVirtShootProps, VmDisk } from '../../src';
import { expectLibraryError, synthError } from '../util/expect-error';

// GIVEN random values for the rules of Gardener and Cluster API that have a range of inputs, WHEN a shoot or a CAPK
// cluster is synthesized with them, THEN it is accepted exactly when the rule holds, and otherwise fails with the
// library's own error (never a crash, never YAML).

const worker = { name: 'w', machineType: 'm', machineImageName: 'ubuntu', machineImageVersion: '1', minimum: 1, maximum: 2, zones: ['a'], volumeSize: '20Gi', volumeType: 'v' };
const shoot = (props: Partial<KubeVirtShootProps>) => (c: Chart) => new KubeVirtShoot(c, 's', {
  name: 's',
  namespace: 'garden-dev',
  region: 'r',
  cloudProfileName: 'k',
  credentialsBindingName: 'h',
  kubernetesVersion: '1.33.4',
  nodesCidr: '10.250.0.0/16',
  workers: [worker],
  ...props,
});
const capk = (replicas: number) => (c: Chart) => new CapkCluster(c, 'c', {
  name: 'c', kubernetesVersion: '1.33.4', controlPlane: { replicas, machine: { memory: '4Gi', rootDisk: VmDisk.fromContainerImage('registry.example.com/node:v1') } },
});
const label = (n: number) => fc.stringMatching(/^[a-z]{1,8}$/).map((s) => (s + 'x'.repeat(n)).slice(0, n));
const assertOutcome = (build: (c: Chart, app: App) => void, valid: boolean) => {
  const error = synthError(build);
  if (valid) expect(error).toBeUndefined();
  else expectLibraryError(error);
};

describe('property: Gardener\'s limits on names and sizes', () => {
  test('shoot name plus project name: accepted exactly when they have at most 21 characters together', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 20 }), (projectLength, nameLength) => {
      const project = 'p'.repeat(projectLength);
      const name = `s${'x'.repeat(nameLength - 1)}`;
      assertOutcome(shoot({ name, namespace: `garden-${project}` }), projectLength + nameLength <= 21);
    }), { numRuns: NUM_RUNS });
  });

  test('worker pool names: accepted exactly when they are DNS-1123 labels of at most 15 characters', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }).chain(label), (name) => {
      assertOutcome(shoot({ workers: [{ ...worker, name }] }), name.length <= 15);
    }), { numRuns: NUM_RUNS });
  });

  test('volume sizes: accepted exactly when they are a positive whole number of Gi', () => {
    const size = fc.tuple(fc.integer({ min: 0, max: 4096 }), fc.constantFrom('Gi', 'G', 'Mi', 'Ti', '', 'gi')).map(([n, unit]) => `${n}${unit}`);
    fc.assert(fc.property(size, (volumeSize) => {
      assertOutcome(shoot({ workers: [{ ...worker, volumeSize }] }), /^[1-9][0-9]*Gi$/.test(volumeSize));
    }), { numRuns: NUM_RUNS });
  });

  test('minimum and maximum: accepted exactly when 0 <= minimum <= maximum, minimum >= 1 once maximum > 0, and maximum > 0', () => {
    fc.assert(fc.property(fc.integer({ min: -2, max: 5 }), fc.integer({ min: -2, max: 5 }), (minimum, maximum) => {
      const valid = minimum >= 0 && maximum >= minimum && !(maximum > 0 && minimum === 0) && maximum > 0;
      assertOutcome(shoot({ workers: [{ ...worker, minimum, maximum }] }), valid);
    }), { numRuns: NUM_RUNS });
  });

  test('pod and service networks: accepted exactly when they are disjoint from each other and from the node network', () => {
    // Blocks in 10.248.0.0/14 as [first, last] offsets in units of /24 below 10.0.0.0; the node network is 10.250.0.0/16.
    const block = fc.constantFrom(
      '10.248.0.0/16', '10.249.0.0/16', '10.250.0.0/17', '10.250.128.0/17', '10.251.0.0/16', '10.248.0.0/15', '10.250.0.0/15', '10.251.128.0/17',
    ).map((cidr) => {
      const [address, prefix] = cidr.split('/');
      const [, second, third] = address.split('.').map(Number);
      const first = second * 256 + third;
      return { cidr, first, last: first + 2 ** (24 - Number(prefix)) - 1 };
    });
    const nodes = { first: 250 * 256, last: 250 * 256 + 255 };
    const apart = (a: { first: number; last: number }, b: { first: number; last: number }) => a.last < b.first || b.last < a.first;
    fc.assert(fc.property(block, block, (pods, services) => {
      const valid = apart(pods, nodes) && apart(services, nodes) && apart(pods, services);
      assertOutcome(shoot({ podsCidr: pods.cidr, servicesCidr: services.cidr }), valid);
    }), { numRuns: NUM_RUNS });
  });
});

describe('property: Cluster API\'s control-plane replicas', () => {
  test('accepted exactly when odd and at least 1 (stacked etcd)', () => {
    fc.assert(fc.property(fc.integer({ min: -3, max: 11 }), (replicas) => {
      assertOutcome(capk(replicas), replicas >= 1 && replicas % 2 === 1);
    }), { numRuns: NUM_RUNS });
  });
});

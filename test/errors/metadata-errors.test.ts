import {
  BridgeNetwork, CloneSource, ClonedDisk, GoldenImage, ImageSource, KubeVirtVm, NodeBridgePolicy,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';

const image = ImageSource.http('https://images.example.com/a.qcow2');

// Labels, annotations and node selectors the API server would refuse are refused at synth time.
describeBadInputs('metadata: labels, annotations and node selectors', [
  {
    name: 'a label key with a space (network)',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', labels: { 'team name': 'a' } }),
    error: '[test/n] labels: "team name" is not a valid label key',
  },
  {
    name: 'a label key with a prefix that is not a DNS subdomain (golden image)',
    build: (c) => new GoldenImage(c, 'i', { source: image, size: '1Gi', labels: { 'Example.COM/tier': 'gold' } }),
    error: '[test/i] labels: "Example.COM/tier" is not a valid label key',
  },
  {
    name: 'a label value longer than 63 characters (clone)',
    build: (c) => new ClonedDisk(c, 'd', { source: CloneSource.fromPvc('test-ns', 'src'), namespace: 'test-ns', size: '1Gi', labels: { tier: 'x'.repeat(64) } }),
    error: `[test/d] labels.tier: "${'x'.repeat(64)}" is not a valid label value`,
  },
  {
    name: 'a label value with a slash (VM)',
    build: (c) => new KubeVirtVm(c, 'vm', { memory: '1Gi', labels: { app: 'web/front' } }),
    error: '[test/vm] labels.app: "web/front" is not a valid label value',
  },
  {
    name: 'an annotation key ending in a dash (VM)',
    build: (c) => new KubeVirtVm(c, 'vm', { memory: '1Gi', annotations: { 'note-': 'x' } }),
    error: '[test/vm] annotations: "note-" is not a valid annotation key',
  },
  {
    name: 'an annotation value that is not a string (from JavaScript or Python)',
    build: (c) => new KubeVirtVm(c, 'vm', { memory: '1Gi', annotations: { note: 5 as unknown as string } }),
    error: '[test/vm] annotations.note: 5 must be a string',
  },
  {
    name: 'a node selector that is not a label (VM)',
    build: (c) => new KubeVirtVm(c, 'vm', { memory: '1Gi', nodeSelector: { 'kubevirt.io/schedulable': 'yes please' } }),
    error: '[test/vm] nodeSelector.kubevirt.io/schedulable: "yes please" is not a valid label value',
  },
  {
    name: 'a node selector that is not a label (node bridge)',
    build: (c) => new NodeBridgePolicy(c, 'p', { bridge: 'br1', uplink: 'eth1', nodeSelector: { '': 'x' } }),
    error: '[test/p] nodeSelector: "" is not a valid label key',
  },
]);

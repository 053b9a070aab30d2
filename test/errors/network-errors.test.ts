import { BridgeNetwork, Ipam } from '../../src';
import { describeBadInputs } from '../util/expect-error';

const wa = Ipam.whereabouts;

// Rows for the network error sites that test/network/bad-inputs.test.ts does not trigger (see docs/errors.md).
describeBadInputs('network: further bad inputs fail synthesis with their message', [
  {
    name: 'first-last/prefix range with a prefix longer than IPv4 allows',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.1-10.0.0.5/40' }) }),
    error: '[test/n] ipam.range: "10.0.0.1-10.0.0.5/40" must have a prefix length from 0 to 32',
  },
  {
    name: 'first-last/prefix range with a prefix longer than IPv6 allows',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: 'fd00::1-fd00::5/200' }) }),
    error: '[test/n] ipam.range: "fd00::1-fd00::5/200" must have a prefix length from 0 to 128',
  },
]);

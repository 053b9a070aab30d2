import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { NUM_RUNS } from './runs';
import { BridgeNetwork, Ipam, IsolatedTenant, VlanTrunk } from '../../src';
import { KubeVirtConfigError } from '../../src/core/errors';
import { undocumentedKeys } from '../network/cni-keys';
import { expectLibraryError, synthError } from '../util/expect-error';
import { synthObjects } from '../util/synth';

/** Valid IPv4 /16-/28 networks inside 10.0.0.0/8, as [cidr, network address as number, prefix]. */
const ipv4Network = fc.tuple(fc.integer({ min: 16, max: 28 }), fc.integer({ min: 0, max: 0xffffff })).map(([prefix, host]) => {
  const size = 2 ** (32 - prefix);
  const base = (10 * 2 ** 24) + Math.floor(host / size) * size;
  return { prefix, base, size };
});
const dotted = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

const validNetwork = fc.record({
  vlan: fc.integer({ min: 0, max: 4094 }),
  mtu: fc.option(fc.integer({ min: 68, max: 9216 }), { nil: undefined }),
  net: ipv4Network,
  gatewayOffset: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  defaultRoute: fc.boolean(),
  macSpoofCheck: fc.option(fc.boolean(), { nil: undefined }),
  portIsolation: fc.option(fc.boolean(), { nil: undefined }),
  useTrunk: fc.boolean(),
});

describe('property: valid bridge networks always synthesize schema-valid, documented CNI configs', () => {
  test('random valid networks', () => {
    fc.assert(fc.property(validNetwork, (p) => {
      const app = new App();
      const chart = new Chart(app, 'p');
      const range = `${dotted(p.net.base)}/${p.net.prefix}`;
      const gateway = p.gatewayOffset === undefined ? undefined : dotted(p.net.base + p.gatewayOffset);
      const net = new BridgeNetwork(chart, 'n', {
        namespace: 'ns',
        bridge: 'br1',
        vlan: p.useTrunk ? undefined : p.vlan,
        vlanTrunk: p.useTrunk ? [VlanTrunk.range(Math.max(1, p.vlan), Math.max(1, p.vlan))] : undefined,
        mtu: p.mtu,
        macSpoofCheck: p.macSpoofCheck,
        portIsolation: p.portIsolation,
        ipam: Ipam.whereabouts({
          range,
          gateway,
          routes: p.defaultRoute && gateway ? [{ destination: '0.0.0.0/0', gateway }] : undefined,
        }),
      });
      const [nad] = synthObjects(app);
      expect(undocumentedKeys(nad.spec.config)).toStrictEqual([]);
      const ipam = JSON.parse(nad.spec.config).plugins[0].ipam;
      expect(ipam.range).toBe(range);
      // The gateway never stays in the pool.
      if (gateway) expect(ipam.exclude).toContain(`${gateway}/32`);
      expect(net.reference).toBe(`ns/${nad.metadata.name}`);
    }), { numRuns: NUM_RUNS });
  });

  test('two tenants with random VLANs and ranges: synthesis succeeds exactly when they share neither', () => {
    fc.assert(fc.property(ipv4Network, ipv4Network, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), (a, b, va, vb) => {
      const app = new App();
      const chart = new Chart(app, 'p');
      new IsolatedTenant(chart, 'a', { name: 'a', defaultNetwork: { bridge: 'br1', vlan: va, ipam: Ipam.whereabouts({ range: `${dotted(a.base)}/${a.prefix}` }) } });
      new IsolatedTenant(chart, 'b', { name: 'b', defaultNetwork: { bridge: 'br1', vlan: vb, ipam: Ipam.whereabouts({ range: `${dotted(b.base)}/${b.prefix}` }) } });
      const overlap = a.base < b.base + b.size && b.base < a.base + a.size;
      const conflict = overlap || va === vb;
      let error: Error | undefined;
      try {
        synthObjects(app);
      } catch (e) {
        error = e as Error;
      }
      expect(error === undefined).toBe(!conflict);
      if (error) {
        if (va === vb) expect(error.message).toContain('two tenants never share a VLAN on one bridge');
        if (overlap) expect(error.message).toContain('two tenants never share an address range');
      }
    }), { numRuns: NUM_RUNS });
  });
});

/** Inputs that break exactly one rule. */
const invalidNetwork = fc.oneof(
  fc.integer().filter((v) => v < 0 || v > 4094).map((vlan) => ({ vlan })),
  fc.double({ noNaN: false }).filter((v) => !Number.isInteger(v)).map((vlan) => ({ vlan })),
  fc.integer({ min: -100000, max: 67 }).map((mtu) => ({ mtu })),
  fc.integer({ min: 65536, max: 10 ** 7 }).map((mtu) => ({ mtu })),
  fc.string().filter((s) => !/^[^\s/:]{1,15}$/.test(s)).map((bridge) => ({ bridge })),
  fc.string().filter((range) => !/^[0-9.]+\/[0-9]+$/.test(range)).map((range) => ({ ipam: Ipam.whereabouts({ range }) })),
  fc.tuple(ipv4Network, fc.integer({ min: 1, max: 2 ** 16 })).map(([n, off]) => ({
    ipam: Ipam.whereabouts({ range: `${dotted(n.base)}/${n.prefix}`, gateway: dotted(n.base + n.size + off - 1 + 1) }),
  })),
  fc.string({ minLength: 1 }).filter((s) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s)).map((namespace) => ({ namespace })),
  fc.constantFrom(0, 4095, 5000, -3).map((id) => ({ vlanTrunk: [VlanTrunk.id(id)] })),
);

describe('property: invalid bridge networks always fail with the library\'s own error', () => {
  test('random invalid inputs never crash and never produce YAML', () => {
    fc.assert(fc.property(invalidNetwork, (bad) => {
      const error = synthError((chart) => new BridgeNetwork(chart, 'n', { bridge: 'br1', ...bad }));
      expect(error).toBeInstanceOf(KubeVirtConfigError);
      expectLibraryError(error, /^\[test\/n\] [a-zA-Z.[\]0-9]+: /);
    }), { numRuns: NUM_RUNS });
  });
});

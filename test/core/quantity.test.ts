import { canonicalQuantity } from '../../src/core/quantity';

describe('canonicalQuantity: the form the API server stores in a built-in resource list', () => {
  // Each row is what kube-apiserver v1.34.4 stored for the value (test/conformance/apiserver.test.ts checks a longer
  // table against the real server).
  test.each([
    ['20', '20'], ['1000', '1k'], ['2000', '2k'], ['1000m', '1'], ['1500m', '1500m'], ['0.5', '500m'], ['1u', '1m'],
    ['1024Mi', '1Gi'], ['1.5Gi', '1536Mi'], ['1.5Ki', '1536'], ['128Gi', '128Gi'], ['1e3', '1e3'], ['1E3', '1E3'],
    ['12e2', '1200'], ['1000k', '1M'], ['0', '0'],
  ])('%s is stored as %s', (value, stored) => {
    expect(canonicalQuantity(value)).toBe(stored);
  });

  test('a value that is not a quantity is returned unchanged (callers validate first)', () => {
    expect(canonicalQuantity('lots')).toBe('lots');
  });
});

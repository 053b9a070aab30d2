import { compressNames, compressNumbers, formatBytes, formatCpu, formatShare } from '../../src/plan/format';

describe('the plan\'s short forms name every item and stay exact', () => {
  test.each([
    [['vm-002', 'vm-000', 'vm-001', 'vm-003'], 'vm-000 … vm-003'],
    [['web-1', 'web-2'], 'web-1, web-2'], // two are listed, three or more make a run
    [['vm-9', 'vm-10', 'vm-11'], 'vm-9 … vm-11'],
    [['vm-009', 'vm-010', 'vm-011'], 'vm-009 … vm-011'],
    [['vm-9', 'vm-010', 'vm-011'], 'vm-9, vm-010, vm-011'], // padded and unpadded numbers do not run on
    [['a1', 'a2', 'a3', 'a5', 'db', 'b-x'], 'a1 … a3, a5, b-x, db'],
    [['vm-1', 'vm-1'], 'vm-1'],
  ])('compressNames(%j) is %j', (names, text) => {
    expect(compressNames(names)).toBe(text);
  });

  test('past the limit, the rest is counted', () => {
    expect(compressNames(['a', 'c', 'e', 'g'], 2)).toBe('a, c and 2 more');
    expect(compressNames(['a', 'x1', 'x2', 'x3'], 1)).toBe('a and 3 more');
  });

  test.each([
    [[1000, 1001, 1002, 100, 300, 301], '100, 300, 301, 1000–1002'],
    [[], ''],
  ])('compressNumbers(%j) is %j', (numbers, text) => {
    expect(compressNumbers(numbers)).toBe(text);
  });

  test.each([
    [10n * 2n ** 30n, '10Gi'],
    [1000n * 2n ** 30n, '1000Gi'],
    [50000n * 2n ** 30n, '48.83Ti'],
    [512n, '512'],
    [-(4n * 2n ** 30n), '-4Gi'],
  ])('formatBytes(%s) is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  test.each([
    [2000, '2'], [31600, '31.6'], [400, '400m'], [1250, '1.25'],
  ])('formatCpu(%i) is %s', (millis, text) => {
    expect(formatCpu(millis)).toBe(text);
  });

  test('shares round up, so a pool is never shown emptier than it is', () => {
    expect(formatShare(4n, 29n)).toBe('14 %');
    expect(formatShare(253n, 253n)).toBe('100 %');
    expect(formatShare(0n, 253n)).toBe('0 %');
  });
});

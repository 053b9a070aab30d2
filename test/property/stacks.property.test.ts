// STACKS: the place for property tests of the stacks in src/stacks (HighPerformanceVmStack, MultiTenantVmStack,
// GoldenImageCatalogStack, ShootClustersStack, GitOpsApp). They are written together with the stacks, in the
// style of the other files here: random valid stack props always synthesize schema-valid objects
// (test/util/synth.ts), random invalid ones always fail with the library's error, NUM_RUNS cases per property.
describe('property: stacks', () => {
  test.todo('random valid stack props always synthesize schema-valid objects');
  test.todo('random invalid stack props always fail with the library\'s own error');
});

/**
 * Cases per property. CI runs at least 1,000 per property (the default); set PROPERTY_RUNS lower for a quick
 * local loop, or higher for a soak.
 */
export const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);

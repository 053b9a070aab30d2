/**
 * The estate as raw cdk8s ApiObjects in a plain cdk8s App: the same objects (bench/apps/estate-json.ts,
 * built here, inside the measured process), one `new ApiObject(chart, id, json)` each, written by cdk8s's own
 * `App.synth()`. What a cdk8s user without the library would run.
 *
 *   node bench/out/apps/raw.js --tenants T --vms V --out DIR
 */
import { arg, now, report } from './app-report';
import { platformObjects, tenantObjects } from './estate-json';

/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const { ApiObject, App, Chart } = require('cdk8s') as typeof import('cdk8s');
const loaded = now();

const app = new App({ outdir: arg('out') });
const platform = new Chart(app, 'platform');
const tenants = new Chart(app, 'tenants');
let i = 0;
for (const o of platformObjects()) new ApiObject(platform, `o${i++}`, o);
for (const o of tenantObjects({ tenants: Number(arg('tenants')), vmsPerTenant: Number(arg('vms')) })) new ApiObject(tenants, `o${i++}`, o);
const built = now();
app.synth();
report(loaded, built, now());

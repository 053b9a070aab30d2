/**
 * No server process and no temporary directory outlives a test run: not after a failing test, not when a test file
 * forgets to stop its server, not when the test process is killed. Each case runs
 * test/conformance/fixtures/server-lifecycle.fixture.ts in a child jest and then looks for what it left.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { processAlive, sleep } from '../util/apiserver';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

async function runFixture(mode: string): Promise<{ code: number | null; signal: string | null; output: string; pid: number; dir: string }> {
  const probe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-probe-')), 'probe.json');
  const jest = require.resolve('jest/bin/jest');
  const args = [jest, '--ci', '--runInBand', '--reporters=default', '--testMatch', '**/test/conformance/fixtures/*.fixture.ts', '--', 'test/conformance/fixtures/server-lifecycle.fixture.ts'];
  const { code, signal, output } = await new Promise<{ code: number | null; signal: string | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, CONFORMANCE_FIXTURE_MODE: mode, CONFORMANCE_FIXTURE_PROBE: probe },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d) => { text += d; });
    child.stderr.on('data', (d) => { text += d; });
    child.on('error', reject);
    child.on('close', (c, s) => resolve({ code: c, signal: s, output: text }));
  });
  if (!fs.existsSync(probe)) throw new Error(`the fixture (${mode}) never started its server:\n${output.slice(-3000)}`);
  const { pid, dir } = JSON.parse(fs.readFileSync(probe, 'utf-8'));
  fs.rmSync(path.dirname(probe), { recursive: true, force: true });
  return { code, signal, output, pid, dir };
}

/** Waits up to 15 s for the process to be gone and its directory removed; returns what is left. */
async function leftovers(pid: number, dir: string): Promise<{ processAlive: boolean; dirExists: boolean }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const left = { processAlive: processAlive(pid), dirExists: fs.existsSync(dir) };
    if ((!left.processAlive && !left.dirExists) || Date.now() > deadline) return left;
    await sleep(100);
  }
}

describe('cleaning up after the test control plane', () => {
  test('a failing test: the run fails, and its server and temporary directory are gone', async () => {
    const run = await runFixture('fail');
    expect(run.code).toBe(1);
    expect(run.output).toContain('deliberate failure');
    expect(await leftovers(run.pid, run.dir)).toStrictEqual({ processAlive: false, dirExists: false });
  }, 180_000);

  test('a test file that never stops its server: the server goes when the test process exits', async () => {
    const run = await runFixture('no-stop');
    expect(run.code).toBe(0);
    expect(await leftovers(run.pid, run.dir)).toStrictEqual({ processAlive: false, dirExists: false });
  }, 180_000);

  test('a test process killed with SIGKILL: its server notices, stops and removes its directory', async () => {
    const run = await runFixture('killed');
    expect(run.signal).toBe('SIGKILL');
    expect(await leftovers(run.pid, run.dir)).toStrictEqual({ processAlive: false, dirExists: false });
  }, 180_000);
});

/**
 * Graphviz, compiled to WebAssembly (@viz-js/viz), called synchronously.
 *
 * Why @viz-js/viz 3.31.0 (Graphviz 16.1.0, MIT, about 1.2 MB with the WebAssembly inlined, no dependencies,
 * released monthly): it ships a CommonJS entry (`require` export), which a jsii module needs, and Graphviz's
 * `dot` layout with clusters. @hpcc-js/wasm-graphviz (Apache-2.0, about 0.8 MB, as well kept) is ES modules
 * only, so CommonJS could load it only through an asynchronous `import()`. Pure JavaScript layouts were
 * weaker fits: @dagrejs/dagre (MIT, synchronous) lays out but draws nothing, so this library would have to
 * measure text and render the SVG itself; elkjs is EPL-2.0/GPL-3.0 and asynchronous too.
 *
 * cdk8s synthesizes synchronously (and jsii calls from Python are synchronous too), but every WebAssembly build
 * of Graphviz on npm loads asynchronously: @viz-js/viz's `instance()` and @hpcc-js/wasm-graphviz's
 * `Graphviz.load()` return promises (Emscripten instantiates the module with `WebAssembly.instantiate`).
 * Rendering itself is synchronous once loaded. So Graphviz runs in a worker thread of this process, loaded
 * once and kept (unref'd, so it never keeps the process alive), and the caller blocks on `Atomics.wait` until
 * the worker has posted the SVG, which it then takes with `receiveMessageOnPort`. No child process, no
 * event-loop turn: the same in Node, in jest and inside the jsii kernel that runs the Python binding.
 *
 * Graphviz's layout is deterministic for the same input and version, and the WebAssembly build measures text
 * with its built-in font metrics (no system fonts), so the SVG is the same byte for byte on every machine.
 * Internal: not re-exported.
 */
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';

/** How long one rendering may take before the caller gives up (the first one includes loading Graphviz). */
const TIMEOUT_MS = 120_000;

// Runs in the worker: load Graphviz once, render each request, post the answer, then wake the caller.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { port, flag, modulePath } = workerData;
let loading;
try {
  loading = require(modulePath).instance();
} catch (e) {
  loading = Promise.reject(e);
}
loading.catch(() => undefined);
port.on('message', (request) => {
  loading.then((viz) => ({ svg: viz.renderString(request.dot, { format: 'svg', engine: 'dot' }) }))
    .catch((e) => ({ error: String((e && e.message) || e) }))
    .then((answer) => {
      port.postMessage(answer);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
});
`;

interface Renderer {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

let renderer: Renderer | undefined;

/** The CommonJS entry of @viz-js/viz (its package exports it under the `require` condition). */
function vizModulePath(): string {
  return require.resolve('@viz-js/viz');
}

function start(): Renderer {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { port: port2, flag, modulePath: vizModulePath() },
    transferList: [port2],
    // Not the parent's flags: a parent started with `-r ts-node/register` would load the TypeScript compiler
    // into the worker too (some 60 MiB). Graphviz needs plain Node.
    execArgv: [],
    stdout: true,
    stderr: true,
  });
  worker.unref();
  port1.unref();
  return { worker, port: port1, flag };
}

/** Renders DOT source to SVG with Graphviz's `dot` layout; throws with Graphviz's message on bad input. */
export function renderSvg(dot: string): string {
  renderer = renderer ?? start();
  const r = renderer;
  Atomics.store(r.flag, 0, 0);
  r.port.postMessage({ dot });
  const deadline = Date.now() + TIMEOUT_MS;
  let answer: { svg?: string; error?: string } | undefined;
  while (answer === undefined) {
    const left = deadline - Date.now();
    if (left <= 0) {
      void r.worker.terminate();
      renderer = undefined;
      throw new Error(`Graphviz did not answer within ${TIMEOUT_MS / 1000} seconds`);
    }
    Atomics.wait(r.flag, 0, 0, Math.min(left, 1_000));
    answer = receiveMessageOnPort(r.port)?.message;
  }
  if (answer.error !== undefined) throw new Error(`Graphviz could not draw the estate: ${answer.error}`);
  return answer.svg!;
}

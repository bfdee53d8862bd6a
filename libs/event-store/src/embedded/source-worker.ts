import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread running `file`, a module that checks `workerData` to know it is the thread.
 * Compiled (.js, what `npm start` runs) it starts as it is, with this process's Node flags (so
 * --cpu-prof profiles it too). From TypeScript sources (.ts, as jest runs them) the thread first
 * teaches `require` to compile .ts with @swc/core, a dev dependency, the way jest does.
 */
export function startWorker(file: string, workerData: unknown): Worker {
  if (extname(file) !== '.ts') return new Worker(file, { workerData, execArgv: process.execArgv });
  const loader = `
    const { readFileSync } = require('node:fs');
    const { transformSync } = require(${JSON.stringify(require.resolve('@swc/core'))});
    require.extensions['.ts'] = (module, filename) => {
      const { code } = transformSync(readFileSync(filename, 'utf8'), {
        filename,
        swcrc: false,
        jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      });
      module._compile(code, filename);
    };
    require(${JSON.stringify(file)});
  `;
  return new Worker(loader, { eval: true, workerData });
}

/**
 * Asks a worker that ends on a `{ type: 'close' }` message to end, and resolves once it has exited.
 * Waiting holds this process (the worker may be unref'd): otherwise a script closing its store
 * would end right there, silently, with nothing else pending.
 */
export function closeWorker(worker: Worker, exited: boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    if (exited) return resolve();
    worker.ref();
    worker.once('exit', () => resolve());
    worker.postMessage({ type: 'close' });
  });
}

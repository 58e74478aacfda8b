/**
 * The load benchmark's side of its backend process (loadBackend.ts): forks it with the
 * TypeScript transform, sends its requests over IPC and waits for their answers.
 */
import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BenchBackendOptions } from './backend';
import type { FromBackend, ToBackend } from './loadBackend';

/** The backend process, and a request/answer over IPC. */
export class BackendProcess {
  private readonly child: ChildProcess;
  private exited?: string;

  /** `log`: the backend's output (its warnings and errors) goes there. */
  constructor(readonly log: string) {
    const out = fs.openSync(log, 'w');
    // eslint-disable-next-line no-restricted-syntax -- tooling run from the repository, never bundled
    this.child = fork(path.join(__dirname, 'loadBackend.ts'), [], {
      execArgv: [
        '--expose-gc',
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', out, out, 'ipc'],
    });
    fs.closeSync(out);
    this.child.on('exit', code => {
      this.exited = `the backend process exited with code ${code}`;
    });
  }

  private ask<T extends FromBackend['type']>(
    message: ToBackend,
    answer: T,
  ): Promise<Extract<FromBackend, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.exited) {
        reject(new Error(this.exited));
        return;
      }
      const listeners = {
        message: (m: FromBackend) => {
          if (m.type !== answer && m.type !== 'error') return;
          this.child.off('message', listeners.message);
          this.child.off('exit', listeners.exit);
          if (m.type === 'error')
            reject(new Error(`backend process: ${m.message}`));
          else resolve(m as Extract<FromBackend, { type: T }>);
        },
        exit: () => reject(new Error(this.exited)),
      };
      this.child.on('message', listeners.message);
      this.child.once('exit', listeners.exit);
      this.child.send(message);
    });
  }

  start(options: BenchBackendOptions) {
    return this.ask({ type: 'start', options }, 'ready');
  }

  /** `gc`: also the heap left after a full GC (which takes a moment). */
  usage(gc = false) {
    return this.ask({ type: 'usage', gc }, 'usage');
  }

  async stop() {
    if (this.exited) return;
    const exit = new Promise(resolve => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' });
    await exit;
  }
}

/**
 * One message port for code that runs either as a worker thread or as a forked child process (IPC with
 * `serialization: 'advanced'`, i.e. structured clone, like a MessagePort): whichever started it is at
 * the other end. Used by the emulator's own thread/process (emulator-worker.ts) and the bench's driver.
 */
import type { ChildProcess } from 'node:child_process';
import { parentPort } from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';

export interface Port {
  postMessage(message: unknown): void;
  onMessage<T>(listener: (message: T) => void): void;
}

/** This thread's or this process's link to whoever started it; undefined when it was started directly. */
export function parentLink(): Port | undefined {
  const port = parentPort;
  if (port) return { postMessage: (message) => port.postMessage(message), onMessage: (listener) => void port.on('message', listener) };
  const send = process.send?.bind(process);
  if (!send) return undefined;
  // Started as a helper process: it has no reason to outlive the process that started it.
  process.once('disconnect', () => process.exit(0));
  return { postMessage: (message) => void send(message), onMessage: (listener) => void process.on('message', listener) };
}

/** The starting side's view of a worker thread or a child process, as a Port. */
export function childLink(child: Worker | ChildProcess): Port {
  if ('postMessage' in child)
    return { postMessage: (message) => child.postMessage(message), onMessage: (listener) => void child.on('message', listener) };
  return { postMessage: (message) => void child.send(message as object), onMessage: (listener) => void child.on('message', listener) };
}

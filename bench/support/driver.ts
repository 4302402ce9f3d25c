/** The bench's handle on its driver (driver-worker.ts) in a child process: requests by id, each with a deadline. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { childLink, type Port } from '../../src/simulator/message-channel';
import type { DriverReply, DriverRequest, Expected, Offer, PressOutcome, PressPlan, TurnOutcome, TurnTimes } from './driver-protocol';

type Pending = { resolve: (reply: DriverReply) => void; timer: NodeJS.Timeout };

export class DriverError extends Error {
  readonly code = 'DriverFailed';
}

export class Driver {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private readonly port: Port;

  private constructor(
    private readonly child: ChildProcess,
    readonly connectorUrl: string,
  ) {
    this.port = childLink(child);
    this.port.onMessage((reply: DriverReply) => {
      if (reply.kind === 'ready') return;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      clearTimeout(waiting.timer);
      waiting.resolve(reply);
    });
  }

  static async start(options: { timeoutMs: number }): Promise<Driver> {
    // Compiled output sits beside this file (dist/bench/support), so the driver is loaded as JavaScript. A
    // process of its own: its CPU and memory (every card it received) are not the bot's.
    const child = fork(path.join(__dirname, 'driver-worker.js'), [], { serialization: 'advanced', stdio: 'inherit' });
    const connectorUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DriverError('the driver process did not start')), options.timeoutMs);
      child.once('error', reject);
      child.on('message', (m: DriverReply) => {
        if (m.kind !== 'ready') return;
        clearTimeout(timer);
        resolve(m.connectorUrl);
      });
    });
    return new Driver(child, connectorUrl);
  }

  async turns(url: string, conversation: string, n: number, expect: Expected, timeoutMs: number): Promise<TurnTimes> {
    const reply = await this.ask({ kind: 'turns', id: this.nextId++, url, conversation, n, expect }, timeoutMs);
    if (reply.kind !== 'turns') throw new DriverError(reply.kind === 'error' ? reply.message : `unexpected ${reply.kind} reply`);
    return reply.times;
  }

  async round(
    url: string,
    o: { conversations: number; first: number; label: string; text: string; deadlineMs: number; presses?: PressPlan[] },
  ): Promise<{ outcomes: TurnOutcome[]; presses: PressOutcome[] }> {
    const reply = await this.ask({ kind: 'round', id: this.nextId++, url, ...o }, o.deadlineMs + 5_000);
    if (reply.kind !== 'round') throw new DriverError(reply.kind === 'error' ? reply.message : `unexpected ${reply.kind} reply`);
    return { outcomes: reply.outcomes, presses: reply.presses };
  }

  /** The grant offers the connector has seen in these conversations. */
  async offers(conversations: string[], timeoutMs: number): Promise<Offer[]> {
    const reply = await this.ask({ kind: 'offers', id: this.nextId++, conversations }, timeoutMs);
    if (reply.kind !== 'offers') throw new DriverError(reply.kind === 'error' ? reply.message : `unexpected ${reply.kind} reply`);
    return reply.offers;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill();
    await exited;
  }

  private ask(request: DriverRequest, timeoutMs: number): Promise<DriverReply> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(request.id);
        resolve({ kind: 'error', id: request.id, message: `the driver did not answer ${request.kind} within ${timeoutMs} ms` });
      }, timeoutMs);
      this.pending.set(request.id, { resolve, timer });
      this.port.postMessage(request);
    });
  }
}

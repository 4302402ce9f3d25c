/**
 * Starts Microsoft 365 Agents Playground (the local Teams-like chat client) against the bot, for demo mode
 * and the browser end-to-end test. The Playground is a separate Node process: one process shows one signed-in
 * user (from its YAML config), so two people means two Playgrounds.
 *
 * Facts about @microsoft/m365agentsplayground 0.2.28 this relies on (read from its bundle):
 * - the config file is taken from M365_AGENTS_PLAYGROUND_CONFIG_PATH, else `./.m365agentsplayground.yml`
 *   in its working directory; a missing file silently falls back to a built-in user, so we check first;
 * - `-p 0` listens on any free port; a taken port also falls back to a random one. When stdout is not a TTY
 *   it writes exactly `Listening on <port>` there, which is how we learn the real port;
 * - everything else it says (including why it failed) goes only to its log file
 *   (M365_AGENTS_PLAYGROUND_LOGFILE, default `./devTools/m365agentsplayground.log`);
 * - it opens a browser unless TEAMSAPPTESTER_BROWSER=none;
 * - it listens on all interfaces (there is no host option), so we preload a loopback default (see LOOPBACK_ONLY).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type PlaygroundErrorCode =
  'PlaygroundNotInstalled' | 'PlaygroundConfigMissing' | 'PlaygroundExited' | 'PlaygroundStartTimeout' | 'PlaygroundAborted';

export class PlaygroundError extends Error {
  constructor(
    readonly code: PlaygroundErrorCode,
    message: string,
    readonly logFile?: string,
  ) {
    super(message);
    this.name = 'PlaygroundError';
  }
}

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** Port of the Playground's web UI; 0 picks a free one. The Playground itself falls back to a free port when this one is taken. Default 56150. */
  port?: number;
  /** Playground YAML (who the signed-in user is). Default: the repository's `.m365agentsplayground.yml`. */
  configFile?: string;
  signal?: AbortSignal;
  /** How long to wait for the web UI to answer. Default 60 s (a cold start on a busy 2-core machine takes a few seconds). */
  startTimeoutMs?: number;
  /** Where the Playground writes its log. Default: a new temporary directory. */
  logFile?: string;
  /** Let the Playground open the default browser on its page. Default false. */
  openBrowser?: boolean;
}

export interface RunningPlayground {
  /** The address to open in a browser. */
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  /** Ends the Playground's process group: SIGTERM, then SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

export const DEFAULT_PLAYGROUND_PORT = 56150;
const CONFIG_FILE_NAME = '.m365agentsplayground.yml';
const LISTENING = /Listening on (\d+)/;

/**
 * Whoever reaches the Playground's page acts as its signed-in user — in demo mode the approver — and the bot
 * behind it is unauthenticated. The Playground calls listen(port) with no host, i.e. every interface; this
 * preload gives such calls the loopback address, as the bot itself has without an app id.
 */
const LOOPBACK_ONLY = [
  "import net from 'node:net';",
  'const listen = net.Server.prototype.listen;',
  'net.Server.prototype.listen = function (...args) {',
  "  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');",
  '  return listen.apply(this, args);',
  '};',
].join('\n');

export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const { signal } = options;
  if (signal?.aborted) throw new PlaygroundError('PlaygroundAborted', 'Agents Playground was not started: the start was cancelled.');
  const cli = playgroundCli();
  const configFile = path.resolve(options.configFile ?? defaultConfigFile());
  if (!existsSync(configFile)) {
    // The Playground would quietly sign in a built-in user instead, who is nobody's approver.
    throw new PlaygroundError(
      'PlaygroundConfigMissing',
      `Agents Playground config ${configFile} does not exist; it names the signed-in user (see ${CONFIG_FILE_NAME} at the repository root).`,
    );
  }
  const logFile = options.logFile ?? path.join(mkdtempSync(path.join(tmpdir(), 'agents-playground-')), 'playground.log');
  const port = options.port ?? DEFAULT_PLAYGROUND_PORT;
  const timeoutMs = options.startTimeoutMs ?? 60_000;

  const child = spawn(
    process.execPath,
    [
      '--import',
      `data:text/javascript,${encodeURIComponent(LOOPBACK_ONLY)}`,
      cli,
      '--app-endpoint',
      options.botEndpoint,
      '--channel-id',
      'msteams',
      '--port',
      String(port),
      '--disable-telemetry',
    ],
    {
      env: playgroundEnv({ configFile, logFile, openBrowser: options.openBrowser ?? false }),
      // Its own process group, so stop() ends everything it started and a terminal's Ctrl-C reaches us first.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stop = stopper(child);
  // A parent that exits without calling stop() must not leave a Playground holding the port.
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  child.once('exit', () => process.removeListener('exit', onExit));

  try {
    const actualPort = await waitForListening(child, { timeoutMs, signal, logFile });
    const url = `http://localhost:${actualPort}`;
    await waitForWebUi(child, url, { deadline: Date.now() + timeoutMs, signal, logFile });
    signal?.addEventListener('abort', () => void stop(), { once: true });
    return { url, port: actualPort, logFile, stop };
  } catch (error) {
    await stop(2_000);
    throw error;
  }
}

function playgroundCli(): string {
  try {
    return require.resolve('@microsoft/m365agentsplayground/cli.js');
  } catch {
    throw new PlaygroundError(
      'PlaygroundNotInstalled',
      'Agents Playground (@microsoft/m365agentsplayground, a dev dependency) is not installed: run `npm ci` with dev dependencies, or talk to the bot from another client such as the Bot Framework Emulator.',
    );
  }
}

/** The repository's config, found from this file whether it runs from src/ (ts-jest) or dist/src/. */
function defaultConfigFile(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i += 1) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve(CONFIG_FILE_NAME);
}

function playgroundEnv(o: { configFile: string; logFile: string; openBrowser: boolean }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Inherited Playground settings (delivery mode, bot endpoint, recording…) would change what we start.
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(M365_AGENTS_PLAYGROUND_|TEAMSAPPTESTER_|TEAMS_APP_TEST_TOOL_|BOT_ENDPOINT$|DEFAULT_CHANNEL_ID$|SEND_INSTALLATION_ACTIVITY$)/.test(key))
      env[key] = value;
  }
  env.M365_AGENTS_PLAYGROUND_CONFIG_PATH = o.configFile;
  env.M365_AGENTS_PLAYGROUND_LOGFILE = o.logFile;
  env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
  if (!o.openBrowser) env.TEAMSAPPTESTER_BROWSER = 'none';
  return env;
}

function waitForListening(child: ChildProcess, o: { timeoutMs: number; signal?: AbortSignal; logFile: string }): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(
      () =>
        finish(
          new PlaygroundError(
            'PlaygroundStartTimeout',
            `Agents Playground did not start listening within ${Math.round(o.timeoutMs / 1000)} s.${detail(o.logFile, stderr)}`,
            o.logFile,
          ),
        ),
      o.timeoutMs,
    );
    const onStdout = (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const m = LISTENING.exec(stdout);
      if (m) finish(undefined, Number(m[1]));
    };
    const onStderr = (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    };
    const onExit = (code: number | null, sig: NodeJS.Signals | null) =>
      finish(
        new PlaygroundError(
          'PlaygroundExited',
          `Agents Playground exited before listening (${sig ?? `exit code ${code}`}).${detail(o.logFile, stderr)}`,
          o.logFile,
        ),
      );
    const onSpawnError = (error: Error) =>
      finish(new PlaygroundError('PlaygroundExited', `Agents Playground could not be started: ${error.message}`, o.logFile));
    const onAbort = () => finish(new PlaygroundError('PlaygroundAborted', 'Agents Playground start was cancelled.', o.logFile));
    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', onStderr);
    child.once('exit', onExit);
    child.once('error', onSpawnError);
    o.signal?.addEventListener('abort', onAbort, { once: true });

    function finish(error: PlaygroundError | undefined, port?: number) {
      clearTimeout(timer);
      child.stdout?.removeListener('data', onStdout);
      child.removeListener('exit', onExit);
      child.removeListener('error', onSpawnError);
      o.signal?.removeEventListener('abort', onAbort);
      // Keep draining both pipes so a chatty Playground never blocks on a full pipe.
      child.stdout?.resume();
      if (error) reject(error);
      else resolve(port as number);
    }
  });
}

/** "Listening" is printed before the config is loaded; a bad config makes it exit right after, so also wait for a page. */
async function waitForWebUi(child: ChildProcess, url: string, o: { deadline: number; signal?: AbortSignal; logFile: string }): Promise<void> {
  let delay = 100;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new PlaygroundError(
        'PlaygroundExited',
        `Agents Playground exited right after starting (${child.signalCode ?? `exit code ${child.exitCode}`}).${detail(o.logFile, '')}`,
        o.logFile,
      );
    }
    if (o.signal?.aborted) throw new PlaygroundError('PlaygroundAborted', 'Agents Playground start was cancelled.', o.logFile);
    if ((await statusOf(url, 2_000)) === 200) {
      // The config is read in the same tick as the first page is served; a process that survived a page is up.
      if (child.exitCode === null && child.signalCode === null) return;
    }
    if (Date.now() + delay > o.deadline) {
      throw new PlaygroundError(
        'PlaygroundStartTimeout',
        `Agents Playground listened but ${url} did not answer in time.${detail(o.logFile, '')}`,
        o.logFile,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1_000);
  }
}

function statusOf(url: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** The last lines of the Playground's log: where it says why it failed. */
function detail(logFile: string, stderr: string): string {
  let log = '';
  try {
    log = readFileSync(logFile, 'utf8');
  } catch {
    // No log yet: it failed before writing one.
  }
  const lines = `${log}\n${stderr}`
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('debug Telemetry'))
    .slice(-8);
  return lines.length ? `\n${lines.join('\n')}\n(full log: ${logFile})` : ` (log: ${logFile})`;
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals, evenAfterExit = false): void {
  if (child.pid === undefined) return;
  if (!evenAfterExit && (child.exitCode !== null || child.signalCode !== null)) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // Already gone.
  }
}

function stopper(child: ChildProcess): (graceMs?: number) => Promise<void> {
  let stopping: Promise<void> | undefined;
  return (graceMs = 5_000) => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
        resolve();
        return;
      }
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        // Anything it started is in its group and must not outlive it.
        killGroup(child, 'SIGKILL', true);
        resolve();
      });
      killGroup(child, 'SIGTERM');
    });
    return stopping;
  };
}

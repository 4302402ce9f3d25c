/**
 * `explain` and `check --from-text` through the real command-line entry (runCli), stdin included; the
 * triage runs on the embedded emulator (`--demo`), as a person would try it.
 */
import { DESCRIBE_POD, KUBELET_EVENT } from '../../test/fixtures/pastes';
import { runCli } from './main';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], stdin?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const input =
    stdin === undefined
      ? undefined
      : Object.assign(
          (async function* () {
            yield Buffer.from(stdin);
          })(),
          { isTTY: false },
        );
  const code = await runCli(argv, {
    env: {},
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    ...(input && { stdin: input }),
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

describe('aks-registry-triage explain', () => {
  it('reads stdin and prints the refs and what the error means as JSON', async () => {
    const run = await cli(['explain', '--format', 'json'], DESCRIBE_POD);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      refs: { registry: 'acrdemo.azurecr.io', image: 'acrdemo.azurecr.io/shop/api:1.4.2', namespace: 'shop', pod: 'api-7d9c5b6f4-x2kqp' },
      errors: [
        {
          class: 'unauthorized',
          meaning: expect.stringMatching(/refused the node's credentials/),
          checks: expect.arrayContaining(['rbac.pull-role']),
        },
      ],
    });
  });

  it('takes --text and explains in words, saying what is still missing', async () => {
    const run = await cli(['explain', '--text', KUBELET_EVENT]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/image: {5}acrdemo\.azurecr\.io\/shop\/api:1\.4\.2/);
    expect(run.stdout).toMatch(/1\. unauthorized — the registry refused/);
    expect(run.stdout).toContain('--cluster <ref>');
  });

  it('exits 2 on empty input, and on a terminal with nothing piped', async () => {
    expect(await cli(['explain', '--text', '  '])).toMatchObject({ code: 2, stderr: expect.stringContaining('nothing to explain') });
    expect((await cli(['explain'], '')).code).toBe(2);
    expect((await cli(['explain'])).code).toBe(2);
  });

  it('never echoes a 100 KB paste back whole', async () => {
    const huge = `${KUBELET_EVENT}\n`.repeat(250);
    const run = await cli(['explain', '--format', 'json'], huge);
    expect(huge.length).toBeGreaterThan(100_000);
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBeLessThan(3_000);
  });
});

describe('aks-registry-triage check --from-text', () => {
  it('triages straight from a paste: the image from the event, the cluster from the flag', async () => {
    const run = await cli([
      'check',
      '--demo',
      'aks-missing-role',
      '--cluster',
      'aks-missing-role',
      '--from-text',
      KUBELET_EVENT,
      '--no-pods',
      '--format',
      'json',
    ]);
    const out = JSON.parse(run.stdout) as {
      target: { image?: { raw: string } };
      conclusion: string;
      errors: { class: string }[];
      findings: { check: string; status: string }[];
    };
    expect(run.code).toBe(1);
    expect(out.target.image?.raw).toBe('acrdemo.azurecr.io/shop/api:1.4.2');
    expect(out.errors[0]?.class).toBe('unauthorized');
    expect(out.findings.find((f) => f.check === 'rbac.pull-role')?.status).toBe('fail');
    expect(out.conclusion).toMatch(/pull/);
  });

  it('reads the paste from stdin with "-" and leads the text with what it means', async () => {
    const run = await cli(['check', '--demo', 'aks-missing-role', '--cluster', 'aks-missing-role', '--from-text', '-', '--no-pods'], DESCRIBE_POD);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[1]).toMatch(/^What the pasted error means: The registry refused/);
    expect(lines[2]).toMatch(/^→ /);
  });

  it('asks for what the paste does not name', async () => {
    const run = await cli(['check', '--from-text', KUBELET_EVENT]);
    expect(run).toMatchObject({ code: 2, stderr: expect.stringContaining('the text names no cluster: add --cluster <ref>') });
  });
});

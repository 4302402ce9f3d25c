/**
 * What the code imports is what package.json declares: a package that arrives only through another's
 * dependencies disappears when that one drops it, and `npm ci --omit=dev` on App Service installs only
 * `dependencies`, so runtime code may import nothing from devDependencies.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Package names of every import, export-from and require of a literal module name. */
function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names = [...text.matchAll(/(?:from\s+|import\s+|require\()'([^'./][^']*)'/g)].map((m) => m[1]);
  return (
    names
      // a module name, not a string that happens to follow `from '` (generated code in a test)
      .filter((name) => /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]*)?$/i.test(name))
      .filter((name) => !name.startsWith('node:') && !builtinModules.includes(name))
      .map((name) => (name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]))
  );
}

describe('package.json declares what the code imports', () => {
  const runtime = sources(path.join(root, 'src')).filter((f) => !f.endsWith('.test.ts'));
  const development = [
    ...sources(path.join(root, 'src')).filter((f) => f.endsWith('.test.ts')),
    ...sources(path.join(root, 'test')),
    ...sources(path.join(root, 'bench')),
  ];

  it('runtime code imports only dependencies', () => {
    const missing = runtime.flatMap((file) =>
      importedPackages(file)
        .filter((name) => !(name in pkg.dependencies))
        .map((name) => `${path.relative(root, file)}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('tests and benchmarks import only declared packages', () => {
    const declared = { ...pkg.dependencies, ...pkg.devDependencies };
    const missing = development.flatMap((file) =>
      importedPackages(file)
        .filter((name) => !(name in declared))
        .map((name) => `${path.relative(root, file)}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('runtime dependencies are pinned to exact versions', () => {
    const loose = Object.entries(pkg.dependencies).filter(([, version]) => !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version));
    expect(loose).toEqual([]);
  });

  it('engines admits Node 20 and 22 (App Service runs NODE|22-lts)', () => {
    expect(pkg.engines.node).toBe('>=20');
  });
});

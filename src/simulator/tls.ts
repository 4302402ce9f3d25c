/**
 * The emulator's HTTPS certificate: a committed, self-signed, test-only pair (see tls/README.md) so that no
 * machine needs openssl. The .pem files are not compiled, so from dist/ they are read from the source tree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

function tlsDirectory(): string {
  const candidates = [join(__dirname, 'tls'), resolve(__dirname, '../../../src/simulator/tls')];
  const found = candidates.find((dir) => existsSync(join(dir, 'cert.pem')));
  if (!found) {
    throw new Error(`emulator TLS certificate not found (looked in ${candidates.join(', ')})`);
  }
  return found;
}

export interface EmulatorTls {
  certPath: string;
  cert: string;
  key: string;
}

export function loadEmulatorTls(): EmulatorTls {
  const dir = tlsDirectory();
  const certPath = join(dir, 'cert.pem');
  return { certPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
}

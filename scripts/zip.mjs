// Writes a zip of files (relative names inside the zip, paths on disk) with yazl: the same archive on
// Windows, macOS and Linux, without depending on a zip binary being installed.
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import yazl from 'yazl';

/** Every file under `dir`, as names relative to it with forward slashes (zip entries never use `\`). */
export async function filesUnder(dir, prefix = '') {
  const entries = await fs.readdir(path.join(dir, prefix), { withFileTypes: true });
  const files = [];
  for (const entry of entries) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await filesUnder(dir, name)));
    else if (entry.isFile()) files.push(name);
  }
  return files;
}

/** `entries`: [name in the zip, path on disk]. Resolves when the archive is on disk. */
export async function writeZip(outFile, entries) {
  await fs.mkdir(path.dirname(path.resolve(outFile)), { recursive: true });
  const zip = new yazl.ZipFile();
  for (const [name, file] of entries) {
    const stat = await fs.stat(file);
    zip.addFile(file, name, { mode: stat.mode, mtime: stat.mtime });
  }
  zip.end();
  await new Promise((resolve, reject) => {
    const out = createWriteStream(outFile);
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
  });
}

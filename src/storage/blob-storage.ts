/**
 * The `Store` on Azure Blob Storage, for several bot instances sharing state.
 *
 * Why not `BlobsStorage` from botbuilder-azure-blobs (read in node_modules, 4.23.3): its writes do send
 * `If-Match` with the item's eTag, but
 *  - a lost race surfaces as a plain `Error` whose only marker is its message text ("…due to eTag
 *    conflict."), so telling "someone else approved first" from a network failure means matching English;
 *  - its key mapping is not injective: empty path segments are dropped (`a//b` and `a/b` are one blob) and
 *    names are cut at 1024 characters, so two keys can share one blob and one eTag.
 * The approval claim rests on exactly that signal and on one key meaning one blob, so this class talks to
 * `@azure/storage-blob` (the client BlobsStorage itself uses) directly: `If-Match` for a write carrying an
 * eTag, none for an absent eTag or `'*'` (botbuilder's semantics), 412 (and 404 for an item deleted since
 * it was read) become a typed StorageConflictError, and blob names come from the same safe mapping as the
 * file storage.
 */
import type { Store, StoreItems } from './store';
import type { ContainerClient } from '@azure/storage-blob';
import { StorageConflictError, StorageCorruptError } from './errors';
import { storageName } from './keys';
import { containerCreator } from './location';

export interface AzureBlobStorageOptions {
  container: ContainerClient;
  /** Blob name prefix for items (the audit log uses another prefix in the same container). */
  prefix?: string;
}

export class AzureBlobStorage implements Store {
  private readonly container: ContainerClient;
  private readonly prefix: string;
  private readonly containerReady: () => Promise<unknown>;

  constructor(options: AzureBlobStorageOptions) {
    this.container = options.container;
    this.containerReady = containerCreator(options.container);
    this.prefix = options.prefix ?? 'state/';
  }

  async read(keys: string[]): Promise<StoreItems> {
    await this.containerReady();
    const items: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        const name = this.blobName(key);
        let response;
        try {
          response = await this.container.getBlobClient(name).download();
        } catch (error) {
          if (statusOf(error) === 404) return;
          throw error;
        }
        const text = (await readAll(response.readableStreamBody)).toString('utf8');
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          throw new StorageCorruptError(`Storage: blob ${name} is not valid JSON; delete it to reset this item.`, name);
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new StorageCorruptError(`Storage: blob ${name} does not hold an item; delete it to reset this item.`, name);
        }
        items[key] = { ...(value as Record<string, unknown>), eTag: response.etag };
      }),
    );
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await this.containerReady();
    await Promise.all(
      Object.entries(changes).map(async ([key, item]) => {
        const { eTag, ...value } = (item ?? {}) as Record<string, unknown>;
        const conditional = typeof eTag === 'string' && eTag !== '*' && eTag !== '';
        const body = Buffer.from(JSON.stringify(value), 'utf8');
        try {
          await this.container.getBlockBlobClient(this.blobName(key)).upload(body, body.length, {
            conditions: conditional ? { ifMatch: eTag } : {},
            blobHTTPHeaders: { blobContentType: 'application/json' },
          });
        } catch (error) {
          const status = statusOf(error);
          if (conditional && (status === 412 || status === 404)) throw new StorageConflictError(key);
          throw error;
        }
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await this.containerReady();
    await Promise.all(keys.map((key) => this.container.getBlobClient(this.blobName(key)).deleteIfExists()));
  }

  private blobName(key: string): string {
    return `${this.prefix}${storageName(key)}.json`;
  }

}

export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

export async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }
  return Buffer.concat(chunks);
}

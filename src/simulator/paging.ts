/** ARM list envelopes with `nextLink` paging (`$skipToken` is the offset, kept opaque to clients). */
import type { EmuRequest } from './wire';

export function pageOf<T>(request: EmuRequest, items: T[], pageSize: number): { value: T[]; nextLink?: string } {
  const offset = Number.parseInt(request.query['$skipToken'] ?? '0', 10);
  const start = Number.isFinite(offset) && offset > 0 ? offset : 0;
  const value = items.slice(start, start + pageSize);
  if (start + pageSize >= items.length) return { value };
  const params = new URLSearchParams({ ...request.query, $skipToken: String(start + pageSize) });
  return { value, nextLink: `${request.origin}${encodeURI(request.path)}?${params.toString()}` };
}

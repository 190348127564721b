/** VSPC collection paging. */
export interface PagingInfo {
  total: number;
  count: number;
  offset: number;
}

export interface Envelope<T> {
  data: T;
  meta?: { pagingInfo: PagingInfo };
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
}

export function one<T>(data: T): Envelope<T> {
  return { data };
}

export function page<T>({ items, total, offset }: Page<T>): Envelope<T[]> {
  return { data: items, meta: { pagingInfo: { total, count: items.length, offset } } };
}

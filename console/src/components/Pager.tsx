import type { PagingInfo } from '../types';

interface Props {
  label: string;
  paging: PagingInfo | undefined;
  limit: number;
  offset: number;
  onChange: (offset: number) => void;
}

export function Pager({ label, paging, limit, offset, onChange }: Props) {
  if (!paging || paging.total <= limit) return null;
  const first = paging.total === 0 ? 0 : offset + 1;
  const last = offset + paging.count;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        Previous page
      </button>
      <span aria-live="polite">
        {first}–{last} of {paging.total}
      </span>
      <button type="button" disabled={last >= paging.total} onClick={() => onChange(offset + limit)}>
        Next page
      </button>
    </nav>
  );
}

import type { ReactNode } from "react";
import { Link, useRoute, withQuery } from "../router.js";

/**
 * Cursor paging in the URL (shareable): "Older" sets `before=<next>` from the server's answer,
 * "Newest" removes it.
 */
export function Pager(props: { next: number | string | null | undefined; count: number; limit: number }): ReactNode {
  const route = useRoute();
  const before = route.query.get("before");
  const hasOlder = props.next !== null && props.next !== undefined && props.count >= props.limit;
  if (!before && !hasOlder) return null;
  return (
    <nav className="pager" aria-label="pages">
      {before ? <Link to={withQuery(route, { before: undefined })}>« Newest</Link> : <span />}
      {hasOlder ? <Link to={withQuery(route, { before: String(props.next) })}>Older »</Link> : <span />}
    </nav>
  );
}

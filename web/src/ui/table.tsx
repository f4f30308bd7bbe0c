import type { ReactNode } from "react";

export type Column<T> = { key: string; header: ReactNode; render(row: T): ReactNode; className?: string };

/** A plain data table; `empty` shows when there are no rows. */
export function Table<T>(props: { columns: ReadonlyArray<Column<T>>; rows: readonly T[]; rowKey(row: T): string | number; empty?: ReactNode; className?: string; rowClassName?(row: T): string | undefined }): ReactNode {
  return (
    <table className={`table ${props.className ?? ""}`}>
      <thead>
        <tr>{props.columns.map((c) => <th key={c.key} className={c.className}>{c.header}</th>)}</tr>
      </thead>
      <tbody>
        {props.rows.length === 0
          ? <tr><td colSpan={props.columns.length} className="muted empty">{props.empty ?? "Nothing here yet."}</td></tr>
          : props.rows.map((r) => (
            <tr key={props.rowKey(r)} className={props.rowClassName?.(r)}>
              {props.columns.map((c) => <td key={c.key} className={c.className}>{c.render(r)}</td>)}
            </tr>
          ))}
      </tbody>
    </table>
  );
}

import { useEffect, useRef } from "react";
import type { ReactNode } from "react";
import { createRoot } from "react-dom/client";

export type ConfirmOptions = {
  title: string;
  /** What will change, said plainly: "Promote freight abc123 to prod (replaces def456)". */
  body: ReactNode;
  confirmLabel?: string;
  /** Red confirm button, for what is hard to undo (abort, rollback). */
  danger?: boolean;
};

/**
 * Asks the user to confirm an action in a modal dialog that names what will change; resolves true
 * on Confirm, false on Cancel or Escape.
 */
export function confirm(opts: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const host = document.createElement("div");
    document.body.appendChild(host);
    const root = createRoot(host);
    const done = (ok: boolean): void => {
      root.unmount();
      host.remove();
      resolve(ok);
    };
    root.render(<ConfirmDialog {...opts} onDone={done} />);
  });
}

function ConfirmDialog(props: ConfirmOptions & { onDone: (ok: boolean) => void }): ReactNode {
  const ok = useRef<HTMLButtonElement>(null);
  const { onDone } = props;
  useEffect(() => {
    ok.current?.focus();
    const key = (e: KeyboardEvent): void => { if (e.key === "Escape") onDone(false); };
    window.addEventListener("keydown", key);
    return () => window.removeEventListener("keydown", key);
  }, [onDone]);
  return (
    <div className="overlay" onClick={(e) => { if (e.target === e.currentTarget) onDone(false); }}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
        <h2 id="confirm-title">{props.title}</h2>
        <div className="dialog-body">{props.body}</div>
        <div className="dialog-actions">
          <button type="button" onClick={() => onDone(false)}>Cancel</button>
          <button type="button" ref={ok} className={props.danger ? "danger" : "primary"} onClick={() => onDone(true)}>{props.confirmLabel ?? "Confirm"}</button>
        </div>
      </div>
    </div>
  );
}

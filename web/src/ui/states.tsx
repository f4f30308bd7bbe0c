import type { ReactNode } from "react";

/** The first load of a view. */
export function Loading(props: { what?: string }): ReactNode {
  return <p className="muted loading">Loading{props.what ? ` ${props.what}` : ""}…</p>;
}

/** An error from the API, as the server said it. */
export function ErrorMessage(props: { error: string | undefined }): ReactNode {
  return props.error ? <p className="error" role="alert">{props.error}</p> : null;
}

/** Loading, error or content: the usual shape of a view over useApi(). */
export function Loadable<T>(props: { state: { data: T | undefined; error: string | undefined }; what?: string; children(data: T): ReactNode }): ReactNode {
  if (props.state.data !== undefined) {
    return <>{props.state.error ? <ErrorMessage error={props.state.error} /> : null}{props.children(props.state.data)}</>;
  }
  if (props.state.error) return <ErrorMessage error={props.state.error} />;
  return <Loading {...(props.what ? { what: props.what } : {})} />;
}

import { useEffect, useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { useApi } from "../../api/index.js";
import type { LiveEvent } from "../../api/index.js";
import { Link, navigate, useRoute, withQuery } from "../../router.js";
import type { PageProps } from "../../router.js";
import { Loadable, Pager, RelativeTime, Table } from "../../ui/index.js";
import type { Column } from "../../ui/index.js";

type AuditEntry = { id: number; time: string; actor: string; action: string; kind: string; name: string; subject: string; data: Record<string, unknown> };

const LIMIT = 50;
const logged = (e: LiveEvent): boolean => e.id !== undefined && e.kind !== undefined;

/** Where an object of the log lives in the dashboard, if it has a page. */
function subjectLink(kind: string, name: string): string | undefined {
  switch (kind) {
    case "WorkflowRun": return /^\d+$/.test(name) ? `/runs/${name}` : undefined;
    case "Promotion": return /^\d+$/.test(name) ? `/promotions/${name}` : undefined;
    case "Application": return `/applications/${encodeURIComponent(name)}`;
    case "Stage": case "Freight": case "Warehouse": return "/promotion";
    case "Artifact": return "/artifacts";
    default: return undefined;
  }
}

const columns: ReadonlyArray<Column<AuditEntry>> = [
  { key: "time", header: "When", render: (e) => <RelativeTime time={e.time} /> },
  { key: "actor", header: "Who", render: (e) => <Link to={`/audit?actor=${encodeURIComponent(e.actor)}`}>{e.actor}</Link> },
  { key: "action", header: "Did", render: (e) => <code>{e.action}</code> },
  {
    key: "subject", header: "To", render: (e) => {
      const to = subjectLink(e.kind, e.name);
      return <span><span className="muted">{e.kind}</span> {to ? <Link to={to}>{e.name}</Link> : e.name}</span>;
    },
  },
  { key: "data", header: "Details", render: (e) => (Object.keys(e.data).length ? <div className="data mono">{JSON.stringify(e.data)}</div> : null) },
];

/** `/audit`: the event log, newest first, filtered by who, what and which object; every filter is in the URL. */
export function AuditPage(_props: PageProps): ReactNode {
  const route = useRoute();
  const [draft, setDraft] = useState(() => ({ actor: route.query.get("actor") ?? "", action: route.query.get("action") ?? "", subject: route.query.get("subject") ?? "" }));
  // A link to another filter (a name in the table) changes the URL: the form follows it.
  useEffect(() => {
    setDraft({ actor: route.query.get("actor") ?? "", action: route.query.get("action") ?? "", subject: route.query.get("subject") ?? "" });
  }, [route]);
  const q = new URLSearchParams();
  for (const k of ["actor", "action", "subject", "before"]) {
    const v = route.query.get(k);
    if (v) q.set(k, v);
  }
  q.set("limit", String(LIMIT));
  const events = useApi<{ items: AuditEntry[]; next: number | null }>(`/api/v1/events?${q.toString()}`, { live: route.query.get("before") ? false : logged });
  const apply = (e: FormEvent): void => {
    e.preventDefault();
    navigate(withQuery(route, { ...draft, before: undefined }));
  };
  return (
    <section>
      <h1>Audit log</h1>
      <form className="filters" onSubmit={apply} role="search">
        <input name="actor" placeholder="who (token name)" aria-label="actor" value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} />
        <input name="action" placeholder="action, e.g. promotion" aria-label="action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} />
        <input name="subject" placeholder="object, e.g. Stage/prod" aria-label="subject" value={draft.subject} onChange={(e) => setDraft({ ...draft, subject: e.target.value })} />
        <button type="submit">Filter</button>
        {draft.actor || draft.action || draft.subject ? <button type="button" className="link" onClick={() => { setDraft({ actor: "", action: "", subject: "" }); navigate("/audit"); }}>clear</button> : null}
      </form>
      <Loadable state={events} what="the audit log">
        {(page) => (
          <>
            <Table columns={columns} rows={page.items} rowKey={(e) => e.id} className="audit" empty="No events match." />
            <Pager next={page.next} count={page.items.length} limit={LIMIT} />
          </>
        )}
      </Loadable>
    </section>
  );
}

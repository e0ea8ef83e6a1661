"""Writing to Neo4j (graph version 2): a write's items grouped into transactions, each an idempotent upsert.

Items are committed in transactions of up to :data:`TX_ITEMS` items, each made
of ``UNWIND $rows`` statements of up to :data:`ROWS_PER_STATEMENT` rows, inside
managed transactions that the driver retries after transient errors. Every
transaction first locks the model node (to reserve the positions of its new
items), so two writers of one model take turns.

Interview exchanges (:attr:`~valuenet.store.base.Batch.exchanges`) take the hot
path: into a model that held no flows when the write began, a transaction of
exchange rows whose ids the write has not seen becomes one ``CREATE`` of an
``EXCHANGE`` relationship per row, with no lookup and no object per row. Any other
flow write looks the stored exchanges and lone flows up by id first, tells new,
changed and unchanged flows apart (each counted once per flow id), and rewrites
only the relationships that change. Every transaction moves the ``VALUE``
aggregates by what it changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import neo4j

from valuenet.cypher_files import unstorable
from valuenet.errors import NotFoundError, StoreError
from valuenet.models import Flow, Model
from valuenet.store import neo4j_graph as graph
from valuenet.store.base import (
    EXCHANGE_COLUMNS,
    Batch,
    Counts,
    ExchangeRow,
    Progress,
    WriteSummary,
    check_schema_version,
    model_header,
)
from valuenet.store.neo4j_connection import Neo4jConnection
from valuenet.store.neo4j_graph import SCHEMA_VERSION, Element, FlowTuple

#: Items committed per transaction.
TX_ITEMS = 10_000
#: Rows sent per ``UNWIND`` statement.
ROWS_PER_STATEMENT = 5_000

ITEM_KINDS = ("actors", "goals", "respondents")


@dataclass
class _State:
    """What one write knows across its transactions (updated only after a commit)."""

    fresh: bool | None = None  # the model held no flows when the write began
    lone: bool = False  # the model holds lone flows (as far as this write knows)
    seen_exchanges: set[str] = field(default_factory=set)  # exchange ids this write wrote as rows or sides
    seen_lone: bool = False  # this write wrote lone flows


def write_batches(
    connection: Neo4jConnection,
    header: Model,
    batches: Iterable[Batch],
    *,
    replace: bool = False,
    replace_respondents: Iterable[str] = (),
    progress: Progress | None = None,
    schema_version: int = SCHEMA_VERSION,
) -> WriteSummary:
    """Upsert a model's header and items (see :meth:`valuenet.store.base.Store.write`).

    ``schema_version`` other than the current one is for :mod:`valuenet.store.neo4j_upgrade` only: the
    model keeps that version (and a model of that version is written to) until the upgrade is complete.
    """
    replaced = sorted(set(replace_respondents))
    writer = _Writer(connection, header, track=replace or bool(replaced), schema_version=schema_version)
    try:
        for batch in batches:
            writer.add(batch)
            if writer.pending >= TX_ITEMS:
                writer.flush(progress)
        writer.flush(progress, final=True)
        if replace or replaced:
            writer.remove_unwritten(replace=replace, respondents=replaced)
    except StoreError as exc:
        if writer.committed:
            raise StoreError(
                f"{exc} {writer.committed} items of model {header.id!r} were committed before; "
                "run the same write again to complete it."
            ) from exc
        raise
    return writer.summary


def row_sides(row: ExchangeRow) -> int:
    """How many flows an exchange row stands for (a side needs a magnitude or money)."""
    return (row[5] is not None or row[7] is not None) + (row[6] is not None or row[8] is not None)


def row_side_tuples(row: ExchangeRow) -> list[FlowTuple]:
    """The flows of an exchange row, as tuples."""
    xid, goal, scenario, actor, dim, gets, gives, gm, vm, occ, tangible, tp, stage, quote, resp, who, note, cust = row
    common = (goal, scenario, actor, dim, occ, tangible, tp, stage, quote, resp, who, note, cust)
    out = []
    if gets is not None or gm is not None:
        out.append(graph.side_tuple(xid, "gets", common, gets, gm))
    if gives is not None or vm is not None:
        out.append(graph.side_tuple(xid, "gives", common, gives, vm))
    return out


class _Writer:
    """Groups a write's items into transactions and keeps the counts of what each did."""

    def __init__(self, connection: Neo4jConnection, header: Model, *, track: bool, schema_version: int) -> None:
        self.connection = connection
        self.model_id = header.id
        self.header: Model | None = header
        self.schema_version = schema_version
        self.summary = WriteSummary()
        self.chunks: list[tuple[str, list[Any]]] = []
        self.pending = 0
        self.committed = 0
        self.state = _State()
        self.written: dict[str, set[str]] | None = {k: set() for k in graph.KINDS} if track else None

    def add(self, batch: Batch) -> None:
        for kind in (*ITEM_KINDS, "flows", "exchanges"):
            items: list[Any] = getattr(batch, kind)
            for start in range(0, len(items), TX_ITEMS):
                chunk = items[start : start + TX_ITEMS]
                self.chunks.append((kind, chunk))
                self.pending += sum(map(row_sides, chunk)) if kind == "exchanges" else len(chunk)
                if self.written is not None:
                    if kind == "exchanges":
                        self.written["flows"].update(t[graph.F_ID] for row in chunk for t in row_side_tuples(row))
                    else:
                        self.written["flows" if kind == "flows" else kind].update(x.id for x in chunk)

    def flush(self, progress: Progress | None, *, final: bool = False) -> None:
        if not self.chunks and not (final and self.header is not None):
            return
        order = (*ITEM_KINDS, "flows", "exchanges")
        ordered = sorted(self.chunks, key=lambda c: order.index(c[0]))  # stable: actors before flows
        head = self.header
        try:
            with self.connection.translated("writing to"), self.connection.session() as session:
                counts, news = session.execute_write(
                    _write_group, self.model_id, head, ordered, self.pending, self.state, self.schema_version
                )
        except OverflowError as exc:  # the driver cannot encode an integer beyond 64 bits: the transaction is undone
            raise StoreError(
                f"writing to {self.connection.where()} failed: {_unstorable(self.model_id, head, ordered)}. "
                "Nothing of this transaction was written; fix the value and write again."
            ) from exc
        self.header = None
        self.state.fresh, self.state.lone, self.state.seen_lone = news.fresh, news.lone, news.seen_lone
        self.state.seen_exchanges.update(news.seen_exchanges)
        for kind, c in counts.items():
            mine = self.summary.counts[kind]
            mine.added += c.added
            mine.updated += c.updated
            mine.unchanged += c.unchanged
        flushed = self.pending
        self.committed += flushed
        self.chunks, self.pending = [], 0
        if progress is not None and flushed:
            progress(self.committed)

    def remove_unwritten(self, *, replace: bool, respondents: list[str]) -> None:
        assert self.written is not None
        conn, mid = self.connection, self.model_id
        doomed: dict[str, list[str]] = {}
        if replace:
            for kind in ITEM_KINDS:
                stored = {r["id"] for r in conn.read(graph.IDS[kind], model=mid)}
                doomed[kind] = sorted(stored - self.written[kind])
            stored_flows = {t[graph.F_ID] for t in _stored_flows(conn, mid)}
        else:
            stored_flows = {t[graph.F_ID] for t in _stored_flows(conn, mid, respondents)}
        doomed["flows"] = sorted(stored_flows - self.written["flows"])
        with conn.translated("removing items from"), conn.session() as session:
            ids = doomed["flows"]
            for start in range(0, len(ids), TX_ITEMS):
                session.execute_write(_remove_flows, mid, ids[start : start + TX_ITEMS])
            for kind in reversed(ITEM_KINDS):
                ids = doomed.get(kind, [])
                for start in range(0, len(ids), TX_ITEMS):
                    session.execute_write(_run, graph.REMOVE[kind], model=mid, ids=ids[start : start + TX_ITEMS])
            if any(doomed.values()):
                session.execute_write(_run, graph.DROP_STUBS, model=mid)
        for kind, ids in doomed.items():
            self.summary.counts[kind].removed += len(ids)


def _stored_flows(conn: Neo4jConnection, model_id: str, respondents: list[str] | None = None) -> list[FlowTuple]:
    """The model's stored flows (only those of ``respondents`` when given), as tuples."""
    if respondents is None:
        xs = conn.read(graph.READ_EXCHANGES, model=model_id)
        lone = conn.read(graph.READ_LONE, model=model_id)
    else:
        xs = conn.read(graph.RESPONDENT_EXCHANGES, model=model_id, respondents=respondents)
        lone = conn.read(graph.RESPONDENT_LONE, model=model_id, respondents=respondents)
    out: list[FlowTuple] = []
    for r in xs:
        el = graph.element_from(r["actor"], r["respondent"], r["props"])
        out.extend(el.flow(r["props"]["id"], side) for side in el.sides())
    out.extend(graph.lone_from(r["source"], r["target"], r["props"]) for r in lone)
    return out


_SINGULAR = {"actors": "actor", "goals": "goal", "respondents": "respondent", "flows": "flow", "exchanges": "exchange"}


def _unstorable(model_id: str, header: Model | None, chunks: list[tuple[str, list[Any]]]) -> str:
    """Which item of a transaction holds a number Neo4j cannot store, and where in it (for an error message)."""
    found: tuple[str, tuple[str, Any]] | None = None
    if header is not None and (problem := unstorable(header.model_dump(exclude={*graph.KINDS}))) is not None:
        found = (f"model {model_id!r}", problem)
    for kind, items in chunks:
        if found is not None:
            break
        for item in items:
            data = dict(zip(EXCHANGE_COLUMNS, item, strict=True)) if kind == "exchanges" else item.model_dump()
            if (problem := unstorable(data)) is not None:
                found = (f"{_SINGULAR[kind]} {data['id']!r} of model {model_id!r}", problem)
                break
    if found is None:
        return f"a value of model {model_id!r} is a number out of Neo4j's range (64-bit integers)"
    what, (where, number) = found
    text = str(number)
    shown = text if len(text) <= 30 else f"{text[:12]}...({len(text)} digits)"
    return f"{what} holds {where.lstrip('.') or 'a value'} = {shown}, beyond the 64-bit integers Neo4j stores"


def _run(tx: neo4j.ManagedTransaction, /, query: str, **params: Any) -> None:
    tx.run(query, params).consume()


def _parts(rows: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        yield rows[start : start + ROWS_PER_STATEMENT]


def _write_group(
    tx: neo4j.ManagedTransaction,
    model_id: str,
    header: Model | None,
    chunks: list[tuple[str, list[Any]]],
    n: int,
    known: _State,
    schema_version: int,
) -> tuple[dict[str, Counts], _State]:
    """One transaction: the model header (first time only), then each chunk of items, upserted.

    Pure apart from ``tx``: ``known`` is not changed; what the transaction learnt is returned (its
    ``seen_exchanges`` only the new ids), so the driver may run it again after a transient error.
    """
    counts = {k: Counts() for k in ("models", *graph.KINDS)}
    state = _State(known.fresh, known.lone, set(), known.seen_lone)
    if header is not None:
        _write_header(tx, model_id, header, counts["models"], schema_version)
    if not chunks:
        return counts, state
    base_record = tx.run(graph.RESERVE_ORD, model=model_id, n=n).single()
    if base_record is None:
        raise NotFoundError(f"model {model_id!r} vanished from the store while it was being written. Write it again.")
    base = int(base_record["base"])
    if state.fresh is None:
        state.fresh = base == 0
    state.lone = state.lone or bool(base_record["lone"])
    flows: list[Flow] = []
    rows: list[ExchangeRow] = []
    for kind, items in chunks:
        if kind in ITEM_KINDS:
            base = _write_items(tx, model_id, kind, items, base, counts[kind])
        elif kind == "flows":
            flows.extend(items)
        else:
            rows.extend(items)
    if not flows and not rows:
        return counts, state
    seen = known.seen_exchanges
    ids = [row[0] for row in rows]
    if (
        not flows
        and state.fresh
        and not state.seen_lone
        and len(set(ids)) == len(ids)
        and (not seen or seen.isdisjoint(ids))
    ):
        counts["flows"].added += _create_rows(tx, model_id, rows, base)
        state.seen_exchanges = set(ids)
        return counts, state
    tuples = [graph.flow_tuple(f) for f in flows]
    for row in rows:
        tuples.extend(row_side_tuples(row))
    exchanges = {xid for t in tuples if (xid := _exchange_of(t[graph.F_ID])) is not None}
    # Into a model that held no flows, only what this write wrote can be stored: no lookup when none of it recurs.
    stored = not (state.fresh and not known.seen_lone and seen.isdisjoint(exchanges))
    lone_written = _write_flows(
        tx, model_id, tuples, base, counts["flows"], lookup=stored, lookup_lone=stored and state.lone
    )
    state.seen_exchanges = exchanges
    state.seen_lone = state.seen_lone or lone_written
    state.lone = state.lone or lone_written
    return counts, state


def _write_header(tx: neo4j.ManagedTransaction, model_id: str, header: Model, c: Counts, version: int) -> None:
    p = graph.model_params(header)
    text = graph.doc(model_header(header))
    record = tx.run(
        graph.UPSERT_MODEL, id=p["id"], props=p["props"], dimensions=p["dimensions"], doc=text, schemaVersion=version
    ).single()
    assert record is not None
    check_schema_version(f"model {model_id!r}", record["version"], version)
    if record["before"] is None:
        c.added = 1
    elif record["before"] != text:
        c.updated = 1
    else:
        c.unchanged = 1


def _write_items(tx: neo4j.ManagedTransaction, model_id: str, kind: str, items: list[Any], base: int, c: Counts) -> int:
    """Upsert one chunk of actors, goals or respondents; the next free position."""
    latest: dict[str, dict[str, Any]] = {}
    for item in items:
        row = _item_row(kind, model_id, item)
        if item.id in latest:  # the same id twice in one chunk: the later item wins
            if _same_item(kind, latest[item.id], row):
                c.unchanged += 1
            else:
                c.updated += 1
        latest[item.id] = row
    stored = {r["id"]: r.data() for r in tx.run(graph.LOOKUP[kind], model=model_id, ids=list(latest))}
    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    for item_id, row in latest.items():
        before = stored.get(item_id)
        if before is not None and _same_stored(kind, before, row):
            c.unchanged += 1
            continue
        row["i"] = len(new_rows) + len(changed_rows)
        (new_rows if before is None else changed_rows).append(row)
    c.added += len(new_rows)
    c.updated += len(changed_rows)
    changed = [r["props"]["id"] for r in changed_rows]
    if changed and kind in graph.DETACH:
        tx.run(graph.DETACH[kind], model=model_id, ids=changed).consume()
    for part in _parts(new_rows + changed_rows):
        tx.run(graph.UPSERT[kind], model=model_id, base=base, rows=part).consume()
    return base + len(new_rows) + len(changed_rows)


def _item_row(kind: str, model_id: str, item: Any) -> dict[str, Any]:
    if kind == "actors":
        return {"props": graph.actor_props(model_id, item)}
    if kind == "goals":
        return {
            "props": graph.goal_props(model_id, item),
            "scenarios": graph.scenario_rows(model_id, item),
            "removals": graph.removal_rows(model_id, item),
        }
    return {"props": graph.respondent_props(model_id, item), "cares": graph.cares_rows(item)}


def _same_item(kind: str, a: dict[str, Any], b: dict[str, Any]) -> bool:
    if kind == "goals":
        return bool(a["props"]["doc"] == b["props"]["doc"])
    return graph.same(a["props"], b["props"])


def _same_stored(kind: str, stored: dict[str, Any], row: dict[str, Any]) -> bool:
    if kind == "goals":
        return bool(stored["doc"] == row["props"]["doc"])
    props = {k: v for k, v in stored["props"].items() if k != "ord"}
    return graph.same(props, row["props"])


class _Refs:
    """The actors and respondents a statement's rows name, each once, by position."""

    def __init__(self) -> None:
        self.actors: dict[str, int] = {}
        self.respondents: dict[str, int] = {}

    def actor(self, actor_id: str) -> int:
        return self.actors.setdefault(actor_id, len(self.actors))

    def respondent(self, respondent_id: str) -> int:
        return self.respondents.setdefault(respondent_id, len(self.respondents))

    def params(self) -> dict[str, list[str]]:
        return {"actors": list(self.actors), "respondents": list(self.respondents)}


def _create_rows(tx: neo4j.ManagedTransaction, model_id: str, rows: list[ExchangeRow], base: int) -> int:
    """The hot path: new exchange rows, one ``EXCHANGE`` each; how many flows they hold."""
    deltas: dict[tuple[str, ...], list[float]] = {}
    added = 0
    for part in _parts(rows):
        refs = _Refs()
        out: list[dict[str, Any]] = []
        for row in part:
            (
                xid,
                goal,
                scenario,
                actor,
                dim,
                gets,
                gives,
                gm,
                vm,
                occ,
                tangible,
                tp,
                stage,
                quote,
                resp,
                who,
                note,
                cust,
            ) = row
            has_gets = gets is not None or gm is not None
            has_gives = gives is not None or vm is not None
            if not (has_gets or has_gives):
                continue
            p: dict[str, Any] = {
                "model": model_id,
                "id": xid,
                "goal": goal,
                "scenario": scenario,
                "dimension": dim,
                "customer": cust,
                "ord": base,
            }
            occ = float(occ)
            if occ != 1.0:
                p["occurrences"] = occ
            if has_gets:
                _value(deltas, (goal, scenario, actor, cust, dim), gets, gm, occ)
                if gets is not None:
                    p["gets"] = float(gets)
                if gm is not None:
                    p["getsMoney"] = float(gm)
            if has_gives:
                _value(deltas, (goal, scenario, cust, actor, dim), gives, vm, occ)
                if gives is not None:
                    p["gives"] = float(gives)
                if vm is not None:
                    p["givesMoney"] = float(vm)
            for name, value in (
                ("tangible", tangible),
                ("touchpoint", tp),
                ("stage", stage),
                ("quote", quote),
                ("responsible", who),
                ("note", note),
            ):
                if value is not None:
                    p[name] = value
            sides = has_gets + has_gives
            base += sides
            added += sides
            r: dict[str, Any] = {"a": refs.actor(actor), "p": p}
            if resp is None:
                r["c"] = refs.actor(cust)
            else:
                r["r"] = refs.respondent(resp)
            out.append(r)
        if out:
            tx.run(graph.CREATE_EXCHANGES, {"model": model_id, "rows": out, **refs.params()}).consume()
    _update_values(tx, model_id, deltas)
    return added


def _value(deltas: dict[tuple[str, ...], list[float]], key: tuple[str, ...], m: Any, money: Any, occ: float) -> None:
    d = deltas.get(key)
    if d is None:
        d = deltas[key] = [0.0, 0, 0.0, 0]
    if m is not None:
        d[0] += float(m)
        d[1] += 1
    if money is not None:
        d[2] += float(money) * occ
    d[3] += 1


def _update_values(tx: neo4j.ManagedTransaction, model_id: str, deltas: dict[tuple[str, ...], list[float]]) -> None:
    rows = graph.value_rows(deltas)
    for part in _parts(rows):
        tx.run(graph.UPDATE_VALUES, model=model_id, rows=part).consume()


def _exchange_of(flow_id: str) -> str | None:
    """The exchange a flow id can be a side of (``x`` for ``x:gets`` and ``x:gives``)."""
    if flow_id.endswith(":gets"):
        return flow_id[:-5]
    if flow_id.endswith(":gives"):
        return flow_id[:-6]
    return None


def _write_flows(
    tx: neo4j.ManagedTransaction,
    model_id: str,
    tuples: list[FlowTuple],
    base: int,
    c: Counts | None,
    *,
    lookup: bool = True,
    lookup_lone: bool = True,
    removed: Iterable[str] = (),
) -> bool:
    """Upsert flows (and remove the flows ``removed`` names) with lookups; whether a lone flow was written.

    Each flow id is counted once in ``c``: added, updated or unchanged; the same id twice in one call keeps the
    later flow. A flow that is one side of an exchange goes onto the exchange's relationship; any other is a
    lone ``FLOW``.
    """
    latest: dict[str, tuple[FlowTuple | None, int]] = {}
    dup = Counts()
    for i, ft in enumerate(tuples):
        fid = ft[graph.F_ID]
        if fid in latest:
            earlier = latest[fid][0]
            if earlier == ft:
                dup.unchanged += 1
            else:
                dup.updated += 1
        latest[fid] = (ft, i)
    for fid in removed:
        latest[fid] = (None, -1)
    xids = sorted({x for fid in latest if (x := _exchange_of(fid)) is not None})
    stored_el: dict[str, Element] = {}
    if lookup:
        for r in tx.run(graph.LOOKUP_EXCHANGES, model=model_id, ids=xids):
            stored_el[r["id"]] = graph.element_from(r["actor"], r["respondent"], r["props"])
    stored_lone: dict[str, tuple[FlowTuple, int]] = {}
    if lookup and lookup_lone:
        for r in tx.run(graph.LOOKUP_LONE, model=model_id, ids=list(latest)):
            stored_lone[r["id"]] = (graph.lone_from(r["source"], r["target"], r["props"]), int(r["props"]["ord"]))
    before: dict[str, tuple[FlowTuple, int]] = dict(stored_lone)
    for xid, el in stored_el.items():
        for side in el.sides():
            before[f"{xid}:{side}"] = (el.flow(xid, side), el.key[side])
    changes: dict[str, tuple[FlowTuple | None, int]] = {}
    for fid, (t, i) in latest.items():
        b = before.get(fid)
        if t is None:
            if b is not None:
                changes[fid] = (None, b[1])
        elif b is None:
            changes[fid] = (t, base + i)
        elif b[0] == t:
            dup.unchanged += 1
        else:
            changes[fid] = (t, b[1])
    if c is not None:
        c.unchanged += dup.unchanged
        c.updated += dup.updated + sum(1 for fid, (t, _) in changes.items() if t is not None and fid in before)
        c.added += sum(1 for fid, (t, _) in changes.items() if t is not None and fid not in before)
    if not changes:
        return False
    # Take every changed flow out of where it was, then put each where it now belongs.
    work_el = {xid: _copy(el) for xid, el in stored_el.items()}
    work_lone = dict(stored_lone)
    for fid in changes:
        x = _exchange_of(fid)
        if x is not None and x in work_el:
            side = "gets" if fid.endswith(":gets") else "gives"
            el = work_el[x]
            for part in (el.key, el.size, el.money):
                part.pop(side, None)
        work_lone.pop(fid, None)
    for fid, (t, key) in changes.items():
        if t is None:
            continue
        place = graph.fits(t)
        if place is not None:
            xid, side, common = place
            cur = work_el.get(xid)
            if cur is None or not cur.key:
                cur = work_el[xid] = Element(common)
            if cur.common == common and side not in cur.key:
                cur.key[side], cur.size[side], cur.money[side] = key, t[graph.F_MAGNITUDE], t[graph.F_MONEY]
                continue
        work_lone[fid] = (t, key)
    deltas: dict[tuple[str, ...], list[float]] = {}
    for fid, (t, _key) in changes.items():
        if fid in before:
            graph.add_value(deltas, before[fid][0], -1)
        if t is not None:
            graph.add_value(deltas, t, 1)
    _rewrite(tx, model_id, stored_el, work_el, stored_lone, work_lone)
    _update_values(tx, model_id, deltas)
    if stored_el or stored_lone:  # something moved or went: a node that stood for a name may be left unnamed
        tx.run(graph.DROP_STUBS, model=model_id).consume()
    return any(fid not in stored_lone for fid in work_lone)


def _copy(el: Element) -> Element:
    out = Element(el.common)
    out.key, out.size, out.money = dict(el.key), dict(el.size), dict(el.money)
    return out


def _ends(el: Element) -> tuple[Any, ...]:
    common = el.common
    return (common[2], common[9], common[12] if common[9] is None else None)


def _rewrite(
    tx: neo4j.ManagedTransaction,
    model_id: str,
    stored_el: dict[str, Element],
    work_el: dict[str, Element],
    stored_lone: dict[str, tuple[FlowTuple, int]],
    work_lone: dict[str, tuple[FlowTuple, int]],
) -> bool:
    """Write the exchanges and lone flows that differ from what is stored; whether any relationship went."""
    gone_x: list[str] = []
    set_x: list[dict[str, Any]] = []
    new_x: list[tuple[str, Element]] = []
    for xid, el in work_el.items():
        old = stored_el.get(xid)
        if not el.key:
            if old is not None:
                gone_x.append(xid)
            continue
        props = graph.exchange_props(model_id, xid, el)
        if old is None:
            new_x.append((xid, el))
        elif _ends(old) != _ends(el):
            gone_x.append(xid)
            new_x.append((xid, el))
        elif graph.exchange_props(model_id, xid, old) != props:
            set_x.append({"p": props})
    gone_f = [fid for fid in stored_lone if fid not in work_lone]
    set_f: list[dict[str, Any]] = []
    new_f: list[tuple[FlowTuple, int]] = []
    for fid, (t, key) in work_lone.items():
        old_f = stored_lone.get(fid)
        if old_f is None:
            new_f.append((t, key))
        elif old_f[0][graph.F_SOURCE : graph.F_TARGET + 1] != t[graph.F_SOURCE : graph.F_TARGET + 1]:
            gone_f.append(fid)
            new_f.append((t, key))
        elif old_f != (t, key):
            set_f.append({"p": graph.lone_props(model_id, t, key)})
    if gone_x:
        tx.run(graph.DELETE_EXCHANGES, model=model_id, ids=gone_x).consume()
    if gone_f:
        tx.run(graph.DELETE_LONE, model=model_id, ids=gone_f).consume()
    for part in _parts(set_x):
        tx.run(graph.SET_EXCHANGES, model=model_id, rows=part).consume()
    for part in _parts(set_f):
        tx.run(graph.SET_LONE, model=model_id, rows=part).consume()
    for chunk in _parts(new_x):
        refs = _Refs()
        rows = []
        for xid, el in chunk:
            actor, respondent, customer = el.common[2], el.common[9], el.common[12]
            r: dict[str, Any] = {"a": refs.actor(actor), "p": graph.exchange_props(model_id, xid, el)}
            if respondent is None:
                r["c"] = refs.actor(customer)
            else:
                r["r"] = refs.respondent(respondent)
            rows.append(r)
        tx.run(graph.CREATE_EXCHANGES, {"model": model_id, "rows": rows, **refs.params()}).consume()
    if new_f:
        tx.run(graph.MARK_LONE, model=model_id).consume()
    for chunk_f in _parts(new_f):
        refs = _Refs()
        rows = [
            {
                "s": refs.actor(t[graph.F_SOURCE]),
                "t": refs.actor(t[graph.F_TARGET]),
                "p": graph.lone_props(model_id, t, key),
            }
            for t, key in chunk_f
        ]
        tx.run(graph.CREATE_LONE, {"model": model_id, "rows": rows, **refs.params()}).consume()
    return bool(gone_x or gone_f)


def _remove_flows(tx: neo4j.ManagedTransaction, model_id: str, ids: list[str]) -> None:
    _write_flows(tx, model_id, [], 0, None, removed=ids)


__all__ = ["ROWS_PER_STATEMENT", "TX_ITEMS", "row_side_tuples", "row_sides", "write_batches"]

"""``valuenet upgrade``: bring a store written by an older valuenet to this version's schema.

:func:`upgrade_store` looks at the URL: a Neo4j URI is upgraded in place by
:func:`valuenet.store.neo4j_upgrade.upgrade_graph`; anything else is an SQLite
file, upgraded by :func:`upgrade_sqlite` from schema 1 (valuenet 0.1: one JSON
document per item) to schema 2 (:mod:`valuenet.store.sqlite_schema`):

1. The version 1 file is opened under its write lock (so no 0.1 process writes to
   it meanwhile) and read item by item, in the order written.
2. A new version 2 store is written beside it, in the same folder under a
   temporary name (``<file>.upgrade.tmp``), model by model, in bounded batches.
3. It is checked: the number of items of each kind is the same in both, and every
   model reads back from the new store equal to what the old one holds, flow for flow.
4. Only then is the old file kept as ``<file>.v1.bak`` (a hard link, or a copy
   where links are not possible) and the new one moved over ``<file>`` in one
   atomic rename.

An upgrade that fails or is interrupted at any step before the rename leaves the
version 1 file as it was (a leftover temporary file is removed by the next run);
after the rename, the store is version 2. A store already at version 2 is left
alone, and the report says so.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, suppress
from itertools import zip_longest
from pathlib import Path
from typing import Any

from valuenet.errors import NotFoundError, StoreError
from valuenet.models import Actor, Flow, Goal, Model, Respondent
from valuenet.store import is_neo4j_url
from valuenet.store.base import Batch, UpgradeReport, check_schema_version
from valuenet.store.sqlite import SQLiteStore, busy_timeout_from_env
from valuenet.store.sqlite_schema import SCHEMA_VERSION

#: The schema version :func:`upgrade_sqlite` upgrades from.
FROM_VERSION = 1
#: Items written per batch to the new store (memory stays flat whatever the store's size).
_BATCH = 5000
_V1_KINDS: dict[str, type[Actor | Goal | Respondent]] = {"actors": Actor, "goals": Goal, "respondents": Respondent}
_KINDS = ("models", "actors", "goals", "respondents", "flows")


def upgrade_store(url: str, *, database: str | None = None, password: str | None = None) -> UpgradeReport:
    """Upgrade the store at ``url`` to this valuenet's schema; what it did (see the module docstring).

    ``database`` and ``password`` are for Neo4j (default ``$NEO4J_DATABASE`` and ``$NEO4J_PASSWORD``).
    """
    if is_neo4j_url(url):
        from valuenet.store.neo4j_upgrade import upgrade_graph

        return upgrade_graph(url, database=database, password=password)
    return upgrade_sqlite(url.removeprefix("sqlite://"))


def backup_path(path: Path) -> Path:
    """Where the upgrade keeps the version 1 file: ``<file>.v1.bak``."""
    return path.with_name(f"{path.name}.v{FROM_VERSION}.bak")


def temporary_path(path: Path) -> Path:
    """Where the upgrade writes the new store before it replaces the old one: ``<file>.upgrade.tmp``."""
    return path.with_name(f"{path.name}.upgrade.tmp")


def upgrade_sqlite(file: str | Path) -> UpgradeReport:
    """Upgrade the SQLite store ``file`` from schema 1 to 2; a store at version 2 is left as it is."""
    path = Path(file)
    url = str(file)
    if not path.is_file():
        raise NotFoundError(f"no store at {url}. Point --store at the store file to upgrade.")
    backup, temp = backup_path(path), temporary_path(path)
    _remove_store_file(temp)  # left by an interrupted run
    with closing(_open_v1(path)) as old:
        version = _version(old, url)
        if version == SCHEMA_VERSION:
            return UpgradeReport(url=url, from_version=version, to_version=version)
        if version != FROM_VERSION:
            check_schema_version(url, version, SCHEMA_VERSION)
            raise StoreError(f"{url} has store schema version {version}, which this valuenet cannot upgrade.")
        if backup.exists() and not backup.samefile(path):
            raise StoreError(f"{backup} already exists. Move it away and run 'valuenet upgrade' again.")
        _begin_immediate(old, url)
        try:
            report = UpgradeReport(url=url, from_version=FROM_VERSION, to_version=SCHEMA_VERSION, backup=str(backup))
            _write_v2(old, temp, report)
        except BaseException:
            _remove_store_file(temp)
            raise
        finally:
            old.rollback()
    try:
        _swap(path, temp, backup)
    except BaseException:
        _remove_store_file(temp)
        raise
    return report


# -- reading version 1 -----------------------------------------------------------------------------


def _open_v1(path: Path) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(path, timeout=busy_timeout_from_env(), isolation_level=None)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a valuenet store ({exc}). Point --store at a store file.") from exc
    return db


def _version(db: sqlite3.Connection, url: str) -> int:
    has_meta = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() if has_meta else None
    if row is None:
        raise StoreError(f"{url} is an SQLite file but not a valuenet store: it records no schema version.")
    return int(row[0])


def _begin_immediate(db: sqlite3.Connection, url: str) -> None:
    """Hold the old store's write lock for the whole upgrade: no valuenet 0.1 writes to it meanwhile."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StoreError(
            f"the store {url} is busy: another process is writing to it. Run 'valuenet upgrade' when it is done."
        ) from exc


def _v1_models(db: sqlite3.Connection) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for mid, doc in db.execute("SELECT id, doc FROM models ORDER BY id"):
        header = _parse(Model, doc, "models", mid, mid)
        out.append((str(mid), header.model_dump(exclude_defaults=True)))
    return out


def _parse(cls: type[Any], doc: str, kind: str, item_id: str, model_id: str) -> Any:
    try:
        return cls.model_validate_json(doc)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        first = str(exc).splitlines()[1:3]
        raise StoreError(
            f"the {kind} item {item_id!r} of model {model_id!r} is not one valuenet 0.1 wrote "
            f"({' '.join(line.strip() for line in first)}). Nothing was upgraded; the store was left as it was."
        ) from exc


def _v1_items(db: sqlite3.Connection, kind: str, model_id: str) -> list[Any]:
    cls = _V1_KINDS[kind]
    rows = db.execute(f"SELECT id, doc FROM {kind} WHERE model=? ORDER BY rowid", (model_id,))
    return [_parse(cls, doc, kind, item_id, model_id) for item_id, doc in rows]


def _v1_flows(db: sqlite3.Connection, model_id: str) -> Iterator[Flow]:
    """The model's flows in the order version 1 kept them (its row ids), one at a time."""
    cur = db.execute("SELECT id, doc FROM flows WHERE model=? ORDER BY rowid", (model_id,))
    while rows := cur.fetchmany(_BATCH):
        yield from (_parse(Flow, doc, "flows", item_id, model_id) for item_id, doc in rows)


def _v1_structure(db: sqlite3.Connection, model_id: str, header: dict[str, Any]) -> Model:
    return Model.model_validate({**header, **{kind: _v1_items(db, kind, model_id) for kind in _V1_KINDS}})


def _v1_counts(db: sqlite3.Connection) -> dict[str, int]:
    return {kind: int(db.execute(f"SELECT count(*) FROM {kind}").fetchone()[0]) for kind in _KINDS}


# -- writing and checking version 2 ----------------------------------------------------------------


def _batches(db: sqlite3.Connection, structure: Model) -> Iterator[Batch]:
    yield Batch(actors=list(structure.actors), goals=list(structure.goals))
    for start in range(0, len(structure.respondents), _BATCH):
        yield Batch(respondents=structure.respondents[start : start + _BATCH])
    flows: list[Flow] = []
    for flow in _v1_flows(db, structure.id):
        flows.append(flow)
        if len(flows) >= _BATCH:
            yield Batch(flows=flows)
            flows = []
    if flows:
        yield Batch(flows=flows)


def _write_v2(old: sqlite3.Connection, temp: Path, report: UpgradeReport) -> None:
    """Write every model of ``old`` into a new store at ``temp``, then check it holds exactly the same."""
    before = _v1_counts(old)
    with SQLiteStore(temp, busy_timeout=0) as new:
        for model_id, header in _v1_models(old):
            structure = _v1_structure(old, model_id, header)
            new.write(structure, _batches(old, structure))
        infos = new.list_models()
        after = {
            "models": len(infos),
            **{kind: sum(getattr(info, kind) for info in infos) for kind in _KINDS if kind != "models"},
        }
        report.counts = {kind: (before[kind], after[kind]) for kind in _KINDS}
        differ = [kind for kind, (b, a) in report.counts.items() if b != a]
        if differ:
            raise StoreError(
                f"upgrading {report.url} failed: the new store holds other numbers of {', '.join(differ)} "
                f"({', '.join(f'{report.counts[k][0]} before, {report.counts[k][1]} after' for k in differ)}). "
                "The store was left as it was; please report this."
            )
        for model_id, header in _v1_models(old):
            _check_model(old, new, model_id, header, report.url)


def _check_model(old: sqlite3.Connection, new: SQLiteStore, model_id: str, header: dict[str, Any], url: str) -> None:
    """Raise unless ``model_id`` reads back from ``new`` exactly as ``old`` holds it, flows in the same order."""
    with new.snapshot():
        same = new.read_structure(model_id) == _v1_structure(old, model_id, header)
        if same:
            pairs = zip_longest(_v1_flows(old, model_id), new.iter_flows(model_id))
            for n, (was, now) in enumerate(pairs):
                if was != now:
                    what = was.id if was is not None else now.id if now is not None else "?"
                    raise StoreError(
                        f"upgrading {url} failed: flow {n + 1} ({what}) of model {model_id!r} did not read back "
                        "as it was. The store was left as it was; please report this."
                    )
            return
    raise StoreError(
        f"upgrading {url} failed: the actors, goals or respondents of model {model_id!r} did not read back "
        "as they were. The store was left as it was; please report this."
    )


# -- the files -------------------------------------------------------------------------------------


def _remove_store_file(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with suppress(FileNotFoundError):
            leftover.unlink()


def _swap(path: Path, temp: Path, backup: Path) -> None:
    """Keep the old file as ``backup`` and move ``temp`` over ``path`` in one rename."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise StoreError(
            f"{path} is open in another process (its {wal.name} holds data). Close it and run 'valuenet upgrade' again."
        )
    for leftover in (wal, path.with_name(path.name + "-shm")):  # empty, and would not belong to the new file
        with suppress(FileNotFoundError):
            leftover.unlink()
    if temp.with_name(temp.name + "-wal").exists():
        raise StoreError(f"upgrading {path} failed: the new store at {temp} was not closed cleanly.")
    _fsync(temp)
    if not backup.exists():
        try:
            os.link(path, backup)
        except OSError:
            shutil.copy2(path, backup)
            _fsync(backup)
    os.replace(temp, path)
    _fsync(path.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


__all__ = ["FROM_VERSION", "backup_path", "temporary_path", "upgrade_sqlite", "upgrade_store"]

"""Writing files whole or not at all: the one place valuenet creates output files and folders.

:func:`atomic_write` (an :class:`AtomicFile`) writes to a temporary file beside
the target and renames it into place when the block ends without an error, so a
reader never sees half a file and a failed write leaves the old file as it was. :func:`atomic_path` does
the same for libraries that want a path to save to (openpyxl). Every ``OSError``
becomes an :class:`~valuenet.errors.OutputError` with one line naming the path
and what to do, so a path the user typed never ends in a traceback.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_write(folder / "a.txt") as fh:
...     _ = fh.write("hello")
>>> (folder / "a.txt").read_text()
'hello'
>>> try:
...     write_text(folder / "missing" / "a.txt", "hello")
... except OutputError as exc:
...     print(str(exc).replace(str(folder), "F"))
cannot write F/missing/a.txt: the folder F/missing does not exist. Create it first, or choose another path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from valuenet.errors import OutputError


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).rstrip(".").lower()


def output_error(path: str | Path, exc: OSError) -> OutputError:
    """One line for an ``OSError`` met while writing ``path``: what failed and how to fix it."""
    target = Path(path)
    above = _not_a_folder(target.parent)
    if above is not None:
        return OutputError(f"cannot write {target}: {above}")
    if isinstance(exc, IsADirectoryError) or target.is_dir():
        return OutputError(f"cannot write {target}: it is a folder. Give a file name.")
    return OutputError(
        f"cannot write {target}: {_reason(exc)}. Check the path, the permissions and the free disk space."
    )


def _not_a_folder(folder: Path) -> str | None:
    """Why ``folder`` cannot hold output (missing, or a file), as the end of a message; ``None`` when it can."""
    if folder.is_dir():
        return None
    if folder.exists():
        return f"{folder} is a file, not a folder. Choose another path."
    missing = next((p for p in reversed(folder.parents) if not p.is_dir()), folder)
    if missing.exists():
        return f"{missing} is a file, not a folder. Choose another path."
    return f"the folder {folder} does not exist. Create it first, or choose another path."


def check_output(path: str | Path) -> Path:
    """Refuse, before any work, an output file whose folder is missing or is a file (as :func:`output_error` says)."""
    target = Path(path)
    if not target.parent.is_dir():
        raise output_error(target, FileNotFoundError(2, "No such file or directory", str(target)))
    if target.is_dir():
        raise output_error(target, IsADirectoryError(21, "Is a directory", str(target)))
    return target


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write; renamed to ``path`` when the block succeeds, removed when it fails."""
    target = Path(path)
    tmp = _temporary(target)
    if not target.parent.is_dir():  # say so before a library starts writing (openpyxl fails late and noisily)
        raise output_error(target, FileNotFoundError(2, "No such file or directory", str(tmp)))
    try:
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink()
        raise output_error(target, exc) from exc
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


class AtomicFile:
    """A text file written beside ``path`` that replaces it on :meth:`commit`, or vanishes on :meth:`discard`.

    As a context manager it commits when the block succeeds and discards when it
    fails. Use it directly when the writing spans calls (a rejects file filled row by row).
    """

    def __init__(self, path: str | Path, *, encoding: str = "utf-8", newline: str | None = None) -> None:
        self.path = Path(path)
        self._tmp = _temporary(self.path)
        try:
            self.file: IO[str] = self._tmp.open("w", encoding=encoding, newline=newline)
        except OSError as exc:
            raise output_error(self.path, exc) from exc

    def commit(self) -> None:
        """Close the file and put it in place of ``path``."""
        try:
            self.file.close()
            os.replace(self._tmp, self.path)
        except OSError as exc:
            self.discard()
            raise output_error(self.path, exc) from exc

    def discard(self) -> None:
        """Close and remove the file; ``path`` stays as it was."""
        with suppress(OSError):
            self.file.close()
        with suppress(OSError):
            self._tmp.unlink()

    def __enter__(self) -> IO[str]:
        return self.file

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            self.commit()
            return
        self.discard()
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise output_error(self.path, exc) from exc


def atomic_write(path: str | Path, *, encoding: str = "utf-8", newline: str | None = None) -> AtomicFile:
    """``with atomic_write(path) as fh:`` writes a text file that replaces ``path`` only if the block succeeds."""
    return AtomicFile(path, encoding=encoding, newline=newline)


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically and return the path."""
    with atomic_write(path) as fh:
        fh.write(text)
    return Path(path)


def make_folder(path: str | Path) -> Path:
    """Create a folder for output, in a folder that exists; an ``OSError`` becomes an :class:`OutputError`.

    Missing parents are not created, as a file is not written into a missing folder:
    a mistyped path is reported, not built.
    """
    folder = Path(path)
    above = _not_a_folder(folder.parent)
    if above is not None and not folder.is_dir():
        raise OutputError(f"cannot create the folder {folder}: {above}")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        if isinstance(exc, FileExistsError) or (folder.exists() and not folder.is_dir()):
            raise OutputError(f"cannot create the folder {folder}: a file has that name. Choose another path.") from exc
        raise OutputError(f"cannot create the folder {folder}: {_reason(exc)}. Choose another path.") from exc
    return folder


__all__ = [
    "AtomicFile",
    "atomic_path",
    "atomic_write",
    "check_output",
    "make_folder",
    "output_error",
    "write_text",
]

"""Interview tables read from standard input (``valuenet import -``).

The readers stream a file more than once (a check pass, then a write pass) and
XLSX needs a seekable zip, so standard input is first copied, a block at a time
(memory stays flat), into a temporary file, which the normal readers then read
under the name ``<stdin>``: every message, and the rejects file, says ``<stdin>``,
never the temporary path. Standard input has no extension to tell its format,
so ``--format`` is required.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from valuenet.errors import ModelFileError, Problem

#: The path that means standard input.
STDIN = "-"
#: What messages call standard input.
STDIN_NAME = "<stdin>"
#: Bytes copied at a time.
_BLOCK = 1 << 20


def is_stdin(path: str | Path) -> bool:
    """Whether an input path means standard input (``-``)."""
    return str(path) == STDIN


def check_stdin(paths: Sequence[str | Path], fmt: str | None, formats: Sequence[str], *, rejects_needed: bool) -> bool:
    """Whether ``paths`` name standard input; an error when they do and it cannot be read as asked.

    Standard input may be named once, needs ``fmt`` (one of ``formats``), and needs a
    rejects file named when ``rejects_needed`` (``--skip-invalid`` without ``--rejects``):
    there is no folder to put one beside.
    """
    dashes = sum(1 for p in paths if is_stdin(p))
    if not dashes:
        return False
    if dashes > 1:
        raise _problem("is named more than once (-).", "Name standard input (-) once.")
    if fmt is None:
        raise _problem(
            "has no file name to tell its format.",
            f"Pass --format ({'|'.join(formats)}), e.g. valuenet import - --format csv --model ID.",
        )
    if rejects_needed:
        raise _problem(
            "has no folder to write the rejected rows beside.",
            "Pass --rejects FILE with --skip-invalid (its extension gives the format, e.g. rejects.csv).",
        )
    return True


def _problem(message: str, fix: str) -> ModelFileError:
    return ModelFileError([Problem(STDIN_NAME, message, fix)])


@contextmanager
def spooled(stream: IO[bytes], suffix: str) -> Iterator[Path]:
    """Standard input copied to a temporary file (removed at the end of the block), for the readers to stream."""
    with tempfile.TemporaryDirectory(prefix="valuenet-stdin-") as folder:
        path = Path(folder) / f"stdin{suffix}"
        try:
            with path.open("wb") as out:
                shutil.copyfileobj(stream, out, _BLOCK)
        except OSError as exc:
            raise _problem(
                f"cannot be copied to a temporary file in {folder}: {exc.strerror or exc}.",
                "Free disk space in the temporary folder (or set TMPDIR), or save the data to a file.",
            ) from exc
        yield path


__all__ = ["STDIN", "STDIN_NAME", "check_stdin", "is_stdin", "spooled"]

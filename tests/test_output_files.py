"""Output files are written whole or not at all, and a path that cannot be written is one line, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import tiny_model
from valuenet.cli import cli
from valuenet.errors import OutputError
from valuenet.files import AtomicFile, atomic_path, atomic_write, make_folder, write_text
from valuenet.store.sqlite import SQLiteStore


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "s.db"
    with SQLiteStore(path) as store:
        store.write_model(tiny_model())
    return str(path)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="half way"), atomic_write(target) as fh:
        fh.write("new, but only")
        raise RuntimeError("half way")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_successful_write_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    assert write_text(target, "new") == target
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_discarded_file_never_appears(tmp_path: Path) -> None:
    out = AtomicFile(tmp_path / "rejects.csv")
    out.file.write("a,b\n")
    out.discard()
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_maps_the_libraries_oserror(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    with pytest.raises(OutputError) as info, atomic_path(target) as tmp:
        raise PermissionError(13, "Permission denied", str(tmp))
    assert str(info.value) == (
        f"cannot write {target}: permission denied. Check the path, the permissions and the free disk space."
    )
    assert list(tmp_path.iterdir()) == []


def test_a_folder_where_a_file_is_has_one_line(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        make_folder(tmp_path / "taken")
    assert (
        str(info.value) == f"cannot create the folder {tmp_path / 'taken'}: a file has that name. Choose another path."
    )


MISSING = "the folder {folder} does not exist. Create it first, or choose another path."


@pytest.mark.parametrize(
    "args",
    [
        ["export", "-o", "{path}.json"],
        ["export", "--format", "yaml", "-o", "{path}.yaml"],
        ["export", "--format", "csv", "-o", "{path}.csv"],
        ["export", "--format", "jsonl", "-o", "{path}.jsonl"],
        ["export", "--format", "xlsx", "-o", "{path}.xlsx"],
        ["template", "-o", "{path}.csv"],
        ["template", "--format", "xlsx", "-o", "{path}.xlsx"],
        ["view", "-o", "{path}.html"],
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_an_output_file_in_a_missing_folder_is_one_line_and_exit_1(args: list[str], tmp_path: Path, db: str) -> None:
    folder = tmp_path / "nowhere"
    argv = [a.format(path=folder / "out") for a in args]
    result = CliRunner().invoke(cli, [*argv, *([] if argv[0] == "template" else ["--store", db])])
    out = Path(argv[-1])
    assert (result.exit_code, result.stderr) == (1, f"Error: cannot write {out}: {MISSING.format(folder=folder)}\n")
    assert result.stdout == ""
    assert not folder.exists()


@pytest.mark.parametrize("command", [["synth", "--respondents", "2"], ["report"]])
def test_an_output_folder_that_cannot_be_made_is_one_line_and_exit_1(command: list[str], db: str) -> None:
    args = [*command, "-o", "/proc/valuenet-out", *(["--store", db] if command[0] == "report" else [])]
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: cannot create the folder /proc/valuenet-out: no such file or directory. Choose another path.\n",
    )

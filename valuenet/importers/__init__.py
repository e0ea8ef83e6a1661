"""The import pipeline: interview tables and model files checked row by row, then written to a store.

:func:`import_files` is the call behind ``valuenet import``
(:mod:`~valuenet.importers.pipeline`). The rooms:

- :mod:`~valuenet.importers.pipeline` — the orchestration: which files are models and which are tables,
  the target model, dry runs;
- :mod:`~valuenet.importers.interviews` — the two streaming passes over interview tables (validate, write);
- :mod:`~valuenet.importers.rowcheck` — one row checked into an :class:`~valuenet.models.Exchange`;
- :mod:`~valuenet.importers.target` — the model rows go into: how cells find actors, goals, dimensions;
- :mod:`~valuenet.importers.validation` — what the validating pass keeps, in little memory;
- :mod:`~valuenet.importers.flowdocs` — the flows of an exchange as JSON documents for the store.

Reading and writing the files themselves is :mod:`valuenet.formats`' job.
"""

from valuenet.importers.interviews import ImportProgress, InterviewImportResult
from valuenet.importers.pipeline import ImportResult, diff_write, import_files

__all__ = ["ImportProgress", "ImportResult", "InterviewImportResult", "diff_write", "import_files"]

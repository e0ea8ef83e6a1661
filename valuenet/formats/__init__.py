"""File formats, in both directions: the only code that reads or writes user files.

One module per format or concept:

- :mod:`~valuenet.formats.modelfile` — model files (YAML, JSON), read and written;
- :mod:`~valuenet.formats.columns` — the long interview layout: its columns, aliases and header matching;
- :mod:`~valuenet.formats.cells` — cell values and the one spreadsheet-formula guard;
- :mod:`~valuenet.formats.source` — :class:`~valuenet.formats.source.SourceTable`, what every table reader gives;
- :mod:`~valuenet.formats.delimited` — CSV and TSV interview tables;
- :mod:`~valuenet.formats.jsonrows` — JSON arrays and JSON Lines of interview rows;
- :mod:`~valuenet.formats.xlsx` — workbooks, read and written;
- :mod:`~valuenet.formats.inputs` — which reader a file needs (by ``--format`` or extension);
- :mod:`~valuenet.formats.export` — a model's interviews written back in the long layout;
- :mod:`~valuenet.formats.template` — blank interview templates;
- :mod:`~valuenet.formats.rejects` — the rejects file of ``--skip-invalid``;
- :mod:`~valuenet.formats.aliases` — the aliases file of ``--aliases``.

The import pipeline that checks rows and writes them to a store lives in
:mod:`valuenet.importers`; this package only turns files into rows and back.
"""

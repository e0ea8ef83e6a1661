"""``python -m valuenet`` runs the command line."""

from valuenet.cli import main

main()

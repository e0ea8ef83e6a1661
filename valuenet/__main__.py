"""``python -m valuenet`` runs the command line."""

import sys

try:
    from valuenet.cli import main
except KeyboardInterrupt:  # Ctrl-C while the modules load: nothing has started yet
    sys.stderr.write("Interrupted.\n")
    sys.exit(130)

if __name__ == "__main__":
    main()

"""``python -m valuenet.neo4jserver start|stop|status|build [--home DIR] [--fresh]``."""

import sys

from valuenet.neo4jserver import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

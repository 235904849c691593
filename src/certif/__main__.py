import sys

from certif.cli import main

# Guarded: worker processes (spawned) import this module without running the command.
if __name__ == "__main__":
    sys.exit(main())

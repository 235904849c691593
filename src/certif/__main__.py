import sys

from certif.cli import main

sys.exit(main())

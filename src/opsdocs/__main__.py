"""``python -m opsdocs``: the same command line as ``opsdocs``."""

import sys

from opsdocs.cli import main

sys.exit(main())

"""``python -m csgkg``."""

import sys

from csgkg.cli.main import main

sys.exit(main())

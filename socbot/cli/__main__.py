"""``python -m socbot.cli``: the same as the ``socbot`` command."""

import sys

from socbot.cli import main

sys.exit(main())

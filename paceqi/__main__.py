"""``python -m paceqi`` runs the ``paceqi`` command."""

import sys

from paceqi.cli import main

sys.exit(main())

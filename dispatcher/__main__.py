"""`python -m dispatcher` runs the `dispatch` command line."""

import sys

from dispatcher.cli import main

sys.exit(main())

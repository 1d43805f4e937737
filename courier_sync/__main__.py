"""`python -m courier_sync` = the `courier-sync` console script."""

from courier_sync.cli import main

raise SystemExit(main())

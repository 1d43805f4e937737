"""`python -m app`: the operator workspace (same as `dispatch-desk`)."""

from app.main import main

raise SystemExit(main())

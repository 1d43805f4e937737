"""The bundle's one entry point: the workspace, or the `dispatch` CLI when started by that name.

One PyInstaller executable serves both commands, so the bundle carries Python, Qt and
pjsip once: ``bin/dispatch`` is a link to (on Windows, a copy of) ``dispatch-desk``, and the
name it was started as picks the command.
"""

from __future__ import annotations

import os
import sys

# The names the `dispatch` CLI may be started as (a link, a copy, or `dispatch.exe`).
CLI_NAMES = {"dispatch", "dispatch.exe"}


def main() -> int:
    """Run `dispatch` or `dispatch-desk`, by the program's own name; returns the exit code."""
    name = os.path.basename(sys.argv[0]).lower()
    if name in CLI_NAMES or os.environ.get("DISPATCH_DESK_COMMAND") == "dispatch":
        from dispatcher.cli import main as dispatch_main

        return dispatch_main()
    from app.main import main as desk_main

    return desk_main()


if __name__ == "__main__":
    sys.exit(main())

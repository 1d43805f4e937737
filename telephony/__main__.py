"""``python -m telephony``: the headless SIP phone (see telephony.cli)."""

import sys

from telephony.cli import main

if __name__ == "__main__":
    sys.exit(main())

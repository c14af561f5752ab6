"""The console script and `python -m summarize`.

Ctrl-C at any moment, even while the command line module is still being
imported, ends with one line and exit status 130, never a traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Runs the command line, with Ctrl-C handled from the very start."""
    try:
        from summarize.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        sys.stderr.write("summarize: interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    main()

"""The ``mokmin`` command's entry point.

``mokmin serve`` is the command a server runs at every start, so it skips building the full command tree
(every domain's CLI); everything else goes to :mod:`mokmin.cli`.
"""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["serve"] and not {"--help", "-h"} & set(args):
        from mokmin.web.server import serve_from_argv

        try:
            serve_from_argv(args[1:])
        except KeyboardInterrupt:
            sys.exit(130)
        return
    from mokmin.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()

"""Running the web platform under uvicorn (one place for ``mokmin serve`` and its fast start path)."""

from __future__ import annotations

import argparse

from mokmin.core.i18n import cli_language, translate
from mokmin.core.settings import get_settings


def run_server(host: str | None = None, port: int | None = None) -> None:
    """Serve the app built by :func:`mokmin.web.app.create_app` (the model loads lazily, on first use)."""
    import uvicorn

    settings = get_settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    print(translate("cli.serving", cli_language(), host=bind_host, port=bind_port), flush=True)
    uvicorn.run(
        "mokmin.web.app:create_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        log_level="warning",
        access_log=False,
    )


def serve_from_argv(argv: list[str]) -> None:
    """``mokmin serve [--host H] [--port P]`` without loading the other commands (start-up speed)."""
    lang = cli_language()
    parser = argparse.ArgumentParser(prog="mokmin serve", description=translate("cli.serve", lang))
    parser.add_argument("--host", help=translate("cli.opt_host", lang))
    parser.add_argument("--port", type=int, help=translate("cli.opt_port", lang))
    args = parser.parse_args(argv)
    run_server(args.host, args.port)

"""The `mentes` command: a thin layer of Typer commands over the engines."""

from __future__ import annotations

import sys


def _interrupted(kind, value, trace) -> None:
    """Say Ctrl-C that no command caught (mentes was still starting) in one sentence, not
    a traceback; Python then ends the process as interrupted (exit status 130)."""
    if not issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, trace)
        return
    try:
        common = sys.modules.get("mentes_cli.cli.common")
        if common is not None:
            message = common.interrupted_message()
        else:
            from mentes_cli import i18n

            i18n.choose_from_arguments(sys.argv[1:])
            message = i18n._("Interrupted; nothing was written.")
    except BaseException:  # a second Ctrl-C, or the catalogue not there yet
        message = "Interrupted; nothing was written."
    _end_interrupted(message)


def _end_interrupted(message: str) -> None:
    """Say `message` and end the process as Ctrl-C ends a program (exit status 130)."""
    import os
    import signal

    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    if os.name == "posix":
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(130)


# First of all, so that Ctrl-C while the rest loads (about 0.1 s) gives no traceback either.
sys.excepthook = _interrupted

from typing import Annotated  # noqa: E402

import typer  # noqa: E402

from mentes_cli import __version__, i18n  # noqa: E402

# Before any option or command is declared: Typer builds the help texts at import.
i18n.choose_from_arguments(sys.argv[1:])

from mentes_cli.cli.common import State  # noqa: E402

app = typer.Typer(
    name="mentes",
    help=i18n._("Eligibility, quotes and coaching plans for the Mentes support network."),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mentes {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help=i18n._("Show the version.")
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help=i18n._("Show the full traceback of an error (for engineers).")
        ),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="nl|en",
            help=i18n._("nl (Dutch, the default) or en (English). Default: $MENTES_LANG, else nl."),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Eligibility, quotes and coaching plans for the Mentes support network."""
    State.debug = debug
    from mentes_cli.errors import name_fields_as

    name_fields_as("toml")  # until records are read (a run in a test's process starts afresh)
    try:
        i18n.set_language(lang)
    except i18n.UnknownLanguage:
        from mentes_cli.cli.common import notice

        notice(i18n._("Warning: unknown language '{code}'; using Dutch.", code=lang))
        return
    if lang is None and i18n.environment_language_is_unknown():
        from mentes_cli.cli.common import notice

        notice(
            i18n._(
                "Warning: unknown language '{code}' in MENTES_LANG; using Dutch.",
                code=i18n.environment_language(),
            )
        )


# Each module adds its commands to `app`; they import their engines only when run.
from mentes_cli.cli import (  # noqa: E402, F401
    eligibility,
    interchange,
    letters,
    lifecycle,
    plan,
    quote,
    report,
    validate,
)


def main() -> None:
    """Run the mentes command line, Typer's own words in the chosen language too."""
    from mentes_cli.cli.clicktext import run
    from mentes_cli.cli.common import State, interrupted_message

    try:
        run(app)
    except SystemExit as end:
        # Typer ends Ctrl-C outside a command's error handler (while it reads the command
        # line or loads the command) silently with 130: say it as the handler does.
        if end.code == 130 and not State.said_interrupted:
            _end_interrupted(interrupted_message())
        raise

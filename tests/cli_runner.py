"""Typer's CliRunner, building the Click command of an app once instead of on every run.

`typer.testing.CliRunner.invoke(app, ...)` turns the signature of every mentes command into
Click options (`typer.main.get_command`) each time it is called: about 25 ms for the 22
commands, and the suite runs mentes in its own process some 1,500 times. That command is the
same every time (Typer fixed the help texts when `mentes_cli.cli` was imported, Click makes a
fresh context for each run), so it is built once per app and kept.

`invoke` is Typer's own (typer 0.29, pinned in pyproject.toml), with the command taken from
the cache: the same isolation, exit codes, exception handling and Result.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import typer
import typer.main
import typer.testing


@cache
def command_of(app: typer.Typer) -> Any:
    """Give the Click command of `app`, built on first use."""
    return typer.main.get_command(app)


class CliRunner(typer.testing.CliRunner):
    """typer.testing.CliRunner whose `invoke` builds the app's Click command only once."""

    def invoke(  # type: ignore[override]
        self,
        app: typer.Typer,
        args: str | Sequence[str] | None = None,
        input: bytes | str | None = None,
        env: Mapping[str, str | None] | None = None,
        catch_exceptions: bool = True,
        color: bool = False,
        **extra: Any,
    ) -> typer.testing.Result:
        cli = command_of(app)
        exc_info = None
        with self.isolation(input=input, env=env, color=color) as outstreams:
            return_value = None
            exception: BaseException | None = None
            exit_code = 0
            if isinstance(args, str):
                args = shlex.split(args)
            try:
                prog_name = extra.pop("prog_name")
            except KeyError:
                prog_name = self.get_default_prog_name(cli)
            try:
                return_value = cli.main(args=args or (), prog_name=prog_name, **extra)
            except SystemExit as e:
                exc_info = sys.exc_info()
                e_code = e.code
                if e_code is None:
                    e_code = 0
                if e_code != 0:
                    exception = e
                if not isinstance(e_code, int):
                    sys.stdout.write(str(e_code))
                    sys.stdout.write("\n")
                    e_code = 1
                exit_code = e_code
            except Exception as e:
                if not catch_exceptions:
                    raise
                exception = e
                exit_code = 1
                exc_info = sys.exc_info()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                stdout = outstreams[0].getvalue()
                stderr = outstreams[1].getvalue()
                output = outstreams[2].getvalue()
        return typer.testing.Result(
            runner=self,
            stdout_bytes=stdout,
            stderr_bytes=stderr,
            output_bytes=output,
            return_value=return_value,
            exit_code=exit_code,
            exception=exception,
            exc_info=exc_info,
        )

"""Typer's own words (usage, help headings, command-line errors) in the chosen language.

Typer (pinned to the version tested, see pyproject.toml) bundles its own Click, whose
sentences are English literals. mentes runs the command line itself (`run`), so that:

- help pages go through `Formatter`, which says "Usage:" and the section headings and the
  help of `--help` through the catalogue;
- a usage error (an unknown option, a missing value, a value Typer cannot parse) is caught
  and said again through the catalogue: `translated()` knows Click's and Typer's sentences
  by their shape and keeps their variable parts. A sentence it does not know is shown as
  Typer wrote it.

The command tree is built lazily (`lazy_command`): Typer turns a command's signature into
Click's options only when the command line names that command, so that `mentes --version`
and `mentes --help` do not pay for all of them.

Only public APIs are used: `typer.main.get_command`, `typer.main.get_command_from_info`,
`typer.core.TyperGroup` and `TyperCommand`, the app's `registered_commands` and
`registered_callback`, the commands' `context_class`, `typer.Context.formatter_class` and
the exceptions' `format_message`, `exit_code` and `ctx`.
"""

from __future__ import annotations

import inspect
import re
import sys
from typing import Any

import typer
import typer.core
import typer.main

from mentes_cli.i18n import _

# Headings and fixed help texts that Typer writes; each is said through the catalogue.
FIXED = {
    "Options": lambda: _("Options"),
    "Commands": lambda: _("Commands"),
    "Arguments": lambda: _("Arguments"),
    "Show this message and exit.": lambda: _("Show this message and exit."),
}


class Formatter(typer.Context.formatter_class):
    """Click's help formatter, with its fixed words in the chosen language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=_("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_fixed(heading))

    def write_dl(self, rows, *args: Any, **kwargs: Any) -> None:
        super().write_dl(
            [(_TYPE.sub(_type_word, term), _fixed(text)) for term, text in rows], *args, **kwargs
        )


class Context(typer.Context):
    """Typer's context, formatting help with `Formatter`."""

    formatter_class = Formatter


_TRAILERS = (
    (re.compile(r"\[required\]$"), lambda m: _("[required]")),
    (
        re.compile(r"\[default: (?P<value>[^\]]*)\]$"),
        lambda m: _("[default: {value}]", value=m["value"]),
    ),
)


# Typer names an option's value by its Python type (`--since <str>`); people read a word.
_TYPE = re.compile(r"<(?:list\[)?(str|path|int|int range|float)\]?>")
_TYPE_WORDS = {
    "str": lambda: _("<text>"),
    "path": lambda: _("<path>"),
    "int": lambda: _("<number>"),
    "int range": lambda: _("<number>"),
    "float": lambda: _("<number>"),
}


def _type_word(match: re.Match[str]) -> str:
    return _TYPE_WORDS[match[1]]()


def _fixed(text: str) -> str:
    """Give a fixed text, or a help text with Typer's trailing [required] or [default: …],
    in the chosen language."""
    if text in FIXED:
        return FIXED[text]()
    for pattern, say in _TRAILERS:
        text = pattern.sub(say, text)
    return text


# Click's and Typer's error sentences, by their shape; each gives its Dutch (or English) form.
_SENTENCES: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"No such option: (?P<name>\S+)(?P<rest>.*)"),
        lambda m: _("No such option: {name}", name=m["name"]) + _suggestion(m["rest"]),
    ),
    (
        re.compile(r"No such command '(?P<name>.*)'\.$"),
        lambda m: _("No such command '{name}'.", name=m["name"]),
    ),
    (re.compile(r"Missing command\.$"), lambda m: _("Missing command.")),
    (
        re.compile(r"Missing option '(?P<name>[^']*)'\.(?P<rest>.*)"),
        lambda m: _("Missing option '{name}'.", name=m["name"]) + m["rest"],
    ),
    (
        re.compile(r"Missing argument '(?P<name>[^']*)'\.(?P<rest>.*)"),
        lambda m: _("Missing argument '{name}'.", name=m["name"]) + m["rest"],
    ),
    (
        re.compile(r"Option '(?P<name>[^']*)' requires an argument\.$"),
        lambda m: _("Option '{name}' requires a value.", name=m["name"]),
    ),
    (
        re.compile(r"Option '(?P<name>[^']*)' does not take a value\.$"),
        lambda m: _("Option '{name}' takes no value.", name=m["name"]),
    ),
    (
        re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$"),
        lambda m: _("Unexpected extra argument(s): {arguments}", arguments=m["args"]),
    ),
    (
        re.compile(r"Invalid value for (?P<name>'[^']*'(?: / '[^']*')*): (?P<message>.*)", re.S),
        lambda m: _(
            "Invalid value for {name}: {message}",
            name=m["name"],
            message=_value_message(m["message"]),
        ),
    ),
    (
        re.compile(r"Invalid value: (?P<message>.*)", re.S),
        lambda m: _("Invalid value: {message}", message=_value_message(m["message"])),
    ),
]

_VALUE_SENTENCES: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"(?:Value error, )?(?P<value>'.*') is not one of (?P<choices>.*)\.$"),
        lambda m: _("{value} is not one of {choices}.", value=m["value"], choices=m["choices"]),
    ),
    (re.compile(r"Input should be a valid integer.*"), lambda m: _("give a whole number.")),
    (re.compile(r"Input should be a valid number.*"), lambda m: _("give a number.")),
    (re.compile(r"Input should be a valid boolean.*"), lambda m: _("give yes or no.")),
    # Typer checks an option's min= and max= with pydantic, which says so in its own words.
    (
        re.compile(r"Input should be less than or equal to (?P<n>\S+?)\.?"),
        lambda m: _("give a number of at most {most}.", most=m["n"]),
    ),
    (
        re.compile(r"Input should be greater than or equal to (?P<n>\S+?)\.?"),
        lambda m: _("give a number of at least {least}.", least=m["n"]),
    ),
    (
        re.compile(r"Input should be less than (?P<n>\S+?)\.?"),
        lambda m: _("give a number below {limit}.", limit=m["n"]),
    ),
    (
        re.compile(r"Input should be greater than (?P<n>\S+?)\.?"),
        lambda m: _("give a number above {limit}.", limit=m["n"]),
    ),
    (re.compile(r"Value error, (?P<message>.*)", re.S), lambda m: m["message"]),
]


def _suggestion(rest: str) -> str:
    match = re.fullmatch(r"\s*Did you mean (?P<name>\S+)\?\s*", rest)
    if match:
        return " " + _("Did you mean {name}?", name=match["name"])
    match = re.fullmatch(r"\s*\(Possible options: (?P<names>[^)]*)\)\s*", rest)
    if match:
        return " " + _("(Possible options: {names})", names=match["names"])
    return rest


def _value_message(message: str) -> str:
    for pattern, say in _VALUE_SENTENCES:
        match = pattern.fullmatch(message.strip())
        if match:
            return say(match)
    return message


def translated(message: str) -> str:
    """Give a Click or Typer error sentence in the chosen language (unknown ones unchanged)."""
    for pattern, say in _SENTENCES:
        match = pattern.fullmatch(message)
        if match:
            return say(match)
    return message


def _dress(command) -> None:
    """Let `command` and all its subcommands format help with the translated formatter."""
    command.context_class = Context
    command.options_metavar = _("[OPTIONS]")
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = _("COMMAND [ARGS]...")
    for subcommand in getattr(command, "commands", {}).values():
        _dress(subcommand)


def show_usage_error(error: Exception) -> None:
    """Print a usage error as Click would, in the chosen language."""
    ctx = getattr(error, "ctx", None)
    lines = []
    if ctx is not None:
        lines.append(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(
                _(
                    "Try '{command} {option}' for help.",
                    command=ctx.command_path,
                    option=ctx.help_option_names[0],
                )
            )
        lines.append("")
    lines.append(_("Error: {message}", message=translated(error.format_message())))
    # Through the console that prints every other message: in a terminal it wraps the
    # sentence between words (the terminal itself would cut it anywhere: `'fixe|d'`); in a
    # pipe the line stays whole.
    from mentes_cli.cli.common import stderr

    stderr.print("\n".join(lines), markup=False, highlight=False, emoji=False)


class LazyGroup(typer.core.TyperGroup):
    """A group whose commands are built from the app's command infos when first asked for."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.infos: dict[str, Any] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.infos)

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in self.commands and name in self.infos:
            command = typer.main.get_command_from_info(
                self.infos[name], pretty_exceptions_short=True, rich_markup_mode=None
            )
            _dress(command)
            self.commands[name] = command
        return self.commands.get(name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """List each command with its short help, as Typer does, without building it."""
        shown = {name: info for name, info in self.infos.items() if not info.hidden}
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name in shown)
        rows = []
        for name, info in shown.items():
            text = inspect.getdoc(info.callback) if info.help is None else info.help
            bare = typer.core.TyperCommand(
                name, help=inspect.cleandoc(text or ""), short_help=info.short_help
            )
            rows.append((name, bare.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def lazy_command(app: typer.Typer) -> Any:
    """Give `app`'s command line as a group that builds each command only when it runs."""
    head = typer.Typer(
        name=app.info.name,
        help=app.info.help,
        no_args_is_help=app.info.no_args_is_help,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        cls=LazyGroup,
    )
    head.registered_callback = app.registered_callback
    group = typer.main.get_command(head)
    group.infos = {
        info.name or typer.main.get_command_name(info.callback.__name__): info
        for info in app.registered_commands
    }
    return group


def run(app: typer.Typer, args: list[str] | None = None) -> None:
    """Run the command line of `app` with Typer's words in the chosen language; exit."""
    command = lazy_command(app)
    _dress(command)
    try:
        code = command.main(
            args=sys.argv[1:] if args is None else args, prog_name="mentes", standalone_mode=False
        )
    except typer.Abort:
        typer.echo(_("Aborted."), err=True)
        sys.exit(1)
    except Exception as error:
        # Click's exceptions are not public under Typer's bundled Click; they are known by the
        # attributes every one of them has.
        if not (hasattr(error, "format_message") and hasattr(error, "exit_code")):
            raise
        if type(error).__name__ == "NoArgsIsHelpError":
            error.show()  # `mentes` alone: the help page, already in the chosen language
        else:
            show_usage_error(error)
        sys.exit(error.exit_code)
    sys.exit(code if isinstance(code, int) else 0)

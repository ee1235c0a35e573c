"""`mentes letters`: an e-mail draft per traject newly planned, changed or decided (SPEC 9)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mentes_cli.cli import app
from mentes_cli.cli.common import (
    DataOption,
    clean,
    handle_errors,
    load,
    notice,
    parse_date,
    stdout,
    warn_broken_visits,
)
from mentes_cli.errors import OutputError
from mentes_cli.i18n import _, n_


@app.command(
    help=_(
        "Write an e-mail draft (.eml) per traject newly planned, changed or decided, and an "
        "overview; mentes remembers which letters it wrote."
    )
)
@handle_errors
def letters(
    to: Annotated[
        Path,
        typer.Option(
            "--to",
            help=_("Folder for the drafts (.eml) and the overview; made when missing."),
            show_default=False,
        ),
    ],
    traject: Annotated[
        list[str] | None,
        typer.Option(
            "--traject",
            help=_(
                "Only this traject (repeat for more); its letter is written even when it "
                "was written before."
            ),
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            callback=parse_date,
            help=_(
                "Every planning and decision from this day on (yyyy-mm-dd), also when its "
                "letter was written before. Default: what is new since the last letters."
            ),
            show_default=False,
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Write an e-mail draft (.eml) per traject newly planned, changed or decided (SPEC 9)."""
    from mentes_cli import clock
    from mentes_cli.cli.lifecycle import waiting_for_records
    from mentes_cli.export.eml import address, draft_bytes
    from mentes_cli.export.ics import traject_calendar
    from mentes_cli.letters.due import due_letters, sequenced, told_now
    from mentes_cli.letters.gather import build_letter
    from mentes_cli.letters.memory import (
        LETTERS_SHEET,
        Remembered,
        legacy_path,
        memory_path,
        memory_text,
        read_memory,
        read_sheet,
        sheet_bytes,
    )
    from mentes_cli.letters.overview import kind_word, overview_bytes
    from mentes_cli.letters.texts import letter_texts
    from mentes_cli.output import make_folder, outputs_together, write_atomically
    from mentes_cli.records import RecordStore
    from mentes_cli.reference import load_reference

    if to.exists() and not to.is_dir():
        raise OutputError(_("{path}: is a file; give a folder for the letters", path=to))
    loaded = load(data)
    records = loaded.records
    source = loaded.source.path
    _refuse_sample(source)
    # A letter must not tell a location a day that breaks a rule without the coordinator
    # knowing (a closure added after the commit, a visit edited by hand or put back by undo).
    warn_broken_visits(records)
    known = {t.id for t in records.trajects}
    for wanted in traject or []:
        if wanted not in known:
            raise OutputError(_("--traject {traject}: no such traject", traject=wanted))
    texts = letter_texts(load_reference("centre.toml"))
    moment = clock.now()
    today = moment.date()
    # The memory of letters is read and written under the records' lock, so that two runs at
    # once never lose each other's letters (the second waits for the first). In a workbook it
    # is the sheet Brieven, written through the records' safe write, but no record change.
    store = RecordStore(source, on_wait=waiting_for_records)
    workbook = store.is_workbook
    legacy = legacy_path(source) if workbook else None
    with store.keeping() as kept:
        memory = memory_path(source)
        moved: list[Remembered] = []
        if legacy is not None:
            # What an earlier mentes remembered beside the workbook moves into its sheet.
            in_sheet = read_sheet(kept.content, source.name)
            moved = [r for r in read_memory(legacy) if r not in set(in_sheet)]
            remembered = moved + in_sheet
        else:
            remembered = read_memory(memory)
        moving = legacy is not None and legacy.exists()
        history = store.history()
        due = due_letters(records, history, remembered, today, since=since, chosen=traject or None)
        if not due and not moving:
            stdout.print(_("No new letters: nothing was written."))
            return

        files: dict[Path, bytes] = {}
        added: list[Remembered] = []
        rows = []
        taken: set[str] = set()
        for item in due:
            # The traject's visits as .ics: to put them in a calendar, to update them, or (a
            # cancelled traject that had been told its visits) to remove them.
            told = any(letter.traject == item.traject.id and letter.told for letter in remembered)
            with_visits = item.kind in ("planned", "changed") or (item.kind == "cancelled" and told)
            # Each visit with the SEQUENCE its calendar gets: never lower than one sent.
            shown = sequenced(item.traject, remembered)
            view = records.model_copy(
                update={"trajects": [shown if t.id == shown.id else t for t in records.trajects]}
            )
            calendar = traject_calendar(view, shown.id) if with_visits else None
            letter = build_letter(records, item, texts, calendar, today)
            name = _free_name(to, f"{item.traject.id}-{item.kind}", ".eml", taken)
            files[to / name] = draft_bytes(letter, texts.sender_name, texts.sender_email, moment)
            recipient = address(letter.to_name, letter.to_email)
            if recipient is None:
                notice(
                    _(
                        "No e-mail address for traject {traject} ({location}): the draft {file} "
                        "has no To:; fill it in before sending.",
                        traject=item.traject.id,
                        location=item.traject.location,
                        file=name,
                    )
                )
            added.append(
                Remembered(
                    traject=item.traject.id,
                    kind=item.kind,
                    written=moment.isoformat(),
                    file=name,
                    to=recipient.addr_spec if recipient else "",
                    events=item.events,
                    told=told_now(shown),
                )
            )
            rows.append(
                [
                    item.traject.id,
                    kind_word(item.kind),
                    letter.to_name,
                    recipient.addr_spec if recipient else "",
                    letter.subject,
                    name,
                ]
            )
        overview = _free_name(to, f"overzicht-{moment:%Y%m%dT%H%M%SZ}", ".xlsx", taken)
        # One change: the drafts and the overview land first, then what was written is
        # remembered; when anything fails, none of it stays.
        with outputs_together():
            if files:
                make_folder(to)
                for target, content in files.items():
                    write_atomically(target, content, force=False, inputs=[source])
                write_atomically(to / overview, overview_bytes(rows), force=False, inputs=[source])
            if workbook:
                kept.write(sheet_bytes(kept.content, source.name, moved + added))
            else:
                try:
                    old_memory = memory.read_bytes()
                except FileNotFoundError:
                    old_memory = b""
                write_atomically(memory, memory_text(old_memory, added), force=True)
        if moving and legacy is not None:
            _remove_legacy(legacy, source)
    for row in rows:
        stdout.print(
            f"{clean(row[0])}  {clean(row[1])}  {clean(row[3]) or '-'}  {clean(row[5])}",
            soft_wrap=True,
        )
    kept_in = (
        _("the sheet {sheet} of {workbook}", sheet=LETTERS_SHEET, workbook=source)
        if workbook
        else str(memory)
    )
    if files:
        notice(
            _(
                "{letters} written to {folder}; overview {overview}; remembered in {memory}.",
                letters=n_("{count} letter", "{count} letters", len(files)),
                folder=to,
                overview=overview,
                memory=kept_in,
            )
        )
    else:
        stdout.print(_("No new letters."))


def _remove_legacy(legacy: Path, workbook: Path) -> None:
    """Remove the memory an earlier mentes kept beside the workbook, now in its sheet."""
    from mentes_cli.letters.memory import LETTERS_SHEET

    try:
        legacy.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        notice(
            _(
                "The letters remembered in {old} are now in the sheet {sheet} of {workbook}, "
                "but {old} could not be removed ({reason}); remove it yourself.",
                old=legacy,
                sheet=LETTERS_SHEET,
                workbook=workbook,
                reason=exc.strerror or exc,
            )
        )
        return
    notice(
        _(
            "The letters remembered in {old} are now in the sheet {sheet} of {workbook}; "
            "{old} is removed.",
            old=legacy,
            sheet=LETTERS_SHEET,
            workbook=workbook,
        )
    )


def _free_name(folder: Path, stem: str, suffix: str, taken: set[str]) -> str:
    """Give a file name in `folder` not used yet: `stem.suffix`, else `stem-2.suffix`, ..."""
    from mentes_cli.export.ics import calendar_file_names

    safe = calendar_file_names([stem])[stem].removesuffix(".ics")
    candidate, number = f"{safe}{suffix}", 2
    while candidate.casefold() in taken or (folder / candidate).exists():
        candidate = f"{safe}-{number}{suffix}"
        number += 1
    taken.add(candidate.casefold())
    return candidate


def _refuse_sample(source: Path) -> None:
    """The bundled sample is never written: not even the memory of letters beside it."""
    import contextlib

    from mentes_cli.errors import RecordChangeError
    from mentes_cli.reference import sample_records_dir

    with contextlib.suppress(OSError):
        sample = sample_records_dir().resolve()
        if source.resolve() == sample or sample in source.resolve().parents:
            raise RecordChangeError(
                _(
                    "{path}: these are the bundled sample records, which mentes never "
                    "changes; make a copy to work on (`mentes init FOLDER`) and use "
                    "--data FOLDER",
                    path=source,
                )
            )

"""The limits of data/limits.toml: sizes a real record set never reaches (issue 18).

The bundled file gives the values; a limits.toml in the --data folder may change any of them
for that folder, never past the hard ceiling below. Past a limit mentes refuses its input
at once with a message naming the limit, instead of working for minutes.
"""

from __future__ import annotations

from typing import Any

from mentes_cli.errors import InputError, Problem, ReferenceDataError, UsageError
from mentes_cli.i18n import _, n_, number

FILE = "limits.toml"

# The most any limits.toml may allow, by section and key (documented in data/limits.toml and
# the README). Past these the time and memory of a run are no longer bounded for a laptop.
HARD_CEILINGS: dict[str, dict[str, int]] = {
    "records": {
        "max_file_bytes": 256_000_000,
        "max_organisations": 200_000,
        "max_locations": 200_000,
        "max_coaches": 20_000,
        "max_trajects": 1_000_000,
    },
    # 20,000 approved trajects: about 100 s of CPU and 7.3 GB when most cannot be placed.
    "plan": {"max_days": 3_660, "max_visits_per_traject": 1_000, "max_trajects_per_plan": 20_000},
    "workbook": {
        "max_file_bytes": 256_000_000,
        "max_entries": 10_000,
        "max_uncompressed_bytes": 1_000_000_000,
        "max_ratio": 1_000,
        "ratio_from_bytes": 10_000_000,
    },
}


def checked_limits(bundled: dict[str, Any], override: dict[str, Any] | None, where: str):
    """Give the limits of the bundled file with those of `override` over them, checked.

    Raises ReferenceDataError naming the file (`where`) and the key for an unknown key, a
    value that is not a whole number of at least 1, or one past its hard ceiling.
    """
    from mentes_cli.reference import bundled_data_dir, reference_name

    merged: dict[str, dict[str, int]] = {}
    # The bundled file is named as mentes's own reference data, not as a file of the package.
    own = reference_name(bundled_data_dir() / FILE)
    for source, name in ((bundled, own), (override or {}, where)):
        for section, values in source.items():
            if section not in HARD_CEILINGS or not isinstance(values, dict):
                raise ReferenceDataError(
                    _(
                        "{file}: unknown section [{section}]; the sections are {known}",
                        file=name,
                        section=section,
                        known=", ".join(f"[{s}]" for s in HARD_CEILINGS),
                    )
                )
            for key, value in values.items():
                ceiling = HARD_CEILINGS[section].get(key)
                if ceiling is None:
                    raise ReferenceDataError(
                        _(
                            "{file}: [{section}] {key} is not a limit mentes knows ({known})",
                            file=name,
                            section=section,
                            key=key,
                            known=", ".join(HARD_CEILINGS[section]),
                        )
                    )
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise ReferenceDataError(
                        _(
                            "{file}: [{section}] {key} must be a whole number of at least 1, "
                            "got {value}",
                            file=name,
                            section=section,
                            key=key,
                            value=repr(value),
                        )
                    )
                if value > ceiling:
                    raise ReferenceDataError(
                        _(
                            "{file}: [{section}] {key} = {value} is past the hard ceiling "
                            "{ceiling}; a limits.toml may lower a limit or raise it up to "
                            "the ceiling, not past it",
                            file=name,
                            section=section,
                            key=key,
                            value=value,
                            ceiling=ceiling,
                        )
                    )
                merged.setdefault(section, {})[key] = value
    return merged


def limit(section: str, key: str) -> int:
    """Give one limit of the limits.toml in use."""
    from mentes_cli.reference import load_reference

    return load_reference(FILE)[section][key]


def _count_words(kind: str, count: int) -> str:
    """Give a count of records of `kind` in the reader's words: "16 opvanglocaties"."""
    words = {
        "organisations": lambda: n_("{count} organisation", "{count} organisations", count),
        "locations": lambda: n_("{count} location", "{count} locations", count),
        "coaches": lambda: n_("{count} coach", "{count} coaches", count),
        "trajects": lambda: n_("{count} traject", "{count} trajects", count),
    }
    return words[kind]() if kind in words else f"{count} {kind}"


def _count_problem(source: str, what: str, count: int, key: str) -> Problem:
    # No file or key named: a record set this large is the wrong file, not a limit to raise.
    return Problem(
        source,
        message=_(
            "holds {records}; mentes reads at most {most} (a safety limit: the whole of "
            "Flanders has far fewer). Is this the right file?",
            records=_count_words(what, count),
            most=number(limit("records", key), 0),
        ),
    )


def check_counts(source: str, counts: dict[str, int]) -> None:
    """Raise InputError when a record count passes its limit.

    `counts` by kind: organisations, locations, coaches, trajects.
    """
    problems = [
        _count_problem(source, kind, count, f"max_{kind}")
        for kind, count in counts.items()
        if count > limit("records", f"max_{kind}")
    ]
    if problems:
        raise InputError(problems)


def check_file_bytes(source: str, size: int) -> None:
    """Raise InputError when a record file of `size` bytes passes max_file_bytes."""
    most = limit("records", "max_file_bytes")
    if size > most:
        raise InputError(
            Problem(
                source,
                message=_(
                    "is larger than {size} MB; mentes reads record files up to {most} MB. Is "
                    "this the right file?",
                    size=_megabytes(size),
                    most=_megabytes(most),
                ),
            )
        )


def _megabytes(size: int) -> str:
    """Give a size in MB as the language writes it: 32, 2,5 (Dutch), 0,001."""
    megabytes = size / 1_000_000
    return number(megabytes, 0 if megabytes >= 10 else 1 if megabytes >= 1 else 3)


def check_plan_days(days: int, what: str) -> None:
    """Raise UsageError when a plan of `days` days passes [plan] max_days."""
    most = limit("plan", "max_days")
    if days > most:
        raise UsageError(
            _(
                "{what} spans {days} days; a plan covers at most {most} days",
                what=what,
                days=days,
                most=most,
            )
        )


def check_trajects_per_plan(count: int) -> None:
    """Raise InputError when a plan would hold more than [plan] max_trajects_per_plan
    approved trajects: checked before the planner starts, so that nothing is planned or
    written."""
    most = limit("plan", "max_trajects_per_plan")
    if count > most:
        raise InputError(
            # The one limit a centre may need to raise: the file and the setting are named.
            _(
                "the records hold {count} approved trajects to plan; mentes plans at most "
                "{most} at once (the whole of Flanders approves about 4,000 a year). Are these "
                "the right records? If they are, a file limits.toml in the records folder "
                "with the setting [plan] max_trajects_per_plan = {wanted} raises the limit "
                "(up to {ceiling})",
                count=number(count, 0),
                most=number(most, 0),
                wanted=min(count, HARD_CEILINGS["plan"]["max_trajects_per_plan"]),
                ceiling=number(HARD_CEILINGS["plan"]["max_trajects_per_plan"], 0),
            )
        )

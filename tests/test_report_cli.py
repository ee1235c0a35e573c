"""`mentes report` on the command line: the one-screen answer, JSON, the workbook, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

import background
from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.reference import bundled_data_dir

runner = CliRunner()


@pytest.fixture(autouse=True)
def _language_back() -> Iterator[None]:
    """`--lang nl` chooses the language for the rest of the process: give it back after each
    test, so that a later test that calls an engine directly reads English again."""
    from mentes_cli import i18n

    yield
    i18n.set_language(None)


def run(*args: str):
    return runner.invoke(app, ["report", *args])


def rules_24(folder: Path) -> Path:
    """Write a copy of rules.toml with 24 IKT places instead of 18."""
    text = (bundled_data_dir() / "rules.toml").read_text("utf-8")
    target = folder / "rules-24.toml"
    target.write_text(text.replace("ikt_max_places = 18", "ikt_max_places = 24"), "utf-8")
    return target


def test_the_answer_comes_first_and_fits_80_columns(monkeypatch: pytest.MonkeyPatch):
    from mentes_cli.cli.common import stdout

    monkeypatch.setattr(stdout, "width", 80)
    result = run("--year", "2027", "--extra-fte", "5", "--role", "coach")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "What the network can do, 2027-01-01 to 2027-12-31"
    assert lines[4].split() == ["Hours", "not", "yet", "booked", *lines[4].split()[4:]]
    assert "Trajects the team can still give" in lines[5]
    assert all(len(line) <= 80 for line in lines), result.stdout
    assert "…" not in result.stdout  # nothing cut
    assert "Contact hours per month" in result.stdout
    assert "Variant: 5 FTE more coaches" in result.stdout


def test_json_on_the_sample(tmp_path: Path):
    result = run("--year", "2027", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["period", "supply", "booked", "due", "reach", "waiting", "variant"]
    assert data["period"]["from"] == "2027-01-01"
    assert data["supply"]["roles"]["coach"]["hours"] > 0
    again = run("--year", "2027", "--format", "json")
    assert again.stdout == result.stdout


def test_period_from_to_and_plan():
    result = run("--from", "2027-01-01", "--to", "2027-03-31", "--plan", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"]["months"] == ["2027-01", "2027-02", "2027-03"]
    assert data["booked"]["plan"] is True
    assert data["booked"]["roles"]["coach"]["hours"] > 0


def test_rules_lists_the_locations_that_become_prior(tmp_path: Path):
    result = run("--year", "2027", "--rules", str(rules_24(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "Become PRIOR (" in result.stdout
    data = json.loads(
        run("--year", "2027", "--rules", str(rules_24(tmp_path)), "--format", "json").stdout
    )
    changes = data["variant"]["prior_changes"]
    assert changes and all(c["variant"] and not c["base"] for c in changes)
    for change in changes:
        assert change["location"] in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2027-01-01"], "give both --from and --to"),
        (["--from", "2027-02-01", "--to", "2027-01-01"], "--to 2027-01-01 is before --from"),
        (["--year", "2027", "--from", "2027-01-01"], "give --year or --from and --to"),
        (["--extra-fte", "2"], "--extra-fte needs --role"),
        (["--role", "coach"], "--role goes with --extra-fte"),
        (["--extra-fte", "two", "--role", "coach"], "--extra-fte 'two' is not a number"),
        (["--weekly-hours", "200"], "--weekly-hours must be at most 168"),
        (["--rules", "missing.toml"], "--rules missing.toml: no such file"),
        (["--output", "report.csv"], "end the name in .xlsx"),
    ],
)
def test_bad_usage_is_exit_2_with_a_message(args: list[str], message: str, tmp_path: Path):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_csv_is_not_a_report_format():
    assert run("--format", "csv").exit_code == 2


def test_a_broken_rules_file_is_exit_1_and_nothing_written(tmp_path: Path):
    broken = tmp_path / "broken.toml"
    broken.write_text("ikt = = 3\n", "utf-8")
    result = run("--rules", str(broken), "--output", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 1, result.output
    assert "broken.toml" in result.output and "not valid TOML" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_output_is_refused_over_an_existing_file_without_force(tmp_path: Path):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"mine")
    result = run("--output", str(target))
    assert result.exit_code == 1
    assert "exists already; use --force" in result.output
    assert target.read_bytes() == b"mine"
    assert run("--output", str(target), "--force").exit_code == 0
    assert zipfile.is_zipfile(target)


def test_output_is_never_an_input(sample_dir: Path):
    result = run("--data", str(sample_dir), "--output", str(sample_dir / "trajects.toml"))
    assert result.exit_code == 2  # not .xlsx
    rules = rules_24(sample_dir.parent)
    renamed = rules.with_suffix(".xlsx")
    rules.rename(renamed)
    result = run("--rules", str(renamed), "--output", str(renamed), "--force")
    assert result.exit_code == 1
    assert "is an input of this command" in result.output


def write_workbook(tmp_path: Path, *extra: str) -> Path:
    target = tmp_path / "report.xlsx"
    result = run("--year", "2027", "--plan", "--output", str(target), *extra)
    assert result.exit_code == 0, result.output
    return target


def test_the_workbook_read_back(tmp_path: Path):
    target = write_workbook(tmp_path, "--rules", str(rules_24(tmp_path)))
    data = json.loads(
        run(
            "--year", "2027", "--plan", "--rules", str(rules_24(tmp_path)), "--format", "json"
        ).stdout
    )
    book = load_workbook(target)
    assert book.sheetnames == ["Summary", "Capacity", "Due", "Reach", "Waiting", "Variant"]
    summary = book["Summary"]
    rows = {row[0]: row[1:] for row in summary.iter_rows(min_row=6, values_only=True) if row[0]}
    due = data["due"]["families"]
    assert rows["Trajects due"][0] == due["regional_support"]["trajects"]
    assert rows["Trajects due"][2] == due["pedagogical_coaching"]["trajects"]
    capacity = book["Capacity"]
    assert capacity["A5"].value == "Jan 2027"
    # BVV before Coaching, as in every other table of the report.
    assert capacity["B4"].value == "BVV: supply" and capacity["F4"].value == "Coaching: supply"
    supply = data["supply"]["roles"]
    assert abs(capacity["B5"].value - supply["support"]["months"]["2027-01"]) <= 0.25
    assert abs(capacity["F5"].value - supply["coach"]["months"]["2027-01"]) <= 0.25
    # Each column's months add up to its rounded total (the Total row is their SUM): the due
    # hours are what the Summary says (7 coaching trajects of 50 h: 350, not 351).
    months = [capacity.cell(row=r, column=1).value for r in range(5, 17)]
    assert len(months) == 12 and months[-1] == "Dec 2027"

    def column(letter: str) -> list[float]:
        return [capacity[f"{letter}{r}"].value for r in range(5, 17)]

    assert sum(column("B")) == round(sum(supply["support"]["months"].values()) * 4) / 4
    assert sum(column("F")) == round(sum(supply["coach"]["months"].values()) * 4) / 4
    assert capacity["D4"].value == "BVV: due" and capacity["H4"].value == "Coaching: due"
    assert sum(column("D")) == round(due["regional_support"]["hours"] * 4) / 4
    assert sum(column("H")) == round(due["pedagogical_coaching"]["hours"] * 4) / 4
    assert all(value * 4 == int(value * 4) for value in column("H"))
    assert capacity["A17"].value == "Total"
    assert capacity.page_setup.orientation == "landscape"
    assert str(capacity.page_setup.paperSize) == capacity.PAPERSIZE_A4
    assert book["Due"].print_title_rows == "$3:$3"
    due_ids = [row[1] for row in book["Due"].iter_rows(min_row=4, values_only=True)]
    assert (
        due_ids == due["regional_support"]["locations"] + due["pedagogical_coaching"]["locations"]
    )
    variant = book["Variant"]
    changed = [row[0] for row in variant.iter_rows(values_only=True) if row[3] == "no"]
    assert changed == [c["location"] for c in data["variant"]["prior_changes"]]
    with zipfile.ZipFile(target) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 4  # supply/booked/due per role, reach per family
        first = archive.read(charts[0]).decode("utf-8")
        assert "Supporters: supply, booked and due hours per month" in first
        assert ">Hours<" in first and ">Month<" in first and "<legend>" in first


def test_the_workbook_follows_the_language(tmp_path: Path):
    target = tmp_path / "rapport.xlsx"
    result = runner.invoke(
        app, ["--lang", "nl", "report", "--year", "2027", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert (
        load_workbook(target)["Capacity" if False else load_workbook(target).sheetnames[1]][
            "A5"
        ].value
        == "jan 2027"
    )


def test_record_text_is_written_as_text(tmp_path: Path, sample_dir: Path):
    organisations = sample_dir / "organisations.toml"
    text = organisations.read_text("utf-8")
    assert 'name = "De Vlinder Berchem"' in text  # LOC-001, due in 2027
    organisations.write_text(
        text.replace('name = "De Vlinder Berchem"', 'name = "=SUM(A1)"'), "utf-8"
    )
    target = tmp_path / "report.xlsx"
    result = run("--data", str(sample_dir), "--year", "2027", "--output", str(target))
    assert result.exit_code == 0, result.output
    cells = [c for row in load_workbook(target)["Due"].iter_rows() for c in row]
    formulas = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert [c.value for c in formulas] == ["=SUM(A1)", "=SUM(A1)"]
    assert all(c.data_type == "s" for c in formulas)


def rendered(folder: Path) -> Path:
    """Give the report workbook (with five coaches more) as LibreOffice prints it."""
    target = folder / "report.xlsx"
    background.mentes(
        folder, "report", "--year", "2027", "--plan", "--output", str(target),
        "--extra-fte", "5", "--role", "coach",
    )  # fmt: skip
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(target)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    return folder / "report.pdf"


SOFFICE = shutil.which("soffice")
# Made ahead, beside the other tests (see background.py).
RUNS = background.Runs(__name__, {"rendered": rendered} if SOFFICE else {})


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_renders_the_workbook():
    pdf = RUNS["rendered"]
    assert pdf.is_file() and pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Coaches: supply, booked and due hours per month" in text
        assert "reach per area" in text


def test_json_is_the_same_in_both_languages():
    english = runner.invoke(app, ["--lang", "en", "report", "--year", "2027", "--format", "json"])
    dutch = runner.invoke(app, ["--lang", "nl", "report", "--year", "2027", "--format", "json"])
    assert english.exit_code == dutch.exit_code == 0, dutch.output
    assert english.stdout == dutch.stdout


def test_a_period_of_more_than_ten_years_is_refused():
    result = run("--from", "2020-01-01", "--to", "2031-01-01")
    assert result.exit_code == 2
    assert "the period is longer than 10 years" in result.output


def test_bvv_comes_before_coaching_in_every_table_and_shares_are_percentages(
    monkeypatch: pytest.MonkeyPatch,
):
    from mentes_cli.cli.common import stdout

    monkeypatch.setattr(stdout, "width", 80)
    result = run("--year", "2026")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    answer = next(line for line in lines if "Coaching" in line)
    months = next(line for line in lines if "Coaching" in line and line is not answer)
    for header in (answer, months):
        assert header.index("BVV") < header.index("Coaching"), header
    reach = [line for line in lines if "PRIOR locations (" in line]
    assert reach == [
        "Regional support (BVV): 3 of 8 PRIOR locations (38%)",
        "Pedagogical coaching: 1 of 9 PRIOR locations (11%)",
    ]

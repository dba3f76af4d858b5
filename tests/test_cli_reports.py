"""The command line's report plumbing: --output-format from the registry, --output-file (one run,
two sinks), WSFIX_OUTPUT_FORMAT, GITHUB_STEP_SUMMARY, and repair's pre-commit options."""

from __future__ import annotations

import json
import os
import stat
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from tests.test_cli import INCIDENT, INCIDENT_REPAIRED, UNFIXABLE, assert_one_line_error
from wsfix.cli import app
from wsfix.reporters import REPORTERS


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "capture.jsonl").write_bytes(INCIDENT + b"\n")
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1", **(env or {})})


@pytest.mark.parametrize("name", list(REPORTERS))
def test_every_registered_format_runs_from_the_command_line(folder, name):
    result = run("check", "capture.jsonl", "--output-format", name)
    assert result.exit_code == 1, result.output
    assert result.stderr == ""
    if name in ("json", "sarif", "gitlab"):
        json.loads(result.stdout)  # nothing but the document on stdout
    elif name == "jsonl":
        assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["WS102", "WS003"]
    elif name == "junit":
        ET.fromstring(result.stdout)


def test_help_lists_the_registered_formats():
    text = run("check", "--help").stdout
    assert ", ".join(REPORTERS) in " ".join(text.split())


@pytest.mark.parametrize("name", ["sarif", "junit", "concise"])
def test_output_file_gets_the_report_and_stdout_the_table(folder, name):
    result = run("check", "capture.jsonl", "--output-format", name, "--output-file", "report.out")
    assert result.exit_code == 1
    assert "Line" in result.stdout and "WS102" in result.stdout  # the full table
    assert result.stdout.rstrip().endswith("Naive times read as UTC.")
    report = (folder / "report.out").read_text(encoding="utf-8")
    standalone = run("check", "capture.jsonl", "--output-format", name).stdout
    assert report == standalone  # the same report as on stdout, without terminal styling
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((folder / "report.out").stat().st_mode) == 0o666 & ~umask


def test_output_file_with_statistics(folder):
    result = run("check", "capture.jsonl", "--statistics", "--output-format", "json", "--output-file", "r.json")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == ["1\tWS003\t[ ] blank-line", "1\tWS102\t[*] timestamp-naive-iso"]
    assert json.loads((folder / "r.json").read_text())["totals"]["findings"] == 2


def test_output_file_is_replaced_whole(folder):
    (folder / "report.json").write_text("old report\n")
    assert run("check", "capture.jsonl", "--output-format", "json", "--output-file", "report.json").exit_code == 1
    assert json.loads((folder / "report.json").read_text())["totals"]["findings"] == 2
    assert sorted(os.listdir(folder)) == ["capture.jsonl", "report.json"]  # no temp file left


def test_output_file_must_not_be_a_capture(folder):
    result = run("check", "capture.jsonl", "--output-format", "json", "--output-file", "capture.jsonl")
    assert_one_line_error(result, "is the input file")
    assert (folder / "capture.jsonl").read_bytes() == INCIDENT + b"\n"


def test_output_file_in_a_missing_folder(folder):
    assert_one_line_error(run("check", "capture.jsonl", "--output-file", "no/such/r.json"), "does not exist")


def test_output_file_untouched_when_the_format_is_unknown(folder):
    (folder / "r.txt").write_text("keep\n")
    assert_one_line_error(
        run("check", "capture.jsonl", "--output-format", "xml", "--output-file", "r.txt"), "unknown output format 'xml'"
    )
    assert (folder / "r.txt").read_text() == "keep\n"


def test_env_output_format(folder):
    result = run("check", "capture.jsonl", env={"WSFIX_OUTPUT_FORMAT": "gitlab"})
    assert [issue["check_name"] for issue in json.loads(result.stdout)] == ["WS102", "WS003"]
    bad = run("check", "capture.jsonl", env={"WSFIX_OUTPUT_FORMAT": "yaml"})
    assert_one_line_error(bad, "unknown output format 'yaml'")


def test_github_step_summary_only_for_the_github_format(folder):
    summary = folder / "summary.md"
    run("check", "capture.jsonl", "--output-format", "concise", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert not summary.exists()
    result = run("check", "capture.jsonl", "--output-format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    assert summary.read_text().startswith("### wsfix check\n\nChecked 2 lines in 1 file: 1 error, 1 warning;")


# --- repair for pre-commit ---------------------------------------------------------------------


def test_repair_files_in_place_without_backup_and_exit_non_zero_on_fix(folder):
    (folder / "b.jsonl").write_bytes(INCIDENT)
    (folder / "clean.jsonl").write_bytes(INCIDENT_REPAIRED)
    args = ("repair", "--in-place", "--backup-suffix", "", "--exit-non-zero-on-fix")
    result = run(*args, "b.jsonl", "clean.jsonl")
    assert result.exit_code == 1  # a file changed
    assert (folder / "b.jsonl").read_bytes() == INCIDENT_REPAIRED
    assert sorted(os.listdir(folder)) == ["b.jsonl", "capture.jsonl", "clean.jsonl"]  # no backups
    assert result.stdout.splitlines() == [
        "Repaired 1 value on 1 of 1 lines (b.jsonl). Naive times read as UTC.",
        "Repaired 0 values on 0 of 1 lines (clean.jsonl). Naive times read as UTC.",
    ]
    again = run(*args, "b.jsonl", "clean.jsonl")
    assert again.exit_code == 0  # nothing left to change


def test_repair_without_exit_non_zero_on_fix_exits_0_after_fixing(folder):
    (folder / "b.jsonl").write_bytes(INCIDENT)
    assert run("repair", "--in-place", "b.jsonl").exit_code == 0


def test_repair_files_with_unfixable_findings_exit_1(folder):
    (folder / "u.jsonl").write_bytes(UNFIXABLE)
    assert run("repair", "--in-place", "--backup-suffix", "", "u.jsonl").exit_code == 1


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(["a.jsonl"], "add --in-place", id="files-need-in-place"),
        pytest.param(["--in", "capture.jsonl", "x.jsonl", "--in-place"], "either with --in or as FILE", id="both"),
        pytest.param(["capture.jsonl", "capture.jsonl", "--out", "o.jsonl"], "--out takes one capture", id="out"),
        pytest.param(["--in-place"], "say what to repair", id="nothing"),
    ],
)
def test_repair_file_arguments_usage_errors(folder, args, fragment):
    assert_one_line_error(run("repair", *args), fragment)


def test_output_file_dash_is_standard_output(folder):
    result = run("check", "capture.jsonl", "--output-format", "jsonl", "--output-file", "-")
    assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["WS102", "WS003"]
    assert not (folder / "-").exists()


# --- one pass, several reports ---------------------------------------------------------------


def test_several_output_files_in_one_pass(folder):
    result = run("check", "capture.jsonl", "--output-file", "sarif:wsfix.sarif", "--output-file", "junit:report.xml")
    assert result.exit_code == 1
    assert "Line" in result.stdout and "WS102" in result.stdout  # the table, as with one report file
    for name, path in (("sarif", "wsfix.sarif"), ("junit", "report.xml")):
        assert (folder / path).read_text(encoding="utf-8") == run(
            "check", "capture.jsonl", "--output-format", name
        ).stdout
    json.loads((folder / "wsfix.sarif").read_text(encoding="utf-8"))
    ET.fromstring((folder / "report.xml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("path", "name"),
    [
        pytest.param("out.sarif", "sarif", id="sarif"),
        pytest.param("out.json", "json", id="json"),
        pytest.param("out.jsonl", "jsonl", id="jsonl"),
        pytest.param("out.xml", "junit", id="xml-is-junit"),
        pytest.param("OUT.SARIF", "sarif", id="any-case"),
        pytest.param("out.txt", "full", id="unknown-extension-takes-output-format"),
        pytest.param("json-lines:out", "jsonl", id="alias-prefix"),
    ],
)
def test_a_bare_output_path_takes_its_format_from_the_extension(folder, path, name):
    result = run("check", "capture.jsonl", "--output-file", path)
    assert result.exit_code == 1
    written = (folder / path.split(":")[-1]).read_text(encoding="utf-8")
    assert written == run("check", "capture.jsonl", "--output-format", name).stdout


def test_a_bare_output_path_takes_the_output_format_given(folder):
    result = run("check", "capture.jsonl", "--output-format", "gitlab", "--output-file", "gl-code-quality.json")
    assert [issue["check_name"] for issue in json.loads((folder / "gl-code-quality.json").read_text())] == [
        "WS102",
        "WS003",
    ]
    assert "Line" in result.stdout  # the table
    write_config = folder / "pyproject.toml"
    write_config.write_text('[tool.wsfix]\noutput-format = "concise"\n', encoding="utf-8")
    run("check", "capture.jsonl", "--output-file", "r.sarif")  # the configuration's format is for the screen
    json.loads((folder / "r.sarif").read_text(encoding="utf-8"))


def test_an_output_file_on_standard_output_sets_what_it_shows(folder):
    result = run("check", "capture.jsonl", "--output-file", "jsonl:-", "--output-file", "r.sarif")
    assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["WS102", "WS003"]
    json.loads((folder / "r.sarif").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(
            ["--output-file", "xml:r.xml"], "--output-file xml:r.xml: unknown output format 'xml'", id="format"
        ),
        pytest.param(["--output-file", "sarif:"], "no path after the format", id="no-path"),
        pytest.param(["--output-file", "a.json", "--output-file", "json:a.json"], "a.json: named twice", id="twice"),
        pytest.param(
            ["--output-file", "-", "--output-file", "json:-"], "standard output (-) can take one", id="stdout"
        ),
    ],
)
def test_output_file_usage_errors_write_nothing(folder, args, fragment):
    assert_one_line_error(run("check", "capture.jsonl", *args), fragment)
    assert sorted(os.listdir(folder)) == ["capture.jsonl"]

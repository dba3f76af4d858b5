"""`wsfix rule`: every rule explained from the catalog, and every rule's example really triggers
it through the command line (check finds exactly that rule; repair writes the documented fix)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wsfix import rules
from wsfix.cli import app

EXAMPLE_MODELS = str(Path(__file__).parent / "example_models.py")
# The command-line options that make each example's `field` (in words) true, built by hand.
EXAMPLE_OPTIONS = {
    None: (),
    "E: int, declared --timestamp-field E:ms": ("--model", f"{EXAMPLE_MODELS}:EventMs", "--timestamp-field", "E:ms"),
    "created_at: datetime": ("--model", f"{EXAMPLE_MODELS}:Created"),
    "created_at: datetime, checked with --window none": ("--model", f"{EXAMPLE_MODELS}:Created", "--window", "none"),
}


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda rule: rule.code)
def test_every_rule_has_an_explanation(rule):
    paragraphs = rule.explanation.strip().split("\n\n")
    assert len(paragraphs) >= 3, "what, why it matters, fix safety"
    assert paragraphs[0].endswith(".") and "\n" not in paragraphs[0]  # the one-line "what"
    fix_paragraph = paragraphs[-1]
    if rule.fixable:
        assert fix_paragraph.startswith("Fix (safe"), fix_paragraph
        assert rule.example.repaired is not None and rule.fix
    else:
        assert fix_paragraph.startswith("No automatic fix"), fix_paragraph
        assert rule.example.repaired is None and rule.fix is None


@pytest.mark.parametrize("rule", rules.RECORD_RULES, ids=lambda rule: rule.code)
def test_rule_example_triggers_the_rule_through_check(rule, tmp_path):
    capture = tmp_path / "example.jsonl"
    capture.write_text(rule.example.bad + "\n", encoding="utf-8")
    options = EXAMPLE_OPTIONS[rule.example.field]
    result = run("check", str(capture), "--output-format", "jsonl", *options)
    assert result.exit_code == 1
    [finding] = [json.loads(line) for line in result.stdout.splitlines()]
    assert (finding["code"], finding["line"]) == (rule.code, 1)
    assert finding["fix"]["applies"] == (rule.example.repaired is not None)
    repaired = tmp_path / "repaired.jsonl"
    result = run("repair", "--in", str(capture), "--out", str(repaired), *options)
    assert result.exit_code == (0 if rule.fixable else 1)
    expected = rule.example.repaired if rule.example.repaired is not None else rule.example.bad
    assert repaired.read_text(encoding="utf-8") == expected + "\n"


def test_unreadable_input_example_triggers_the_rule_through_check(tmp_path, monkeypatch):
    # The example is a command line naming a file that does not exist.
    rule = rules.BY_CODE[rules.UNREADABLE_INPUT]
    monkeypatch.chdir(tmp_path)
    result = run(*rule.example.bad.split()[1:], "--output-format", "jsonl")
    assert result.exit_code == 2
    [finding] = [json.loads(line) for line in result.stdout.splitlines()]
    assert (finding["code"], finding["line"], finding["path"]) == (rule.code, 1, "missing.jsonl")
    assert finding["fix"]["applies"] is False


def test_no_rule_text_uses_internal_jargon():
    for rule in rules.RULES:
        assert "incident" not in (rule.summary + rule.explanation).lower(), rule.code


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda rule: rule.code)
def test_rule_command_text(rule):
    result = run("rule", rule.code)
    assert result.exit_code == 0
    text = result.stdout
    fixable = "fixable with wsfix repair" if rule.fixable else "no automatic fix"
    assert text.startswith(f"{rule.code} {rule.name} ({rule.severity.value}; {fixable})\n\n")
    assert rule.explanation.strip() in text
    heading = f"\nExample (in a model field {rule.example.field}):\n" if rule.example.field else "\nExample:\n"
    example = text.split(heading, 1)[1]
    before, after = example.splitlines()[:2]
    if rule.example.bad.strip():
        assert before == f"  before: {rule.example.bad}"
    else:
        assert before == f"  before: (a line of {len(rule.example.bad)} spaces)"
    assert after == (
        f"  after:  {rule.example.repaired}"
        if rule.example.repaired is not None
        else "  after:  (unchanged: no automatic fix)"
    )
    last = text.rstrip("\n").splitlines()[-1]
    assert last == (
        f"Fix (wsfix repair): {rule.fix}; only the value's bytes change."
        if rule.fix
        else "Fix: none; wsfix repair copies the line unchanged and lists it."
    )


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda rule: rule.code)
def test_rule_command_json(rule):
    result = run("rule", rule.code, "--output-format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "summary": rule.summary,
        "explanation": rule.explanation.strip(),
        "fixable": rule.fixable,
        "fix": rule.fix,
        "example": {"before": rule.example.bad, "after": rule.example.repaired},
    }


def test_rule_by_name_or_lower_case_code():
    assert run("rule", "timestamp-naive-iso").stdout == run("rule", "WS102").stdout
    assert run("rule", "ws102").stdout == run("rule", "WS102").stdout


def test_rule_all_text():
    result = run("rule", "--all")
    assert result.exit_code == 0
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["Code", "Name", "Severity", "Fix", "Summary"]
    assert len(rows) == len(rules.RULES)
    for row, rule in zip(rows, rules.RULES, strict=True):
        code, name, severity, fix, summary = re.split(r"\s{2,}", row, maxsplit=4)
        assert (code, name, severity, fix, summary) == (
            rule.code,
            rule.name,
            rule.severity.value,
            "yes" if rule.fixable else "no",
            rule.summary,
        )


def test_rule_all_json():
    result = run("rule", "--all", "--output-format", "json")
    assert result.exit_code == 0
    assert [entry["code"] for entry in json.loads(result.stdout)] == [rule.code for rule in rules.RULES]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(["WS999"], "unknown rule 'WS999'", id="unknown"),
        pytest.param([], "name one rule", id="neither"),
        pytest.param(["WS102", "--all"], "name one rule", id="both"),
        pytest.param(["WS102", "--output-format", "sarif"], "expected text or json", id="format"),
    ],
)
def test_rule_usage_errors(args, fragment):
    result = run("rule", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("wsfix: error: ") and fragment in result.stderr

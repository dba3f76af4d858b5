"""Every output format on the shipped example capture: golden files, then each machine format
parsed and checked field by field against the capture, read by hand.

Set WSFIX_REGEN_GOLDEN=1 to rewrite the golden files, then read the diff before committing it.
"""

from __future__ import annotations

import io
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.reporters.test_text_reporters import check_golden
from wsfix import __version__, rules
from wsfix.problems import Problem
from wsfix.reporters import REPORTERS, ReportOptions, build_reporter, junit
from wsfix.run import check_captures
from wsfix.settings import Settings

REPO = Path(__file__).parent.parent.parent
CAPTURE = "examples/agent-session.jsonl"
CAPTURE_LINES = (REPO / CAPTURE).read_text(encoding="utf-8").split("\n")
SARIF_SCHEMA = json.loads((Path(__file__).parent.parent / "schemas" / "sarif-schema-2.1.0.json").read_text())

# Every finding of the capture, read off it by hand: (line, column, field, code, severity, value as
# written, pydantic's lax error type, the value repair writes). Fix values are the instants the
# originals spell (2025-09-08T16:50:00Z = 1757350200), worked out in tests/test_examples.py.
EXPECTED = [
    (3, 106, "timestamp", "WS101", "error", '"2025-09-08T16:50:00.912Z"', "float_parsing", "1757350200.912"),
    (4, 149, "timestamp", "WS102", "error", '"2025-09-08T16:50:01.447585"', "float_parsing", "1757350201.447585"),
    (7, 91, "timestamp", "WS101", "error", '"2025-09-08T16:50:03.5+00:00"', "float_parsing", "1757350203.5"),
    (8, 46, "timestamp", "WS104", "warning", "1757350204000", None, "1757350204.0"),
    (11, 100, "timestamp", "WS103", "warning", '"1757350206.635"', None, "1757350206.635"),
    (15, 85, "timestamp", "WS107", "error", "NaN", None, None),
    (16, None, "", "WS003", "warning", None, None, None),
    (17, 9, "type", "WS004", "error", '"agent_heartbeat"', "enum", None),
    (19, 61, "timestamp", "WS104", "warning", '"1757350210481"', None, "1757350210.481"),
    (21, 114, "timestamp", "WS101", "error", '"2025-09-08T18:50:11.950+02:00"', "float_parsing", "1757350211.95"),
    (23, 86, "timestamp", "WS102", "error", '"2025-09-08 16:50:31"', "float_parsing", "1757350231.0"),
    (25, 68, "timestamp", "WS105", "error", '"Mon, 08 Sep 2025 16:50:32 GMT"', "float_parsing", "1757350232.0"),
    (29, 41, "timestamp", "WS109", "warning", "0", None, None),
    (31, 72, "timestamp", "WS106", "error", '"2025-09-08"', "float_parsing", None),
]
COUNTS = {
    "WS003": 1,
    "WS004": 1,
    "WS101": 3,
    "WS102": 2,
    "WS103": 1,
    "WS104": 2,
    "WS105": 1,
    "WS106": 1,
    "WS107": 1,
    "WS109": 1,
}
ERRORS, WARNINGS, FIXABLE = 9, 5, 9
# The field as a JSONPath (RFC 9535 normalized path) in the machine formats.
JSON_PATHS = {"timestamp": "$['timestamp']", "type": "$['type']", "": "$"}
FULL_WIDTHS = (80, 120, 200)  # a pipe or CI log; a terminal a table does not fit; one it fits
GOLDEN_FILES = {
    "concise": "concise.txt",
    "json": "json.json",
    "jsonl": "jsonl.jsonl",
    "github": "github.txt",
    "sarif": "sarif.sarif",
    "gitlab": "gitlab.json",
    "junit": "junit.xml",
}


def test_expected_table_matches_the_capture_text():
    """The hand-made table against the raw file: each value sits, as written, at its column."""
    for line, column, field, _code, _severity, value, _type, _fix in EXPECTED:
        text = CAPTURE_LINES[line - 1]
        if value is None:
            assert text.strip() == "" and column is None
            continue
        assert text[column - 1 :].startswith(value), line
        assert text[: column - 1].endswith(f'"{field}":'), line
    assert sum(COUNTS.values()) == len(EXPECTED) == ERRORS + WARNINGS


def render(name: str, **options) -> str:
    """`name`'s report of the example capture, run from the repository folder like a CI job."""
    return render_capture(CAPTURE, name, **options)


def render_capture(capture: str, name: str, **options) -> str:
    """`name`'s report of `capture` (a path from the repository folder), run from there."""
    out = io.StringIO()
    options = {"width": 100, "color": False, "base_dir": str(REPO), **options}
    reporter = build_reporter(name, out, ReportOptions(**options))
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        check_captures([capture], Settings(), reporter)
    finally:
        os.chdir(cwd)
    return out.getvalue()


def test_every_format_has_a_golden_file():
    assert {*GOLDEN_FILES, "full"} == set(REPORTERS)


@pytest.mark.parametrize("width", FULL_WIDTHS)
def test_golden_full(width):
    check_golden(render("full", width=width), f"agent-session/full-{width}.txt")


@pytest.mark.parametrize("width", FULL_WIDTHS)
def test_full_report_fits_its_width_and_breaks_no_word(width):
    text = render("full", width=width)
    lines = text.split("\n")
    assert all(len(line.rstrip()) <= width for line in lines)
    assert text.count("timestamp-iso-string") == 1  # the rules table, once
    for line_no, column, _field, code, severity, value, _type, fix in EXPECTED:
        # One row per finding: location, code and severity (a word) on one line; the value whole.
        where = f"{line_no}:{column}" if column else f"{line_no}"
        row = re.compile(rf" *{where} +{code} +{severity}( |$)")
        assert len([line for line in lines if row.match(line)]) == 1, where
        if value is not None:
            assert value in text
        if fix is not None:
            assert fix in text
    words = {word for line in lines for word in line.split()}
    # Nothing folded inside a word: every word of every message is found whole.
    for expected in ("float_parsing)", "epoch", "seconds", "2000-01-01..2100-01-01:", "connection_established,"):
        assert expected in words, expected
    summary = " ".join(line.strip() for line in lines[-3:] if line.strip())
    assert summary.endswith("9 fixable with wsfix repair. Naive times read as UTC.")


@pytest.mark.parametrize("name", list(GOLDEN_FILES))
def test_golden(name):
    text = render(name)
    assert str(REPO) not in text  # no absolute paths: the golden file holds on any checkout
    check_golden(text, f"agent-session/{GOLDEN_FILES[name]}")


def test_golden_github_step_summary(tmp_path):
    step_summary = tmp_path / "summary.md"
    step_summary.write_text("earlier step\n", encoding="utf-8")
    render("github", step_summary=str(step_summary))
    text = step_summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### wsfix check\n")  # appended, never overwritten
    check_golden(text.removeprefix("earlier step\n"), "agent-session/github-step-summary.md")


# --- json and jsonl --------------------------------------------------------------------------


def check_finding(finding: dict, expected: tuple) -> None:
    line, column, field, code, severity, value, pydantic_type, fix = expected
    assert finding["path"] == CAPTURE
    assert (finding["line"], finding["column"], finding["json_path"]) == (line, column, JSON_PATHS[field])
    assert (finding["code"], finding["name"], finding["severity"]) == (code, rules.BY_CODE[code].name, severity)
    assert finding["value"] == value
    assert finding["pydantic_type"] == pydantic_type
    assert finding["fix"] == {"applies": fix is not None, "value": fix}
    assert finding["message"] and "\n" not in finding["message"]
    assert set(finding) == {
        "path",
        "line",
        "column",
        "json_path",
        "code",
        "name",
        "severity",
        "message",
        "value",
        "pydantic_type",
        "fix",
    }


def test_json_fields():
    document = json.loads(render("json"))
    assert list(document) == ["tool", "findings", "settings", "files", "counts", "totals"]
    assert document["tool"] == {"name": "wsfix", "version": __version__}
    assert len(document["findings"]) == len(EXPECTED)
    for finding, expected in zip(document["findings"], EXPECTED, strict=True):
        check_finding(finding, expected)
    assert document["settings"] == {
        "naive_tz": "UTC",
        "unit": None,
        "window": "2000-01-01..2100-01-01",
        "schema": "websocket-message",
        "rules": [rule.code for rule in rules.RULES],
    }
    assert document["files"] == [{"path": CAPTURE, "findings": 14, "fixable": FIXABLE}]
    assert {code: entry["count"] for code, entry in document["counts"].items()} == COUNTS
    for code, entry in document["counts"].items():
        rule = rules.BY_CODE[code]
        assert (entry["name"], entry["severity"]) == (rule.name, rule.severity.value)
        assert entry["fixable"] == (entry["count"] if rule.fixable else 0)
    assert document["totals"] == {
        "files": 1,
        "lines": 34,
        "findings": 14,
        "errors": ERRORS,
        "warnings": WARNINGS,
        "fixable": FIXABLE,
    }


def test_jsonl_fields():
    lines = render("jsonl").splitlines()
    assert len(lines) == len(EXPECTED)
    for text, expected in zip(lines, EXPECTED, strict=True):
        check_finding(json.loads(text), expected)


# --- gitlab ----------------------------------------------------------------------------------


def test_gitlab_fields():
    issues = json.loads(render("gitlab"))
    assert len(issues) == len(EXPECTED)
    for issue, (line, _column, field, code, severity, _value, _type, fix) in zip(issues, EXPECTED, strict=True):
        assert issue["check_name"] == code
        assert issue["severity"] == {"error": "major", "warning": "minor"}[severity]
        assert issue["location"] == {"path": CAPTURE, "lines": {"begin": line}}
        assert issue["description"].startswith(f"{code} {field + ': ' if field else ''}")
        if fix is not None:
            assert issue["description"].endswith(f"(wsfix repair writes {fix})")
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_fingerprints_are_stable_and_do_not_follow_line_numbers(tmp_path, monkeypatch):
    """The same capture gives the same fingerprints; lines added above a finding keep its own."""
    monkeypatch.chdir(tmp_path)
    record = '{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}\n'
    blank_pair = "\n\n"
    Path("a.jsonl").write_text(record + blank_pair, encoding="utf-8")
    Path("b.jsonl").write_text('{"type":"ping","timestamp":1}\n' * 3 + record + blank_pair, encoding="utf-8")

    def fingerprints(name: str) -> list[str]:
        out = io.StringIO()
        check_captures([name], Settings(), build_reporter("gitlab", out, ReportOptions(base_dir=str(tmp_path))))
        return [issue["fingerprint"] for issue in json.loads(out.getvalue()) if issue["check_name"] != "WS109"]

    first = fingerprints("a.jsonl")
    assert first == fingerprints("a.jsonl")  # stable across runs
    assert len(set(first)) == 3  # the two identical blank lines stay distinct
    Path("a.jsonl").write_text('{"type":"ping","timestamp":1}\n' * 3 + record + blank_pair, encoding="utf-8")
    assert fingerprints("a.jsonl") == first  # three lines inserted above change nothing
    assert set(fingerprints("b.jsonl")).isdisjoint(first)  # another file, other fingerprints


# --- junit -----------------------------------------------------------------------------------


def test_junit_parsed():
    root = ET.fromstring(render("junit"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("14", "14", "0")
    [suite] = root.findall("testsuite")
    assert suite.get("name") == suite.get("file") == CAPTURE
    assert (suite.get("tests"), suite.get("failures")) == ("14", "14")
    cases = suite.findall("testcase")
    assert len(cases) == len(EXPECTED)
    for case, (line, column, field, code, severity, value, pydantic_type, fix) in zip(cases, EXPECTED, strict=True):
        assert case.get("file") == case.get("classname") == CAPTURE
        assert case.get("line") == str(line)
        where = f"{line}:{column}" if column else f"{line}"
        assert case.get("name") == f"{code} {rules.BY_CODE[code].name} at line {where}"
        [failure] = case.findall("failure")
        assert failure.get("type") == code
        assert failure.get("message").startswith(f"{field}: " if field else "")
        details = failure.text.split("\n")
        assert details[0] == f"{CAPTURE}:{where}: {code} {rules.BY_CODE[code].name} ({severity})"
        if value is not None:
            assert f"value: {value}" in details
        if pydantic_type is not None:
            assert f"pydantic: {pydantic_type}" in details
        assert details[-1] == (f"fix: {fix} (wsfix repair)" if fix else "fix: none")


# A finding's value as its failure text gives it (written by hand): what XML, a CI log or a
# terminal would act on is escaped; the rest is as written.
@pytest.mark.parametrize(
    ("value", "line"),
    [
        pytest.param('"2025-09-08T16:50:00Z"', 'value: "2025-09-08T16:50:00Z"', id="plain"),
        pytest.param('"a&b"', 'value: "a&amp;b"', id="ampersand"),
        pytest.param('"a<b"', 'value: "a&lt;b"', id="less-than"),
        pytest.param('"a>b"', 'value: "a&gt;b"', id="greater-than"),
        pytest.param('"x::y"', 'value: "x:\\x3ay"', id="colons"),
        pytest.param('"x##y"', 'value: "x#\\x23y"', id="hashes"),
        pytest.param('"\u00e9t\u00e9"', 'value: "\u00e9t\u00e9"', id="not-ascii"),
        pytest.param('"a\u2028b\x1bc"', 'value: "a\\u2028b\\x1bc"', id="line-separator-escape"),
        pytest.param('"a\nb"', 'value: "a\\x0ab"', id="line-break"),
    ],
)
def test_junit_failure_text(value, line):
    problem = Problem("a.jsonl", 3, 7, "timestamp", "WS101", "ISO 8601 string where epoch seconds are expected", value)
    assert junit._testcase(None, problem) == (
        '    <testcase name="WS101 timestamp-iso-string at line 3:7" classname="a.jsonl" file="a.jsonl" line="3">\n'
        '      <failure message="timestamp: ISO 8601 string where epoch seconds are expected" type="WS101">'
        f"a.jsonl:3:7: WS101 timestamp-iso-string (error)\nfield: timestamp\n{line}\nfix: none</failure>\n"
        "    </testcase>\n"
    )


def test_junit_lists_clean_files_and_several_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("clean.jsonl").write_text('{"type":"ping","timestamp":1757350201.5}\n', encoding="utf-8")
    Path("bad.jsonl").write_text('{"type":"ping","timestamp":true}\n\n', encoding="utf-8")
    out = io.StringIO()
    check_captures(
        ["clean.jsonl", "bad.jsonl"], Settings(), build_reporter("junit", out, ReportOptions(base_dir=str(tmp_path)))
    )
    root = ET.fromstring(out.getvalue())
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert list(suites) == ["clean.jsonl", "bad.jsonl"]
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    [passing] = suites["clean.jsonl"].findall("testcase")
    assert passing.get("name") == "no findings" and not list(passing)
    assert [case.findall("failure")[0].get("type") for case in suites["bad.jsonl"].findall("testcase")] == [
        "WS108",
        "WS003",
    ]


# --- sarif -----------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema():
    log = json.loads(render("sarif"))
    jsonschema.Draft7Validator.check_schema(SARIF_SCHEMA)
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(log)


def test_sarif_schema_catches_a_broken_log():
    """The validation above can fail: the schema rejects a result without a message."""
    log = json.loads(render("sarif"))
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(SARIF_SCHEMA).validate(log)


def test_sarif_fields():
    log = json.loads(render("sarif"))
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("wsfix", __version__)
    assert "informationUri" not in driver  # no page to link to: wsfix is on no package index
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in rules.RULES]
    for descriptor, rule in zip(driver["rules"], rules.RULES, strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        first_paragraph = rule.explanation.strip().split("\n\n")[0]
        assert descriptor["fullDescription"]["text"] == first_paragraph.replace("\n", " ")
        assert rule.example.bad in descriptor["help"]["text"]
        assert descriptor["defaultConfiguration"]["level"] == rule.severity.value
    assert run["columnKind"] == "unicodeCodePoints"
    results = run["results"]
    assert len(results) == len(EXPECTED)
    for result, (line, column, field, code, severity, _value, _type, fix) in zip(results, EXPECTED, strict=True):
        assert result["ruleId"] == code
        assert driver["rules"][result["ruleIndex"]]["id"] == code
        assert result["level"] == severity
        [location] = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": CAPTURE}  # repo-relative
        expected_region = {"startLine": line} | ({"startColumn": column} if column else {})
        assert physical["region"] == expected_region
        assert result["message"]["text"].startswith(f"{field}: " if field else "")
        assert result["properties"].get("fix") == fix
        assert result["properties"]["jsonPath"] == JSON_PATHS[field]
    prints = [result["partialFingerprints"]["wsfixFinding/v1"] for result in results]
    assert len(set(prints)) == len(prints)
    assert all(re.fullmatch(r"[0-9a-f]{16}:1", value) for value in prints)
    assert run["properties"]["naiveTz"] == "UTC"


@pytest.mark.parametrize(
    ("path", "base", "expected"),
    [
        pytest.param("examples/a b.jsonl", "/repo", "examples/a%20b.jsonl", id="relative-encoded"),
        pytest.param("/repo/logs/x.jsonl", "/repo", "logs/x.jsonl", id="absolute-inside"),
        pytest.param("/elsewhere/x.jsonl", "/repo", "file:///elsewhere/x.jsonl", id="absolute-outside"),
        pytest.param("../x.jsonl", "/repo/sub", "file:///repo/x.jsonl", id="relative-outside"),
        pytest.param("-", "/repo", "-", id="stdin"),
    ],
)
def test_sarif_uris(path, base, expected):
    from wsfix.reporters.locations import uri

    assert uri(path, base) == expected


def test_sarif_with_no_findings_is_valid(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("clean.jsonl").write_text('{"type":"ping","timestamp":1757350201.5}\n', encoding="utf-8")
    for name in ("sarif", "json", "gitlab"):
        out = io.StringIO()
        check_captures(["clean.jsonl"], Settings(), build_reporter(name, out, ReportOptions(base_dir=str(tmp_path))))
        document = json.loads(out.getvalue())
        if name == "sarif":
            jsonschema.Draft7Validator(SARIF_SCHEMA).validate(document)
            assert document["runs"][0]["results"] == []
        elif name == "json":
            assert document["findings"] == [] and document["totals"]["findings"] == 0
        else:
            assert document == []


@pytest.mark.parametrize("name", list(REPORTERS))
def test_hostile_text_never_reaches_the_output_raw(name):
    """Markup, escape sequences, a right-to-left override and a workflow command in hand-built
    findings: every format escapes them, and the machine formats still parse."""
    from tests.reporters.test_text_reporters import PROBLEMS
    from tests.reporters.test_text_reporters import render as render_problems

    text = render_problems(name, PROBLEMS)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert not any(line.lstrip().startswith("::error::") for line in text.splitlines())
    if name in ("json", "sarif", "gitlab"):
        assert text.isascii()
        document = json.loads(text)
        if name == "json":
            assert document["findings"][-1]["value"] == PROBLEMS[-1].value  # exact, though escaped
    elif name == "jsonl":
        # Not a path wsfix.paths writes (a key like this one is written in quotes): one name.
        assert (
            json.loads(text.splitlines()[-1])["json_path"] == "$['payload.\\u001b]8;;http://x\\u0007[link=http://x]k']"
        )
    elif name == "junit":
        failure = ET.fromstring(text).findall(".//failure")[-1]
        assert "\\x1b[31mred\\x1b[0m" in failure.text and "\\u202eevil" in failure.text

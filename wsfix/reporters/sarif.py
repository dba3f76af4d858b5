"""`sarif`: SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers).

One run: the driver (name, version; no informationUri: wsfix is on no package index, so there is
no page to link to) with every rule of the catalog (short and full description, help with the
example), then one result per finding: ruleId, level, message,
the file as a URI relative to the folder wsfix runs in, the region (startLine, startColumn in
Unicode code points), and `partialFingerprints` that stay the same from run to run
(`fingerprints.Fingerprints`); its properties give the field as an RFC 9535 normalized JSONPath
(`jsonPath`: `$['timestamp']`), the value as written and the fix. The head is written first and
results as they come, so memory does not grow with the number of findings; the settings used end
the run as its properties.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from wsfix import __version__, rules
from wsfix.display import printable
from wsfix.problems import Problem, Rule
from wsfix.reporters.findings import RULE_FACTS, StreamedArray, dumps, dumps_string, evidence, json_path
from wsfix.reporters.fingerprints import FingerprintedItems, placeholder
from wsfix.reporters.locations import relative_path, uri
from wsfix.summary import Summary

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "wsfixFinding/v1"
_RESULTS = "\0results"
_PROPERTIES = "\0properties"
_RULE_INDEX = {rule.code: index for index, rule in enumerate(rules.RULES)}


# A field and its message repeat from finding to finding (a message names no value): made
# printable once per pair.
@functools.lru_cache(maxsize=64)  # few kinds of message: a small cache, so memory stays flat
def _printable_headline(field: str, message: str) -> str:
    return printable(f"{field}: {message}" if field else message)


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A SARIF reportingDescriptor for `rule`."""
    what = rule.explanation.strip().split("\n\n", 1)[0].replace("\n", " ")
    example = f"Example:\n  {rule.example.bad}\n"
    if rule.example.repaired is not None:
        example += f"wsfix repair writes:\n  {rule.example.repaired}\n"
    fix = f"Fix: {rule.fix}." if rule.fix else "No automatic fix."
    markdown_example = f"Example:\n\n```json\n{rule.example.bad}\n```\n"
    if rule.example.repaired is not None:
        markdown_example += f"\n`wsfix repair` writes:\n\n```json\n{rule.example.repaired}\n```\n"
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what},
        "help": {
            "text": f"{rule.explanation.strip()}\n\n{example}\n{fix}",
            "markdown": f"{rule.explanation.strip()}\n\n{markdown_example}\n{fix}",
        },
        "defaultConfiguration": {"level": rule.severity.value},
        "properties": {"fixable": rule.fixable, "tags": [rule.family]},
    }


class SarifReporter(FingerprintedItems):
    def __init__(self, out, options) -> None:  # type: ignore[no-untyped-def]
        driver = {
            "name": "wsfix",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [rule_descriptor(rule) for rule in rules.RULES],
        }
        log = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": driver},
                    "columnKind": "unicodeCodePoints",
                    "results": _RESULTS,
                    "properties": _PROPERTIES,
                }
            ],
        }
        # Laid out once with placeholders; results and properties are written into the gaps.
        text = json.dumps(log, indent=2, ensure_ascii=True)
        head, tail = text.split(json.dumps(_RESULTS))
        self._between, self._end = tail.split(json.dumps(_PROPERTIES))
        self._results = StreamedArray(out, head, indent="        ", closing_indent="      ")
        super().__init__(out, options, self._results, functools.partial(_result, options.base_dir))

    def finish(self, summary: Summary) -> None:
        self._results.close()
        properties = {
            "naiveTz": summary.naive_zone,
            "unit": summary.unit,
            "window": summary.window,
            "schema": summary.schema,
            "rules": list(summary.rules),
            "lines": summary.lines,
            "files": len(summary.files),
        }
        self.out.write(f"{self._between}{dumps(properties)}{self._end}\n")


def _result(base_dir: str | None, problem: Problem) -> str:
    """A finding's SARIF result, its fingerprint a `fingerprints.placeholder`; paths relative to
    `base_dir` (with `base_dir` given: a `FindingText`).

    Written member by member, as `findings.finding_json` writes a finding: what repeats from
    finding to finding once (`_head`, `_location`), strings as `dumps_string` writes them; the
    text `_result_in_full` writes (tests/reporters/test_finding_json.py holds them to it).
    """
    # One unpacking: this runs for every finding.
    path, line, column, field, code, message, value, pydantic_type, fix, _, _, found_evidence = problem
    if found_evidence is not None:
        return _result_in_full(base_dir, problem)
    column_member = f',"startColumn":{column}' if column else ""
    value_member = "" if value is None else f',"value":{dumps_string(value)}'
    if fix is None:
        fix_words = fix_member = ""
    else:
        fix_words = dumps_string(f" (wsfix repair writes {fix[2]})")[1:-1]  # the message's end
        fix_member = f',"fix":{dumps_string(fix[2])}'
    return (
        f"{_head(code, field, message)}{fix_words}{_location(path, base_dir)}{line}{column_member}}}}}}}],"
        f"{_FINGERPRINTS_START}{placeholder(problem, relative_path(path, base_dir))}"
        f"{_properties_start(field)}{value_member}{_pydantic_type_member(pydantic_type)}{fix_member}}}}}"
    )


@functools.lru_cache(maxsize=64)  # few kinds of message: a small cache, so memory stays flat
def _head(code: str, field: str, message: str) -> str:
    # The result up to its message's text, which is left open.
    return (
        f'{{"ruleId":{dumps(code)},"ruleIndex":{_RULE_INDEX[code]},"level":{dumps(RULE_FACTS[code][1])},'
        f'"message":{{"text":{dumps_string(_printable_headline(field, message))[:-1]}'
    )


@functools.lru_cache(maxsize=64)  # a report names few captures
def _location(path: str, base_dir: str | None) -> str:
    # From the end of the message's text to the region's start line.
    return (
        f'"}},"locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":{dumps(uri(path, base_dir))}}},'
        '"region":{"startLine":'
    )


@functools.lru_cache(maxsize=64)  # few fields: a small cache, so memory stays flat
def _properties_start(field: str) -> str:
    # From the fingerprint's end to the properties' first member's value.
    return f'"}},"properties":{{"jsonPath":{dumps(json_path(field))}'


@functools.lru_cache(maxsize=64)
def _pydantic_type_member(pydantic_type: str | None) -> str:
    return f',"pydanticType":{dumps(pydantic_type)}' if pydantic_type else ""


def _result_in_full(base_dir: str | None, problem: Problem) -> str:
    """`_result`, from the whole result's members (for a finding with a capture time's evidence)."""
    path, line, column, field, code, message, value, pydantic_type, fix, _, _, found_evidence = problem
    region: dict[str, int] = {"startLine": line}
    if column:
        region["startColumn"] = column
    text = _printable_headline(field, message)
    properties: dict[str, Any] = {"jsonPath": json_path(field)}
    if value is not None:
        properties["value"] = value
    if pydantic_type:
        properties["pydanticType"] = pydantic_type
    if fix is not None:
        text += f" (wsfix repair writes {fix[2]})"
        properties["fix"] = fix[2]
    if found_evidence is not None:
        found = evidence(problem)
        properties["captureTime"], properties["skew"] = found["capture_time"], found["skew"]
    located = {
        "ruleId": code,
        "ruleIndex": _RULE_INDEX[code],
        "level": RULE_FACTS[code][1],
        "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(path, base_dir)}, "region": region}}],
    }
    # The members as `dumps` writes the whole result, the fingerprint's value a placeholder.
    return (
        f"{dumps(located)[:-1]},{_FINGERPRINTS_START}{placeholder(problem, relative_path(path, base_dir))}"
        f'"}},"properties":{dumps(properties)}}}'
    )


_FINGERPRINTS_START = f'"partialFingerprints":{{{dumps(FINGERPRINT_KEY)}:"'

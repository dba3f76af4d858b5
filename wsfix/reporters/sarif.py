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

import json
from typing import Any

from wsfix import __version__, rules
from wsfix.display import printable
from wsfix.problems import Problem, Rule
from wsfix.reporters import Reporter
from wsfix.reporters.findings import StreamedArray, dumps, evidence, headline, json_path
from wsfix.reporters.fingerprints import Fingerprints
from wsfix.reporters.locations import relative_path, uri
from wsfix.summary import Summary

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "wsfixFinding/v1"
_RESULTS = "\0results"
_PROPERTIES = "\0properties"
_RULE_INDEX = {rule.code: index for index, rule in enumerate(rules.RULES)}


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


class SarifReporter(Reporter):
    def __init__(self, out, options) -> None:  # type: ignore[no-untyped-def]
        super().__init__(out, options)
        self._fingerprints = Fingerprints()
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

    def add(self, problem: Problem) -> None:
        self._results.add(dumps(self._result(problem)))

    def _result(self, problem: Problem) -> dict[str, Any]:
        rule = rules.BY_CODE[problem.code]
        path = relative_path(problem.path, self.options.base_dir)
        region: dict[str, int] = {"startLine": problem.line}
        if problem.column:
            region["startColumn"] = problem.column
        text = printable(headline(problem))
        if problem.fix is not None:
            text += f" (wsfix repair writes {problem.fix.replacement})"
        properties: dict[str, Any] = {"jsonPath": json_path(problem.json_path)}
        if problem.value is not None:
            properties["value"] = problem.value
        if problem.pydantic_type:
            properties["pydanticType"] = problem.pydantic_type
        if problem.fix is not None:
            properties["fix"] = problem.fix.replacement
        if problem.evidence is not None:
            found = evidence(problem)
            properties["captureTime"], properties["skew"] = found["capture_time"], found["skew"]
        return {
            "ruleId": problem.code,
            "ruleIndex": _RULE_INDEX[problem.code],
            "level": rule.severity.value,
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(problem.path, self.options.base_dir)},
                        "region": region,
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: self._fingerprints.of(problem, path)},
            "properties": properties,
        }

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

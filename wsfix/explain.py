"""What `wsfix rule` prints: a rule's documentation, or the catalog, as text or JSON.

Everything comes from the rule modules (`wsfix.rules`): the docstring is the explanation (what,
why it matters, fix safety), `Rule.example` the before/after, `Rule.fix` what a repair writes.
Returns strings; never prints.
"""

from __future__ import annotations

from typing import Any

from wsfix import rules
from wsfix.display import printable
from wsfix.errors import UsageError
from wsfix.problems import Rule
from wsfix.reporters.findings import dumps


def find_rule(name: str) -> Rule:
    """The rule with code (any case) or name `name`. Raises UsageError for neither."""
    wanted = name.strip()
    for rule in rules.RULES:
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            return rule
    raise UsageError(f"unknown rule {name!r} (wsfix rule --all lists the codes)")


def rule_record(rule: Rule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "summary": rule.summary,
        "explanation": rule.explanation.strip(),
        "fixable": rule.fixable,
        "fix": rule.fix,
        "example": {"before": rule.example.bad, "after": rule.example.repaired},
    }


def rule_text(rule: Rule) -> str:
    """The full documentation of one rule."""
    fixable = "fixable with wsfix repair" if rule.fixable else "no automatic fix"
    after = _shown(rule.example.repaired) if rule.example.repaired is not None else "(unchanged: no automatic fix)"
    fix = (
        f"Fix (wsfix repair): {rule.fix}; only the value's bytes change."
        if rule.fix
        else "Fix: none; wsfix repair copies the line unchanged and lists it."
    )
    return (
        f"{rule.code} {rule.name} ({rule.severity.value}; {fixable})\n\n"
        f"{rule.explanation.strip()}\n\n"
        f"Example{_in_field(rule)}:\n  before: {_shown(rule.example.bad)}\n  after:  {after}\n\n"
        f"{fix}\n"
    )


def _in_field(rule: Rule) -> str:
    # Examples of rules for custom models name the model field they assume.
    return f" (in a model field {rule.example.field})" if rule.example.field else ""


def _shown(line: str) -> str:
    if not line.strip():
        return f"(a line of {len(line)} space{'s' if len(line) != 1 else ''})"
    return printable(line)


def catalog_text() -> str:
    """One line per rule: code, name, severity, whether it has a fix, summary."""
    rows = [("Code", "Name", "Severity", "Fix", "Summary")]
    rows += [
        (rule.code, rule.name, rule.severity.value, "yes" if rule.fixable else "no", rule.summary)
        for rule in rules.RULES
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + f"  {row[4]}\n"
        for row in rows
    )


def rule_json(rule: Rule) -> str:
    return dumps(rule_record(rule)) + "\n"


def catalog_json() -> str:
    return dumps([rule_record(rule) for rule in rules.RULES]) + "\n"

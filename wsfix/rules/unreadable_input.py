"""A path given to check cannot be read: it does not exist, is not a regular file, or may not be read.

Reported for the path as a whole (line 1), like ruff's E902, so that one bad path among many does
not hide the findings of the others: every other file is still checked. wsfix then exits with
2 (a file not read is not a check passed), whatever `--select`, `--ignore` or `--exit-zero` say.

No automatic fix: name a file that exists (a folder is searched for captures), or give read
permission; `-` reads standard input.
"""

from wsfix.problems import Example, Rule, Severity

RULE = Rule(
    code="WS005",
    name="unreadable-input",
    severity=Severity.ERROR,
    summary="A path given cannot be read (missing, not a file, or no permission)",
    explanation=__doc__,
    example=Example(bad="wsfix check missing.jsonl", repaired=None),
)

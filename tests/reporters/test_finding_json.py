"""A finding's JSON text, written member by member (`findings.finding_json`, SARIF's result,
GitLab's issue), is the text `dumps` writes of the whole finding (`findings.finding`,
`sarif._result_in_full`, `gitlab._issue_in_full`): the reference, for any finding."""

from __future__ import annotations

import os

from hypothesis import given
from hypothesis import strategies as st

from wsfix import rules
from wsfix.problems import ClockEvidence, Fix, Problem
from wsfix.reporters import gitlab, sarif
from wsfix.reporters.findings import dumps, dumps_string, finding, finding_json

# Text that `dumps` treats apart: `##`, DEL, control characters, non-ASCII, lone surrogates.
texts = st.one_of(
    st.text(alphabet=st.sampled_from(["#", '"', "\\", "\x7f", "\x00", "\n", "é", "😀", "a", "1", "\ud800"])),
    st.text(),
)

# A capture's path is a file name as the system decodes it: undecodable bytes become the
# surrogates U+DC80..U+DCFF, never another lone surrogate.
paths = st.one_of(st.binary().map(os.fsdecode), st.text(alphabet=st.sampled_from(["#", '"', "é", "/", " ", "a"])))

problems = st.builds(
    Problem,
    path=paths,
    line=st.integers(1, 10**9),
    column=st.none() | st.integers(1, 10**6),
    json_path=texts,
    code=st.sampled_from([rule.code for rule in rules.RULES]),
    message=texts,
    value=st.none() | texts,
    pydantic_type=st.none() | texts,
    fix=st.none() | st.builds(Fix, st.integers(0, 100), st.integers(0, 100), texts),
    evidence=st.none() | st.builds(ClockEvidence, st.floats(0, 4e9), st.none() | st.floats(-1e6, 1e6)),
)


@given(texts)
def test_a_string_is_written_as_dumps_writes_it(text):
    assert dumps_string(text) == dumps(text)


@given(problems)
def test_a_finding_is_written_as_dumps_writes_it(problem):
    assert finding_json(problem) == dumps(finding(problem))


def test_the_members_that_repeat_are_not_spelled_apart():
    # Two findings alike but for their line and value share the text around them.
    first = Problem("a.jsonl", 1, 2, "timestamp", "WS101", "ISO", '"x##"', "float_parsing", Fix(1, 4, "1.5"))
    second = first._replace(line=22, value='"y"')
    assert finding_json(first) == (
        '{"path":"a.jsonl","line":1,"column":2,"json_path":"$[\'timestamp\']","code":"WS101",'
        '"name":"timestamp-iso-string","severity":"error","message":"ISO","value":"\\"x#\\u0023\\"",'
        '"pydantic_type":"float_parsing","fix":{"applies":true,"value":"1.5"}}'
    )
    assert finding_json(second) == finding_json(first).replace('"line":1,', '"line":22,').replace(
        '"\\"x#\\u0023\\""', '"\\"y\\""'
    )


@given(problems, st.sampled_from([None, "/repo", "."]))
def test_a_sarif_result_is_written_as_dumps_writes_it(problem, base_dir):
    assert sarif._result(base_dir, problem) == sarif._result_in_full(base_dir, problem)


@given(problems, st.sampled_from([None, "/repo", "."]))
def test_a_gitlab_issue_is_written_as_dumps_writes_it(problem, base_dir):
    assert gitlab._issue(base_dir, problem) == gitlab._issue_in_full(base_dir, problem)

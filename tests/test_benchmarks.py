"""The benchmark tools do what their figures claim (not timed: `benchmarks/run.py` and
`benchmarks/models.py` are run on tiny captures only to see that they run every command and print
every table).

The generator's forms are checked against the linter: a capture whose broken lines are all of one
form gets exactly the finding that form is meant to exercise (the codes in `DEFAULT_MIX`'s
comments), once per broken line, so the benchmark's "10% broken" is what it says.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import lint_bytes
from wsfix.probe import validation_path
from wsfix.schema import DEFAULT_SCHEMA
from wsfix.user_model import build_schema

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import generate  # noqa: E402 - benchmarks/ is not a package
import models  # noqa: E402
import run  # noqa: E402

# form -> the one finding each broken line of that form gets (as DEFAULT_MIX's comments say)
FORM_CODES = {
    "naive-iso": "WS102",
    "space-iso": "WS102",
    "z-iso": "WS101",
    "offset-iso": "WS101",
    "ms": "WS104",
    "us": "WS104",
    "ms-string": "WS104",  # a string too, but WS104 claims it: the unit is the larger error
    "numeric-string": "WS103",
    "rfc2822": "WS105",
    "nan": "WS107",
    "date-only": "WS106",
    "zero": "WS109",
    "boolean": "WS108",
    "unknown-type": "WS004",
    "invalid-json": "WS001",
    "blank": "WS003",
}


def test_every_form_has_its_expected_code():
    assert set(FORM_CODES) == set(generate.DEFAULT_MIX)


@pytest.mark.parametrize("form", list(FORM_CODES))
def test_each_broken_form_gets_its_finding_once_per_line(form):
    data = b"".join(generate.generate(lines=300, broken=1.0, mix={form: 1}, seed=3))
    problems = lint_bytes(data)
    assert Counter(problem.code for problem in problems) == {FORM_CODES[form]: 300}
    assert sorted(problem.line for problem in problems) == list(range(1, 301))


def test_valid_lines_have_no_findings():
    data = b"".join(generate.generate(lines=2000, broken=0.0, seed=5))
    assert data.count(b"\n") == 2000
    assert lint_bytes(data) == []


def test_broken_fraction_and_seed():
    first = b"".join(generate.generate(lines=5000, broken=0.1, seed=1))
    assert first == b"".join(generate.generate(lines=5000, broken=0.1, seed=1))
    assert first != b"".join(generate.generate(lines=5000, broken=0.1, seed=2))
    broken_lines = {problem.line for problem in lint_bytes(first)}
    assert 400 <= len(broken_lines) <= 600  # 10% of 5000, give or take the draw


def test_size_option_stops_at_the_size():
    data = b"".join(generate.generate(size=100_000, seed=1))
    assert 100_000 <= len(data) < 100_000 + 1000
    assert data.endswith(b"\n")


def test_run_table_gives_each_run_against_the_floor_overall_and_per_round():
    floor = run.Measure(run.FLOOR, 1000, 1.5, 30.0, rounds=(1.0, 2.0))
    check = run.Measure("wsfix check --jobs 1", 1000, 2.5, 40.0, rounds=(2.0, 3.0))
    apart = run.Measure("check-jsonschema", 10, 0.5, 50.0, "10 lines, one file each")  # its own rounds
    skipped = run.Measure("other", 0, 0.0, 0.0, "not installed: skipped")
    assert run.table("T", [floor, check, apart, skipped]).splitlines() == [
        "**T**",
        "",
        "| run | lines/s | × floor | per round | wall s | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
        "| validation floor (validate_json per line) | 667 | 1.00 | 1.00–1.00 | 1.50 | 30 |",
        # 400 lines/s against 667 is 0.60; per round, 500 against 1,000 and 333 against 500
        "| wsfix check --jobs 1 | 400 | 0.60 | 0.50–0.67 | 2.50 | 40 |",
        "| check-jsonschema (10 lines, one file each) | 20 | 0.03 | — | 0.50 | 50 |",
        "| other | — | — | — | — | — (not installed: skipped) |",
    ]


def test_run_prints_every_table(tmp_path):
    # A tiny capture, one round: every row and the speed-up lines are printed, every run ends as
    # expected (run.py stops on an unexpected exit status).
    result = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            "--lines",
            "3000",
            "--repeat",
            "1",
            "--startup-repeat",
            "1",
            "--jobs",
            "2",
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for title in ("**3,000 lines, 10% broken", "**3,000 lines, clean"):
        assert out.count(title) == 1
    for row in (
        "read lines",
        "orjson.loads per line",
        "validation floor (validate_json per line)",
        "json.loads + model_validate",
        "check-jsonschema",
        "wsfix check --jobs 1",
        "wsfix check --jobs 2",
        "wsfix repair --jobs 1",
        "wsfix repair --jobs 2",
    ):
        assert out.count(f"| {row}") == 2, row
    speedups = re.findall(
        r"\*\*--jobs 2 / --jobs 1\*\*: check ([\d.]+)× \(per round, lowest first: ([\d.]+)\); "
        r"repair ([\d.]+)× \(per round, lowest first: ([\d.]+)\)",
        out,
    )
    assert len(speedups) == 2
    for check, check_round, repair, repair_round in speedups:
        assert check == check_round and repair == repair_round  # one round: the median is that round
    assert "**Start-up** (median of 1)" in out


def test_cpu_split_tells_parent_from_workers(tmp_path):
    capture = tmp_path / "capture.jsonl"
    # Three chunks (two of 4 MiB): each worker lints tens of milliseconds, never below the
    # kernel's accounting tick.
    capture.write_bytes(b"".join(generate.generate(lines=30_000, broken=0.1, seed=1)))
    outputs = {}
    for jobs in ("1", "2"):
        result = subprocess.run(
            [
                sys.executable,
                str(BENCHMARKS / "cpu_split.py"),
                "--rounds",
                "2",
                "--",
                "check",
                str(capture),
                "--jobs",
                jobs,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        outputs[jobs] = result.stdout.splitlines()
    for lines in outputs.values():
        assert [line.split(":")[0] for line in lines] == ["round 1", "round 2", "median of 2"]
    workers = [float(re.search(r"workers ([\d.]+) s", line)[1]) for line in outputs["1"] + outputs["2"]]
    assert workers[:3] == [0.0, 0.0, 0.0]  # one job: no worker
    assert workers[5] > 0.01  # two jobs: the workers' time is counted (the median of two rounds)


@pytest.mark.parametrize("verb", ["check", "repair"])
def test_jobs_compares_one_job_with_n(tmp_path, verb):
    capture = tmp_path / "capture.jsonl"
    capture.write_bytes(b"".join(generate.generate(lines=2000, broken=0.1, seed=1)))
    result = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "jobs.py"),
            str(capture),
            "--jobs",
            "2",
            "--rounds",
            "2",
            *(["--repair"] if verb == "repair" else []),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    match = re.fullmatch(
        rf"capture\.jsonl \(\d+ MB\): wsfix {verb} --jobs 1 ([\d.]+) s, --jobs 2 ([\d.]+) s, "
        r"([\d.]+)× \(per round, lowest first: ([\d.]+), ([\d.]+)\)",
        line,
    )
    assert match, line
    one, two, ratio, lowest, highest = map(float, match.groups())
    assert ratio == pytest.approx(one / two, abs=0.01)
    assert lowest <= highest
    assert list(tmp_path.iterdir()) == [capture]  # the repaired copy went to a temp folder, now gone


def test_broken_floor_reads_each_broken_timestamp_and_prints_every_loop(tmp_path):
    import broken_floor

    lines = [
        b'{"type":"chat","timestamp":"2025-09-08T16:50:01.5Z"}',  # an ISO string: refused, read
        b'{"type":"chat","timestamp":1757350201000}',  # milliseconds: refused by the strict probe
        b'{"type":"chat","timestamp":1757350201.5}',  # seconds: valid, nothing to read
        b'{"type":"chat","timestamp":true}',  # refused, and not a string or a number: nothing to classify
        b"not json",  # refused, but not for a timestamp: not the loop's case
    ]
    found = broken_floor.least_pass(lines)
    assert [(at, reading.seconds if reading else None) for at, reading in found] == [
        (15, 1757350201.5),
        (15, 1757350201.0),
        (15, None),
    ]
    # With the fix: the value's span in the line, and the number a repair writes, where it has one.
    assert broken_floor.least_pass_with_fix(lines) == [((27, 51), "1757350201.5"), ((27, 40), "1757350201.0")]
    # In stages, piece by piece: the same, in order, across the pieces too.
    assert broken_floor.least_pass_with_fix_staged(lines) == [((27, 51), "1757350201.5"), ((27, 40), "1757350201.0")]
    many = lines * (broken_floor.PIECE_RECORDS // 2)  # two pieces and a bit
    assert broken_floor.least_pass_with_fix_staged(many) == broken_floor.least_pass_with_fix(many)
    capture = tmp_path / "broken.jsonl"
    capture.write_bytes(b"\n".join(lines))
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "broken_floor.py"), str(capture), "--rounds", "2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    head, floor, least, with_fix, staged, ratio, ratio_with_fix, ratio_staged = result.stdout.splitlines()
    assert head == f"{capture} (5 lines), median of 2 rounds, start-up left out:"
    assert re.fullmatch(r"  validation floor: [\d.]+ µs a line", floor)
    assert re.fullmatch(r"  least pass: [\d.]+ µs a line", least)
    assert re.fullmatch(r"  least pass with the fix: [\d.]+ µs a line", with_fix)
    assert re.fullmatch(r"  least pass × floor: [\d.]+ \(its speed as a fraction of the floor's\)", ratio)
    assert re.fullmatch(r"  least pass with the fix, staged: [\d.]+ µs a line", staged)
    assert re.fullmatch(
        r"  least pass with the fix × floor: [\d.]+ \(its speed as a fraction of the floor's\)", ratio_with_fix
    )
    assert re.fullmatch(
        r"  least pass with the fix, staged × floor: [\d.]+ \(its speed as a fraction of the floor's\)",
        ratio_staged,
    )


@pytest.mark.parametrize(
    ("floor_whole", "startup", "work", "jobs", "expected"),
    [
        (1.0, 0.25, 1.5, 2, 1.0),  # 0.25 + 1.5 / 2 = 1.0 s against the floor's 1.0 s
        (0.8, 0.2, 2.8, 2, 0.5),  # 0.2 + 1.4 = 1.6 s: exactly half the floor's speed
        (0.8, 0.2, 2.8, 1, 0.8 / 3.0),  # one process does it all after its start-up
        (0.9, 0.3, 0.0, 4, 3.0),  # no work: the start-ups alone
    ],
)
def test_broken_floor_best_split_is_the_floor_against_start_up_and_an_even_share(
    floor_whole, startup, work, jobs, expected
):
    import broken_floor

    assert broken_floor.best_split(floor_whole, startup, work, jobs) == pytest.approx(expected)


def test_broken_floor_whole_runs_check_and_repair_the_capture(tmp_path):
    """A whole run is the command line's work: every finding reported, every fix written."""
    import broken_floor

    capture = tmp_path / "broken.jsonl"
    capture.write_bytes(
        b'{"type":"chat","timestamp":"2025-09-08T16:50:01.5Z"}\n'  # an ISO string: fixed
        b'{"type":"chat","timestamp":1757350201000}\n'  # milliseconds: fixed
        b'{"type":"chat","timestamp":1757350201.5}\n'  # seconds: valid
        b"not json\n"  # reported, copied as it is
    )
    summary = broken_floor.whole_run(capture, "jsonl", tmp_path)()
    assert summary.lines == 4
    # WS101 an ISO string with an offset, WS104 epoch milliseconds, WS001 not JSON (`wsfix rule --all`)
    assert summary.tally.counts == {"WS001": 1, "WS101": 1, "WS104": 1}
    broken_floor.whole_run(capture, "repair", tmp_path)()
    assert (tmp_path / "repaired.jsonl").read_bytes() == (
        b'{"type":"chat","timestamp":1757350201.5}\n'
        b'{"type":"chat","timestamp":1757350201.0}\n'
        b'{"type":"chat","timestamp":1757350201.5}\n'
        b"not json\n"
    )


def test_broken_floor_whole_runs_collect_as_the_command_line_does():
    import gc

    import broken_floor

    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's defaults
    try:
        during = []
        broken_floor._whole(lambda: during.append(gc.get_threshold()))([])
        assert during == [(10_000, 10, 100)]  # `cli._collect_less_often`'s, while it runs
        assert gc.get_threshold() == (700, 10, 10)  # and the loops' own after it
    finally:
        gc.set_threshold(*before)


def test_broken_floor_prints_the_most_jobs_could_reach_for_each_run(tmp_path):
    capture = tmp_path / "broken.jsonl"
    capture.write_bytes(b'{"type":"chat","timestamp":"2025-09-08T16:50:01.5Z"}\n' * 3)
    command = [sys.executable, str(BENCHMARKS / "broken_floor.py"), str(capture), "--rounds", "1"]
    result = subprocess.run([*command, "--runs", "sarif,repair", "--jobs", "3"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"  whole run: sarif: [\d.]+ µs a line", lines[5])
    assert re.fullmatch(r"  whole run: repair: [\d.]+ µs a line", lines[6])
    assert re.fullmatch(
        r"start-up, whole processes \(median of 1\): the floor's \d+ ms, wsfix check of one line \d+ ms; "
        r"the floor as a whole process: [\d.]+ s",
        lines[-4],
    )
    assert lines[-3] == "the most --jobs 3 could reach (wsfix's start-up, then the run's work split evenly), × floor:"
    assert re.fullmatch(r"  sarif: [\d.]+", lines[-2])
    assert re.fullmatch(r"  repair: [\d.]+", lines[-1])
    assert list(tmp_path.iterdir()) == [capture]  # the repaired copy went to a temp folder, now gone
    unknown = subprocess.run([*command, "--runs", "concise,yaml"], capture_output=True, text=True)
    assert unknown.returncode == 2
    assert "unknown run 'yaml'" in unknown.stderr


def test_cluster_benchmark_writes_a_set_half_gzipd(tmp_path):
    """`cluster.py`'s capture set (its timing needs a cluster, and runs only by hand)."""
    import gzip

    import cluster

    paths = cluster.write_set(tmp_path, 30_000, 3)
    assert [path.name for path in paths] == ["capture-0.jsonl", "capture-1.jsonl.gz", "capture-2.jsonl"]
    contents = [gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes() for path in paths]
    for data in contents:
        assert 9_000 <= len(data) <= 10_500 and data.endswith(b"\n")
    assert contents[0] != contents[2]  # a seed per file


# models.py's kinds -> how wsfix checks their records (`wsfix schema`'s last line, in short), as
# the README's table says.
MODEL_PATHS = {
    "builtin": "fast probe (typed dict)",
    "Plain": "fast probe (typed dict)",
    "Camel": "model's own validator",
    "Choices": "model's own validator",
    "StrictModel": "fast probe (typed dict)",
    "Validated": "model's own validator",
    "Feed": "model's own validator",
    "TradesEvent": "model's own validator",
}


def test_every_model_kind_has_its_path():
    assert set(MODEL_PATHS) == set(models.KINDS)


@pytest.mark.parametrize("name", list(MODEL_PATHS))
def test_model_captures_are_broken_where_they_say(tmp_path, name):
    kind = models.KINDS[name]
    schema = build_schema(model_spec=f"{models.MODELS_FILE}:{kind.model}") if kind.model else DEFAULT_SCHEMA
    assert models.short_path(validation_path(schema.model, schema.timestamp_fields)) == MODEL_PATHS[name]
    capture = tmp_path / "capture.jsonl"
    broken = models.write_capture(capture, kind.shape, 400, 0.1, seed=3)
    assert 20 <= len(broken) <= 60  # 10% of 400, give or take the draw
    # One finding on each broken line, none elsewhere: the benchmark's "10% broken" is what it says.
    assert sorted(problem.line for problem in lint_bytes(capture.read_bytes(), schema=schema)) == sorted(broken)
    assert models.write_capture(capture, kind.shape, 400, 0.0, seed=3) == set()
    assert capture.read_bytes().count(b"\n") == 400
    assert lint_bytes(capture.read_bytes(), schema=schema) == []


def test_models_prints_both_tables(tmp_path):
    # Two kinds, one of each path, one round: a row for each, the paths in full, the start-up.
    result = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "models.py"),
            "--lines",
            "300",
            "--rounds",
            "1",
            "--only",
            "builtin,Feed",
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("**300 lines per capture, median of 1**") == 1
    assert out.count("| model kind | checked by | clean lines/s | × floor | 10% broken lines/s | × floor |") == 1
    rows = re.findall(r"^\| ([^|]+) \| ([^|]+) \| [\d,]+ \| [\d.]+ \| [\d,]+ \| [\d.]+ \|$", out, re.MULTILINE)
    assert rows == [
        ("built-in schema (websocket-message)", "fast probe (typed dict)"),
        ("discriminated union, time in members", "model's own validator"),
    ]
    assert "* discriminated union, time in members: the model's own validator, strictly; time read back" in out
    assert re.search(r"^`wsfix check` on a one-line file: \d+ ms \(median of 1\)", out, re.MULTILINE)


# The wsfix commands run.py times on each capture, in its order, with --jobs 2.
EVERY_WSFIX_RUN = [("check", "1"), ("check", "2"), ("repair", "1"), ("repair", "2")]


def test_run_compares_with_previous_code_and_capture_times_in_the_same_rounds(tmp_path):
    """`--compare` (here the same code, run by the same interpreter) pairs every wsfix row with the
    previous code's, per round; `--capture-times` runs each command on the capture with and
    without them in every round and gives their ratio per round."""
    result = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            *("--lines", "500", "--repeat", "2", "--startup-repeat", "1", "--jobs", "2"),
            *("--capture-times", "--compare", sys.executable, "--workdir", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    compared = re.findall(r"\*\*this code / previous code\*\* \(speed\): (.*)", out)
    assert len(compared) == 2  # the 10 % broken capture and the clean one
    for line in compared:
        rows = re.findall(
            r"(check|repair) --jobs ([12]) ([\d.]+)× \(per round, lowest first: ([\d.]+), ([\d.]+)\)", line
        )
        assert [(command, jobs) for command, jobs, *_ in rows] == EVERY_WSFIX_RUN
        for _, _, median, low, high in rows:
            assert float(low) <= float(high)
            assert float(low) - 0.01 <= float(median) <= float(high) + 0.01  # two rounds: between them
    assert "**500 clean lines as prefixed log lines, with capture times in the prefix / without**" in out
    paired = re.findall(
        r"\| wsfix (check|repair) --jobs ([12]) \| [\d.]+ \| [\d.]+ \| ([\d.]+)× \| ([\d.]+), ([\d.]+) \|", out
    )
    assert [(command, jobs) for command, jobs, *_ in paired] == EVERY_WSFIX_RUN


def test_the_environment_of_an_interpreter():
    found = run.environment(sys.executable)
    import pydantic

    assert found["pydantic"] == pydantic.VERSION
    assert set(found) == {"python", *run.DEPENDENCIES, "editable install"}


@pytest.mark.parametrize(
    ("previous", "differences"),
    [
        ({"python": "3.11.7", "pydantic": "2.14.4", "editable install": False}, None),
        (
            {"python": "3.11.7", "pydantic": "2.13.4", "editable install": False},
            "pydantic: 2.14.4 here, 2.13.4 there",
        ),
        (
            {"python": "3.12.1", "pydantic": "2.14.4", "editable install": True},
            "python: 3.11.7 here, 3.12.1 there; editable install: False here, True there",
        ),
    ],
)
def test_compared_environments_must_not_differ(previous, differences):
    this = {"python": "3.11.7", "pydantic": "2.14.4", "editable install": False}
    assert run.environments_differ(this, previous) == differences

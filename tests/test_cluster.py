"""`check --dask`: the captures linted on a real Dask LocalCluster of 2 worker processes (started and
closed here), every report byte-identical to a local run's; a worker that dies is retried, and
one that keeps dying ends the run with exit 2 naming the capture, never a report that looks
complete."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest

import wsfix.cluster
from wsfix.cluster import portable

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed (pip install 'wsfix[dask]')")

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "examples"
MODELS = Path(__file__).parent / "sample_models.py"
SESSION = (EXAMPLES / "agent-session.jsonl").read_bytes()


@pytest.fixture(scope="module")
def scheduler():
    """A LocalCluster of 2 worker processes; a task whose worker dies is tried on one more."""
    import dask

    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
        ) as cluster,
    ):
        yield cluster.scheduler_address


@pytest.fixture
def captures(tmp_path, monkeypatch):
    """Captures of every kind a task takes: a JSON Lines file cut into byte ranges (its last line
    without \\n, CRLF lines), a gzip'd one and a HAR (one task each), and a small one."""
    monkeypatch.setattr(wsfix.cluster, "CLUSTER_CHUNK_BYTES", 50_000)
    big = tmp_path / "big.jsonl"
    big.write_bytes(SESSION * 60 + SESSION.replace(b"\n", b"\r\n") * 20 + b'{"type":"ping","timestamp":"x"}')
    assert big.stat().st_size > 5 * 50_000
    (tmp_path / "day.jsonl.gz").write_bytes(gzip.compress(SESSION * 3, mtime=0))
    shutil.copy(DATA / "har" / "mitmproxy-websocket.har", tmp_path / "session.har")
    (tmp_path / "small.jsonl").write_bytes(SESSION[:500])
    monkeypatch.chdir(tmp_path)  # relative names, as a user gives them
    return ["big.jsonl", "day.jsonl.gz", "session.har", "small.jsonl"]


@pytest.mark.parametrize(
    "report",
    [
        pytest.param(["--output-format", "full", "--max-rows", "7"], id="full-past-its-rows"),
        pytest.param(["--output-format", "concise"], id="concise"),
        pytest.param(["--output-format", "json"], id="json"),
        pytest.param(["--output-format", "jsonl"], id="jsonl"),
        pytest.param(["--output-format", "sarif"], id="sarif"),
        pytest.param(["--output-format", "junit"], id="junit"),
        pytest.param(["--output-format", "github"], id="github"),
        pytest.param(["--output-format", "gitlab"], id="gitlab"),
        pytest.param(["--statistics"], id="statistics"),
    ],
)
def test_every_report_is_byte_identical_to_a_local_run(cli, scheduler, captures, report):
    local = cli("check", *captures, "--jobs", "1", *report)
    on_cluster = cli("check", *captures, "--dask", scheduler, *report)
    assert on_cluster.exit_code == local.exit_code == 1, on_cluster.stderr
    assert on_cluster.stdout == local.stdout
    assert on_cluster.stderr == local.stderr


def test_a_model_file_is_loaded_in_the_workers(cli, scheduler, monkeypatch):
    coinbase = str(DATA / "cryptofeed" / "COINBASE.ws.28.0.excerpt")
    args = ("check", coinbase, "--model", f"{MODELS}:CoinbaseMessage", "--output-format", "json")
    local = cli(*args)
    monkeypatch.setenv("WSFIX_DASK", scheduler)  # as the environment may give it
    on_cluster = cli(*args)
    assert on_cluster.exit_code == local.exit_code == 1, on_cluster.stderr
    assert on_cluster.stdout == local.stdout


def test_local_n_starts_its_own_cluster_and_stops_it(cli, captures):
    local = cli("check", *captures, "--output-format", "concise")
    on_cluster = cli("check", *captures, "--output-format", "concise", "--dask", "local:2")
    assert on_cluster.exit_code == local.exit_code == 1, on_cluster.stderr
    assert on_cluster.stdout == local.stdout


# A model module that ends the worker process loading it, while the marker file exists (and it is
# not the process named in it: the command line's own, which loads the model first).
DYING_MODEL = """
import os
from pydantic import BaseModel

MARKER = {marker!r}
try:
    with open(MARKER) as marker:
        spared = marker.read()
except OSError:
    spared = None
if spared is not None and spared != str(os.getpid()):
    if {once}:
        try:
            os.rename(MARKER, MARKER + ".taken")  # one worker takes it (two may be loading at once)
        except OSError:
            pass
        else:
            os._exit(1)
    else:
        os._exit(1)


class Message(BaseModel):
    type: str
    timestamp: float
"""


def _dying_model(tmp_path: Path, once: bool) -> tuple[str, Path]:
    import os

    marker = tmp_path / "die"
    marker.write_text(str(os.getpid()))
    model = tmp_path / f"dying_{'once' if once else 'always'}.py"
    model.write_text(DYING_MODEL.format(marker=str(marker), once=once))
    return f"{model}:Message", marker


def test_a_worker_killed_mid_run_is_retried(cli, scheduler, captures, tmp_path):
    model, marker = _dying_model(tmp_path, once=True)
    local = cli("check", *captures, "--model", model, "--output-format", "concise")
    on_cluster = cli("check", *captures, "--model", model, "--output-format", "concise", "--dask", scheduler)
    assert not marker.exists()  # a worker died
    assert on_cluster.exit_code == local.exit_code == 1, on_cluster.stderr
    assert on_cluster.stdout == local.stdout


def test_a_task_that_keeps_killing_its_worker_fails_the_run_naming_the_file(cli, scheduler, captures, tmp_path):
    model, _ = _dying_model(tmp_path, once=False)
    result = cli("check", *captures, "--model", model, "--output-format", "concise", "--dask", scheduler)
    assert result.exit_code == 2
    assert result.stderr.startswith("wsfix: error: big.jsonl: failed on the Dask cluster, the run is incomplete: ")
    assert "its worker died" in result.stderr
    assert "Checked" not in result.stdout  # no summary: the report does not claim the run complete


def test_a_task_that_raises_fails_the_run_naming_the_file(cli, scheduler, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("gone.jsonl.gz").write_bytes(gzip.compress(SESSION, mtime=0)[:-20])  # cut short: not valid gzip
    result = cli("check", "gone.jsonl.gz", "--output-format", "concise", "--dask", scheduler)
    assert result.exit_code == 2
    assert result.stderr.startswith("wsfix: error: gone.jsonl.gz: "), result.stderr
    assert "Checked" not in result.stdout


@pytest.mark.parametrize(
    ("address", "message"),
    [
        pytest.param("local:0", "--dask local:0: expected local or local:N", id="no-workers"),
        pytest.param("local:x", "--dask local:x: expected local or local:N", id="not-a-number"),
        pytest.param("", "--dask '': expected a scheduler's address", id="empty"),
        pytest.param("tcp://127.0.0.1:1", "--dask tcp://127.0.0.1:1: cannot reach the scheduler", id="unreachable"),
    ],
)
def test_a_bad_address_is_one_line_and_exit_2(cli, tmp_path, address, message, monkeypatch):
    monkeypatch.setattr(wsfix.cluster, "CONNECT_TIMEOUT", "1s")
    capture = tmp_path / "c.jsonl"
    capture.write_bytes(SESSION)
    result = cli("check", str(capture), "--dask", address)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"wsfix: error: {message}"), result.stderr
    assert result.stderr.count("\n") == 1


def test_settings_travel_as_a_model_to_load_and_a_pickle():
    from wsfix.config import CommandLine, build_settings

    built_in, _ = build_settings(CommandLine(naive_tz="America/Los_Angeles"))
    assert portable(built_in)[0] is None
    from_file, _ = build_settings(CommandLine(model=f"{MODELS}:CoinbaseMessage"))
    assert portable(from_file)[0] == f"{MODELS.resolve()}:CoinbaseMessage"


@pytest.mark.parametrize(
    "mode",
    [
        pytest.param(["--out", "{out}"], id="to-a-file"),
        pytest.param(["--out", "{out}.gz"], id="to-a-gzipd-file"),
        pytest.param(["--out", "-"], id="to-standard-output"),
        pytest.param(["--dry-run", "--diff"], id="dry-run-diff"),
        pytest.param(["--dry-run"], id="dry-run-counts-only"),
    ],
)
def test_repair_on_the_cluster_is_byte_identical_to_a_local_run(cli, scheduler, captures, tmp_path, mode):
    for capture in captures:
        outputs = []
        for where, extra in (("local", ["--jobs", "1"]), ("cluster", ["--dask", scheduler])):
            folder = tmp_path / where / capture  # the same file name: a gzip header holds it
            folder.mkdir(parents=True)
            args = [part.format(out=folder / "fixed") for part in mode]
            result = cli("repair", "--in", capture, *args, *extra)
            assert result.exit_code == 1, result.stderr  # the captures keep findings repair cannot fix
            written = [path.read_bytes() for path in sorted(folder.iterdir())]
            outputs.append((result.stdout.replace(f"/{where}/", "/"), result.stderr, written))
        assert outputs[0] == outputs[1], capture
        if "--out" in mode and mode[1] != "-":
            assert outputs[0][2], capture  # a file was written, and compared


def test_repair_in_place_on_the_cluster(cli, scheduler, captures, tmp_path):
    shutil.copy("big.jsonl", "copy.jsonl")
    local = cli("repair", "big.jsonl", "--in-place")
    on_cluster = cli("repair", "copy.jsonl", "--in-place", "--dask", scheduler)
    assert on_cluster.exit_code == local.exit_code == 1, on_cluster.stderr
    assert Path("copy.jsonl").read_bytes() == Path("big.jsonl").read_bytes()
    assert Path("copy.jsonl.orig").read_bytes() == Path("big.jsonl.orig").read_bytes()


def test_a_repair_that_fails_on_the_cluster_writes_nothing(cli, scheduler, captures, tmp_path):
    model, _ = _dying_model(tmp_path, once=False)
    before = _names_in(tmp_path)
    result = cli("repair", "--in", "big.jsonl", "--out", "fixed.jsonl", "--model", model, "--dask", scheduler)
    assert result.exit_code == 2
    assert result.stderr.startswith("wsfix: error: big.jsonl: failed on the Dask cluster"), result.stderr
    assert _names_in(tmp_path) == before  # no output, no temp file


def _names_in(folder: Path) -> list[str]:
    """The names in `folder` but the bytecode Python may cache there for a model file it imports."""
    return sorted(path.name for path in folder.iterdir() if path.name != "__pycache__")


def test_standard_input_is_read_here(cli, scheduler):
    local = cli("check", "-", "--output-format", "concise", input=SESSION)
    on_cluster = cli("check", "-", "--output-format", "concise", "--dask", scheduler, input=SESSION)
    assert on_cluster.exit_code == local.exit_code == 1, on_cluster.stderr
    assert on_cluster.stdout == local.stdout
    repaired = cli("repair", "--in", "-", "--out", "-", "--dask", scheduler, input=SESSION)
    assert repaired.stdout == (EXAMPLES / "agent-session.repaired.jsonl").read_text()


def test_progress_from_the_cluster_tells_every_byte_once(scheduler, captures):
    import contextlib

    from wsfix.cluster import DaskCluster
    from wsfix.reporters import ReportOptions, build_reporter
    from wsfix.run import check_captures
    from wsfix.settings import Settings

    told: dict[str, list[int]] = {}

    class Bar:
        def __init__(self, path: str) -> None:
            self.path = path

        def advance(self, count: int) -> None:
            told[self.path].append(count)

    @contextlib.contextmanager
    def progress(path: str, size: int):
        told[path] = []
        yield Bar(path)

    reporter = build_reporter("concise", io.StringIO(), ReportOptions(max_rows=None))
    with DaskCluster(scheduler) as cluster:
        check_captures(captures, Settings(), reporter, progress=progress, cluster=cluster)
    sizes = {name: Path(name).stat().st_size for name in captures if not name.endswith(".gz")}
    assert {name: sum(counts) for name, counts in told.items()} == sizes
    assert len(told["big.jsonl"]) > 5  # a range at a time


def test_at_most_a_window_of_tasks_is_in_flight(captures):
    """However many byte ranges and captures, the tasks waiting to be read stay within the window
    (4 per worker thread, 8 at least): results do not pile up on the cluster."""
    from wsfix.cluster import ClusterWork, DaskCluster
    from wsfix.reporters import ReportOptions, build_reporter
    from wsfix.run import check_captures
    from wsfix.settings import Settings

    unread: set[int] = set()
    most = 0

    class Future:
        def __init__(self, function, *args):
            self.value = function(*args)
            unread.add(id(self))

        def result(self):
            unread.discard(id(self))
            return self.value

    class Client:
        def nthreads(self):
            return {"worker": 1}

        def submit(self, function, *args, pure, key):
            nonlocal most
            future = Future(function, *args)
            most = max(most, len(unread))
            return future

    cluster = DaskCluster("unused", chunk_bytes=10_000)
    cluster.client = Client()
    reports = []
    for run_on in (cluster, None):
        out = io.StringIO()
        check_captures(captures * 3, Settings(), build_reporter("concise", out, ReportOptions()), cluster=run_on)
        reports.append(out.getvalue())
    assert most == 8
    assert not unread
    assert reports[0] == reports[1]
    assert isinstance(cluster.work([], Settings(), "check"), ClusterWork)


@pytest.fixture
def timed_log(tmp_path, monkeypatch):
    """A prefixed log with capture times, three senders interleaved (the generated capture of
    issue 15's first must-show: naive Los Angeles times across a DST change, UTC `Z` times and
    garbage), cut into byte ranges of 2 kB, a dozen tasks."""
    from tests.capture_generator import generate

    monkeypatch.setattr(wsfix.cluster, "CLUSTER_CHUNK_BYTES", 2_000)
    _, messages = generate()
    lines = [
        f"{message.captured!r}: "
        + json.dumps({"sender": f"s{message.entry}", "timestamp": message.timestamp}, separators=(",", ":"))
        for message in sorted(messages, key=lambda message: message.captured)
    ]
    (tmp_path / "timed.log").write_text("\n".join(lines) + "\n")
    assert (tmp_path / "timed.log").stat().st_size > 10 * 2_000
    monkeypatch.chdir(tmp_path)
    return "timed.log", ("--format", "prefixed", "--group-by", "sender")


def test_capture_time_evidence_is_gathered_on_the_cluster_as_here(cli, scheduler, timed_log, tmp_path):
    """Each task's evidence comes back with its results: the same findings, summary (which
    quotes the zone the capture times suggest) and clocks as one local process; and `--naive-tz
    auto` (two passes) repairs the same bytes."""
    capture, options = timed_log
    for args in (("check", capture, *options, "--output-format", "json"), ("clocks", capture, *options)):
        local = cli(*args, "--jobs", "1") if args[0] == "check" else cli(*args)
        on_cluster = cli(*args, "--dask", scheduler)
        assert on_cluster.exit_code == local.exit_code, on_cluster.stderr
        assert (on_cluster.stdout, on_cluster.stderr) == (local.stdout, local.stderr)
    assert "America/Los_Angeles" in local.stdout  # the evidence was there to be gathered
    written = []
    for where, extra in (("local", ["--jobs", "1"]), ("cluster", ["--dask", scheduler])):
        out = tmp_path / f"{where}.log"
        result = cli("repair", "--in", capture, "--out", str(out), *options, "--naive-tz", "auto", *extra)
        assert result.exit_code == 1, result.stderr  # the garbage sender's values stay as written
        written.append((out.read_bytes(), result.stderr.replace(where, "")))
    assert written[0] == written[1]
    assert written[0][0] != Path(capture).read_bytes()  # something was repaired

"""Captures named by URL, read from a real S3-speaking server (moto's, on 127.0.0.1, started here):
globs expanded on the store, gzip'd objects read decompressed, and the report the same as for the
same files read locally."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wsfix.capture import open_capture
from wsfix.remote import is_url

s3fs = pytest.importorskip("s3fs", reason="the cloud extra is not installed (pip install 'wsfix[cloud]')")
moto_server = pytest.importorskip("moto.server", reason="moto[server] (a test extra) is not installed")

BUCKET = "captures-bucket"
BAD = b'{"type":"ping","timestamp":"2025-09-08T16:50:01.447585"}\n'
GOOD = b'{"type":"pong","timestamp":1757350201.5}\n'
MS = b'{"type":"chat","timestamp":1757350201447}\n'
FIXED = b'{"type":"ping","timestamp":1757350201.447585}\n'
MS_FIXED = b'{"type":"chat","timestamp":1757350201.447}\n'
# (object key, content): two days matched by the glob below, one day and one name not.
OBJECTS = {
    "captures/2026-12-01/a.jsonl.gz": gzip.compress(GOOD * 3 + BAD + MS, mtime=0),
    "captures/2026-12-01/b.jsonl": BAD + GOOD + b"not json\n" + MS,
    "captures/2026-12-02/c.jsonl": GOOD * 2 + BAD,
    "captures/2026-12-02/notes.txt": BAD,
    "captures/2026-11-30/d.jsonl": BAD,
}
MATCHED = ["captures/2026-12-01/a.jsonl.gz", "captures/2026-12-01/b.jsonl", "captures/2026-12-02/c.jsonl"]


@pytest.fixture(scope="module")
def s3_endpoint():
    """A moto S3 server on 127.0.0.1 (a free port), stopped after this module's tests."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch, tmp_path):
    """The bucket with OBJECTS, credentials and endpoint as fsspec finds them (the environment);
    returns a local folder holding the same files."""
    for name, value in {
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    s3fs.S3FileSystem.clear_instance_cache()
    filesystem = s3fs.S3FileSystem()
    if not filesystem.exists(BUCKET):
        filesystem.mkdir(BUCKET)
    for key, data in OBJECTS.items():
        filesystem.pipe(f"{BUCKET}/{key}", data)
        local = tmp_path / key
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(data)
    yield tmp_path
    s3fs.S3FileSystem.clear_instance_cache()


@pytest.mark.parametrize("output_format", ["concise", "json", "jsonl"])
def test_a_glob_on_the_store_reports_as_the_same_local_files(cli, bucket, output_format):
    remote = cli("check", f"s3://{BUCKET}/captures/2026-12-*/*.jsonl*", "--output-format", output_format)
    local = cli("check", *(str(bucket / key) for key in MATCHED), "--output-format", output_format)
    assert remote.exit_code == local.exit_code == 1, remote.stderr
    assert remote.stdout.replace(f"s3://{BUCKET}/", f"{bucket}/") == local.stdout
    for key in MATCHED:
        assert f"s3://{BUCKET}/{key}" in remote.stdout
    assert "2026-11-30" not in remote.stdout and "notes.txt" not in remote.stdout


def test_a_prefix_is_searched_as_a_folder_is(cli, bucket):
    remote = cli("check", f"s3://{BUCKET}/captures/2026-12-01/", "--output-format", "concise")
    assert remote.exit_code == 1
    assert remote.stdout.splitlines()[-1].startswith("Checked 9 lines in 2 files: ")


def test_a_missing_object_is_unreadable_input(cli, bucket):
    result = cli("check", f"s3://{BUCKET}/captures/nothing.jsonl", "--output-format", "concise")
    assert result.exit_code == 2
    assert f"s3://{BUCKET}/captures/nothing.jsonl:1:1: WS005 [error] no such object" in result.stdout
    assert "testing" not in result.stdout + result.stderr  # no credential in a report


def test_an_object_knows_its_size_unless_gzipd(bucket):
    with open_capture(f"s3://{BUCKET}/captures/2026-12-01/b.jsonl") as stream:
        assert stream.stored_size() == len(OBJECTS["captures/2026-12-01/b.jsonl"])
        assert stream.read() == OBJECTS["captures/2026-12-01/b.jsonl"]
    with open_capture(f"s3://{BUCKET}/captures/2026-12-01/a.jsonl.gz") as stream:
        assert stream.read() == gzip.decompress(OBJECTS["captures/2026-12-01/a.jsonl.gz"])
        assert stream.stored_size() is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("s3://bucket/key.jsonl", True, id="s3"),
        pytest.param("memory://x/y", True, id="memory"),
        pytest.param("file:///tmp/x.jsonl", True, id="file-url"),
        pytest.param("capture.jsonl", False, id="relative"),
        pytest.param("/tmp/s3:/x.jsonl", False, id="colon-in-a-local-path"),
        pytest.param(r"C:\captures\x.jsonl", False, id="windows-drive"),
        pytest.param("-", False, id="stdin"),
    ],
)
def test_is_url(path, expected):
    assert is_url(path) is expected


def test_a_local_path_never_imports_fsspec(tmp_path):
    capture = tmp_path / "capture.jsonl"
    capture.write_bytes(BAD + GOOD)
    script = textwrap.dedent(
        f"""
        import sys
        from wsfix.cli import app
        try:
            app(["check", {str(capture)!r}, "--output-format", "concise"])
        except SystemExit as stop:
            loaded = [name for name in ("fsspec", "s3fs", "wsfix.remote", "distributed") if name in sys.modules]
            sys.stderr.write(f"exit {{stop.code}}, loaded: {{loaded}}\\n")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}
    )
    assert "exit 1, loaded: []" in result.stderr, result.stderr


def test_repair_reads_an_object_and_writes_a_local_file(cli, bucket, tmp_path):
    key = "captures/2026-12-01/a.jsonl.gz"
    remote = cli("repair", "--in", f"s3://{BUCKET}/{key}", "--out", str(tmp_path / "from-s3.jsonl"), "-q")
    local = cli("repair", "--in", str(bucket / key), "--out", str(tmp_path / "from-disk.jsonl"), "-q")
    assert remote.exit_code == local.exit_code == 0, remote.stderr
    assert (tmp_path / "from-s3.jsonl").read_bytes() == (tmp_path / "from-disk.jsonl").read_bytes()


@pytest.mark.parametrize("name", ["b.jsonl", "b.jsonl.gz"])
def test_repair_writes_an_object_as_a_local_file_is_written(cli, bucket, tmp_path, name):
    source = "captures/2026-12-01/b.jsonl"
    remote = cli("repair", "--in", f"s3://{BUCKET}/{source}", "--out", f"s3://{BUCKET}/fixed/{name}", "-q")
    (tmp_path / "local").mkdir()
    local = cli("repair", "--in", str(bucket / source), "--out", str(tmp_path / "local" / name), "-q")
    assert remote.exit_code == local.exit_code == 1, remote.stderr  # "not json" stays
    assert s3fs.S3FileSystem().cat(f"{BUCKET}/fixed/{name}") == (tmp_path / "local" / name).read_bytes()


def test_repair_a_glob_into_a_prefix(cli, bucket):
    result = cli("repair", f"s3://{BUCKET}/captures/2026-12-*/*.jsonl", "--out", f"s3://{BUCKET}/mirror/", "-q")
    assert result.exit_code == 1, result.stderr  # "not json" stays
    filesystem = s3fs.S3FileSystem()
    filesystem.invalidate_cache()
    assert filesystem.cat(f"{BUCKET}/mirror/b.jsonl") == FIXED + GOOD + b"not json\n" + MS_FIXED
    assert filesystem.cat(f"{BUCKET}/mirror/c.jsonl") == GOOD * 2 + FIXED
    assert sorted(filesystem.ls(f"{BUCKET}/mirror")) == [f"{BUCKET}/mirror/b.jsonl", f"{BUCKET}/mirror/c.jsonl"]


def test_an_existing_object_is_replaced_only_with_force(cli, bucket):
    source, target = f"s3://{BUCKET}/captures/2026-12-02/c.jsonl", f"s3://{BUCKET}/captures/2026-12-01/b.jsonl"
    refused = cli("repair", "--in", source, "--out", target)
    assert refused.exit_code == 2
    assert refused.stderr == f"wsfix: error: {target}: already exists (use --force to overwrite it)\n"
    assert s3fs.S3FileSystem().cat(target.removeprefix("s3://")) == OBJECTS["captures/2026-12-01/b.jsonl"]
    forced = cli("repair", "--in", source, "--out", target, "--force", "-q")
    assert forced.exit_code == 0, forced.stderr
    assert s3fs.S3FileSystem().cat(target.removeprefix("s3://")) == GOOD * 2 + FIXED


def test_a_repair_that_fails_leaves_no_object(cli, bucket):
    filesystem = s3fs.S3FileSystem()
    # Cut short past its first MiB (read to detect the format): it fails once the object is open.
    filesystem.pipe(f"{BUCKET}/cut/short.jsonl.gz", gzip.compress((GOOD + BAD) * 20000, mtime=0)[:-40])
    result = cli("repair", "--in", f"s3://{BUCKET}/cut/short.jsonl.gz", "--out", f"s3://{BUCKET}/fixed/short.jsonl")
    assert result.exit_code == 2
    assert "not a valid gzip file" in result.stderr and result.stderr.count("\n") == 1, result.stderr
    filesystem.invalidate_cache()
    assert not filesystem.exists(f"{BUCKET}/fixed/short.jsonl")


def test_a_capture_in_object_storage_is_not_repaired_in_place(cli, bucket):
    result = cli("repair", "--in", f"s3://{BUCKET}/captures/2026-12-01/b.jsonl", "--in-place")
    assert result.exit_code == 2
    assert "is not repaired in place" in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert s3fs.S3FileSystem().cat(f"{BUCKET}/captures/2026-12-01/b.jsonl") == OBJECTS["captures/2026-12-01/b.jsonl"]


def test_a_dask_cluster_reads_the_objects_itself(cli, bucket, monkeypatch):
    """Each worker reads its object, or its byte range of a large one, from the store."""
    pytest.importorskip("distributed", reason="the dask extra is not installed (pip install 'wsfix[dask]')")
    import wsfix.cluster

    monkeypatch.setattr(wsfix.cluster, "CLUSTER_CHUNK_BYTES", 2_000)
    session = (Path(__file__).parent.parent / "examples" / "agent-session.jsonl").read_bytes()
    filesystem = s3fs.S3FileSystem()
    filesystem.pipe(f"{BUCKET}/big/session.jsonl", session * 4)
    (bucket / "big").mkdir()
    (bucket / "big" / "session.jsonl").write_bytes(session * 4)
    names = [*MATCHED, "big/session.jsonl"]
    # The workers, started now, take the credentials and endpoint from the environment as set.
    remote = cli("check", *(f"s3://{BUCKET}/{name}" for name in names), "--output-format", "json", "--dask", "local:2")
    local = cli("check", *(str(bucket / name) for name in names), "--output-format", "json")
    assert remote.exit_code == local.exit_code == 1, remote.stderr
    assert remote.stdout.replace(f"s3://{BUCKET}/", f"{bucket}/") == local.stdout

"""A team catalogue in PostgreSQL, tagged by several `vistag-cli tag --server` workers at once.

Real processes, real HTTP on 127.0.0.1 (a fake OpenAI-compatible server that takes ~0.4 s per
answer and counts the requests per image) and the real PostgreSQL test server (CTest fixture
vistag_pg; by hand: `bash scripts/pg_test_server.sh start /tmp/pg && source /tmp/pg/env`).

- Two workers on the same images join one batch; one is killed with SIGKILL in the middle of a
  request: the survivor (or, at most, one rerun of the same command) finishes the batch, every
  image is tagged, and only the image the dead worker was asking about is asked twice.
- The database server stops for ~2 s in the middle of a batch: the worker carries on or stops
  with a plain message, and the same command run again finishes the batch.
- A refused password gives exit code 10 and a plain message without the password.

Each test works in a database of its own (created and dropped here); one test pauses the server,
so CTest runs this file under RESOURCE_LOCK vistag_pg_server.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import subprocess
import time
import urllib.parse
import uuid

import pytest

from conftest import cli_path
from fake_chat_server import MODEL, FakeServer, image_key, make_images, server  # noqa: F401

FLAT_TAXONOMY = (pathlib.Path(__file__).resolve().parents[2] / "tests" / "data"
                 / "taxonomy_v1_apparel.json")
from vistag_fixtures import REPO

CATALOGUE_ERROR = 10  # cmd_tag.cpp kCatalogueError


# ---- PostgreSQL ---------------------------------------------------------------------------------

def psql(uri: str, sql: str, check=True) -> list[list[str]]:
    if not shutil.which("psql"):
        pytest.skip("psql (PostgreSQL client) is not installed")
    r = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                        "-d", uri, "-c", sql], capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        raise AssertionError(f"psql {sql!r} exited {r.returncode}: {r.stderr}")
    return [line.split("\t") for line in r.stdout.splitlines() if line]


def with_database(uri: str, name: str) -> str:
    u = urllib.parse.urlsplit(uri)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))


@pytest.fixture
def team_db(pg_uri):
    """The URI of a new, empty database for this test (dropped afterwards)."""
    name = "vistag_team_" + uuid.uuid4().hex[:10]
    psql(pg_uri, f"CREATE DATABASE {name}")
    try:
        yield with_database(pg_uri, name)
    finally:
        if pg_running():
            psql(pg_uri, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", check=False)


def pg_dir() -> pathlib.Path | None:
    """The folder of the test server (scripts/pg_test_server.sh), for pause and resume."""
    f = os.environ.get("VISTAG_TEST_PG_URI_FILE")
    if not f:
        return None
    d = pathlib.Path(f).parent
    return d if (d / ".vistag-pg-test").is_file() else None


def pg_script(cmd: str, check=True) -> subprocess.CompletedProcess:
    d = pg_dir()
    r = subprocess.run(["bash", str(REPO / "scripts" / "pg_test_server.sh"), cmd, str(d)],
                       capture_output=True, text=True, timeout=90)
    if check and r.returncode != 0:
        raise AssertionError(f"pg_test_server.sh {cmd} exited {r.returncode}: {r.stderr}")
    return r


def pg_running() -> bool:
    if pg_dir() is None:
        return True  # not ours to manage: assume it is up
    return pg_script("status", check=False).returncode == 0


def batch_state(uri: str) -> tuple[int, dict[str, int]]:
    batches = int(psql(uri, "SELECT count(*) FROM batches")[0][0])
    items = {s: int(n) for s, n in psql(uri, "SELECT status, count(*) FROM batch_items "
                                             "GROUP BY status")}
    return batches, items


# ---- vistag-cli ---------------------------------------------------------------------------------

def tag_command(server: FakeServer, db: str, images) -> list[str]:
    # The flat version-1 taxonomy: one request per image, so that the count of requests per
    # image tells an image asked again (the built-in tree asks a server twice per image by
    # design: the category, then its attributes; see test_category_tagging).
    return [cli_path(), "tag", "--server", server.url, "--model-name", MODEL, "--db", db,
            "--language", "en", "--timeout", "30", "--taxonomy", str(FLAT_TAXONOMY),
            *map(str, images)]


class Worker:
    """A `vistag-cli tag` process whose output goes to files (no pipe to fill up)."""

    def __init__(self, cmd: list[str], folder: pathlib.Path, name: str):
        folder.mkdir(parents=True, exist_ok=True)
        self.out_path, self.err_path = folder / f"{name}.out", folder / f"{name}.err"
        self.name = name
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=folder)

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"{self.name} did not finish within {timeout} s\n{self.output()}")

    @property
    def stdout(self) -> str:
        return self.out_path.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def output(self) -> str:
        return (f"--- {self.name} exit {self.proc.returncode}\nstdout:\n{self.stdout}"
                f"stderr:\n{self.stderr}")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run_once(cmd, folder: pathlib.Path, name: str, timeout=180) -> Worker:
    w = Worker(cmd, folder, name)
    w.wait(timeout)
    print(w.output())
    return w


def wait_for(predicate, timeout: float, what: str, workers=(), step=0.02):
    """Polls until predicate() holds; fails at once (with their output) if a worker exits."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        ended = [w for w in workers if w.proc.poll() is not None]
        if ended:
            raise AssertionError(f"a worker exited while waiting for {what}\n" +
                                 "\n".join(w.output() for w in ended))
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n" +
                         "\n".join(w.output() for w in workers))


def exported_tags(db: str, cwd: pathlib.Path) -> dict[str, dict]:
    r = subprocess.run([cli_path(), "export", "--db", db, "--format", "jsonl", "--out", "-",
                        "--all"], capture_output=True, timeout=120, cwd=cwd)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    rows = [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()]
    return {pathlib.Path(row["id"]).name: row["tags"] for row in rows}


def check_finished(db: str, server: FakeServer, images, cwd: pathlib.Path):
    """Every image tagged, every item of the one batch done, no image asked more than twice."""
    batches, items = batch_state(db)
    assert batches == 1, f"{batches} batches were created, expected the workers to share one"
    assert items == {"done": len(images)}, items
    tags = exported_tags(db, cwd)
    assert sorted(tags) == sorted(p.name for p in images), sorted(tags)
    untagged = [name for name, t in tags.items() if not t]
    assert not untagged, f"images without tags: {untagged}"
    asks = server.snapshot()[0]
    keys = {image_key(p.read_bytes()): p.name for p in images}
    assert set(asks) <= set(keys), "a request about an image that is not in the batch"
    per_image = {keys[k]: n for k, n in asks.items()}
    print("asks per image:", dict(sorted(per_image.items())))
    assert set(asks) == set(keys), "an image was tagged without the server being asked"
    assert max(asks.values()) <= 2, per_image
    return asks


# ---- tests --------------------------------------------------------------------------------------

N_IMAGES = 20


def test_two_workers_one_killed(server, team_db, tmp_path):
    images = make_images(tmp_path / "images", N_IMAGES)
    cmd = tag_command(server, team_db, images)
    run_dir = tmp_path / "run"
    start = time.monotonic()
    a = Worker(cmd, run_dir, "worker_a")
    b = Worker(cmd, run_dir, "worker_b")
    try:
        # Both workers are in the middle of a request (one each: each waits for its answer)
        # once a few images are done; then one of them dies without a word.
        wait_for(lambda: server.total_answered() >= 4 and sum(server.snapshot()[2].values()) >= 2,
                 60, "a few answers and both workers asking", workers=(a, b))
        a.proc.send_signal(signal.SIGKILL)
        in_flight_at_kill = set(server.snapshot()[2])
        a.proc.wait(timeout=10)
        print(f"killed worker_a after {time.monotonic() - start:.1f} s; in flight:",
              len(in_flight_at_kill))
        assert a.proc.returncode == -signal.SIGKILL

        rc = b.wait(180)
        print(b.output())
        assert rc in (0, 1), b.output()
        assert " 0 failed" in b.stdout, b.output()
        batches, items = batch_state(team_db)
        print("after the survivor:", batches, "batch(es),", items)
        if items != {"done": N_IMAGES}:
            # The survivor ran out of pending items before the dead worker's item came back:
            # the same command run again finishes it.
            assert rc == 1, b.output()
            again = run_once(cmd, run_dir, "rerun")
            assert again.proc.returncode == 0, again.output()
            assert "Resuming batch" in again.stderr, again.output()
        else:
            assert rc == 0, b.output()
    finally:
        a.kill()
        b.kill()

    asks = check_finished(team_db, server, images, tmp_path)
    twice = {k for k, n in asks.items() if n == 2}
    assert len(twice) <= 1 and twice <= in_flight_at_kill, (twice, in_flight_at_kill)
    assert sum(asks.values()) <= N_IMAGES + 1, asks
    # Each process probed the server's structured output once before its first image.
    assert 2 <= server.probes <= 3
    print(f"test_two_workers_one_killed: {time.monotonic() - start:.1f} s")


def test_database_paused_mid_batch(server, team_db, tmp_path):
    if pg_dir() is None:
        pytest.skip("the PostgreSQL test server was not started by scripts/pg_test_server.sh "
                    "(VISTAG_TEST_PG_URI_FILE does not point into its folder): cannot pause it")
    n = 12
    images = make_images(tmp_path / "images", n)
    cmd = tag_command(server, team_db, images)
    run_dir = tmp_path / "run"
    start = time.monotonic()
    w = Worker(cmd, run_dir, "worker")
    paused = False
    try:
        wait_for(lambda: server.total_answered() >= 3, 60, "three answers", workers=(w,))
        pg_script("pause")
        paused = True
        print(f"paused PostgreSQL after {server.total_answered()} answers")
        time.sleep(2)
        pg_script("resume")
        paused = False
        rc = w.wait(180)
        print(w.output())
    finally:
        w.kill()
        if paused:
            pg_script("resume", check=False)

    if rc != 0:
        # Stopped: with a plain message about the catalogue, not a crash.
        assert rc > 0, w.output()
        assert "catalogue" in w.stderr, w.output()
        again = run_once(cmd, run_dir, "rerun")
        assert again.proc.returncode == 0, again.output()
    else:
        print("the worker carried on through the pause")
    asks = check_finished(team_db, server, images, tmp_path)
    assert sum(asks.values()) <= n + 1, asks
    print(f"test_database_paused_mid_batch: {time.monotonic() - start:.1f} s")


def test_wrong_password_plain_message(server, pg_uri, tmp_path):
    port = urllib.parse.urlsplit(pg_uri).port
    (image,) = make_images(tmp_path / "images", 1)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    db = f"postgresql://vistag:wrong@127.0.0.1:{port}/x"
    r = subprocess.run(tag_command(server, db, [image]), capture_output=True, cwd=cwd, timeout=60)
    err = r.stderr.decode(errors="replace")
    print(f"exit {r.returncode}; stderr: {err}")
    assert r.returncode == CATALOGUE_ERROR, err
    assert "refused the user name or password" in err, err
    assert "wrong" not in err.lower(), err
    assert "QPSQL" not in err, err
    assert list(cwd.iterdir()) == [], list(cwd.iterdir())  # no folder "postgresql:" or file
    assert sum(server.asks.values()) == 0 and server.probes == 0

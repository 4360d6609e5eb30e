"""`vistag-cli tag` and `export` end to end with the tiny model and a real SQLite catalogue:
a batch killed with SIGKILL at random moments, many times, keeps the database intact, keeps every
stored decision, and resumes and finishes; one bad image fails alone; exports read back."""
from __future__ import annotations

import csv
import json
import os
import pathlib
import random
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import cli_path, run_cli
from test_engine_parity import make_png

N_IMAGES = 30
TAG_ANSWER = '{"category": "dress", "style": ["boho"], "pattern": "floral", "season": ["spring", "summer"]}'
# What a constrained run keeps beside its answer, so that a cache hit restores the values.
TAG_VALUES = json.dumps([{"attribute": a, "value": v, "text": v} for a, v in
                         [("category", "dress"), ("style", "boho"), ("pattern", "floral"),
                          ("season", "spring"), ("season", "summer")]])


def tag_cmd(model, db, *paths, mode="append"):
    return [cli_path(), "tag", "--model", str(model), "--db", str(db), "--mode", mode,
            "--max-new-tokens", "16", "--max-pixels", "65536", "--device", "cpu", *map(str, paths)]


def tags(db):
    con = sqlite3.connect(db)
    try:
        return set(con.execute("select attribute, value_code, status, coalesce(image_id, 0), "
                               "coalesce(sku_group, '') from tags").fetchall())
    finally:
        con.close()


def integrity(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("pragma integrity_check").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def image_dir(work_dir):
    d = work_dir / "batch-images"
    d.mkdir(exist_ok=True)
    for i in range(N_IMAGES):
        make_png(d / f"p{i:02d}.png", 64 + 13 * i, 96, seed=100 + i)
    return d


def test_kill_9_many_times_then_resume(tiny_model, image_dir, work_dir):
    model = tiny_model[0]
    db = work_dir / "kill.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(str(db) + suffix):
            os.remove(str(db) + suffix)
    # First, every image through once, so that the result cache holds answers; then give half
    # of the cached answers tag-rich text and start over with an empty tag set: the kill loop
    # then exercises both cache hits that store tags and fresh model runs.
    run_cli(*tag_cmd(model, db, image_dir)[1:], timeout=600)
    con = sqlite3.connect(db)
    with con:
        runs = con.execute("select id from runs order by id").fetchall()
        assert len(runs) == N_IMAGES
        for (rid,) in runs[: N_IMAGES // 2]:
            con.execute("update runs set answer = ?, tags_json = ? where id = ?",
                        (TAG_ANSWER, TAG_VALUES, rid))
        for (rid,) in runs[N_IMAGES // 2 :]:
            con.execute("delete from runs where id = ?", (rid,))
        con.execute("delete from tags")
        con.execute("delete from batch_items")
        con.execute("delete from batches")
    con.close()

    rng = random.Random(1)
    seen = set()
    kills = 0
    for attempt in range(12):
        proc = subprocess.Popen(tag_cmd(model, db, image_dir), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.05, 1.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=120)
        assert integrity(db) == "ok"
        now = tags(db)
        assert seen <= now, f"tags lost after a kill: {seen - now}"
        seen = now
    assert kills >= 6, "the loop should have killed the process many times"
    # Left alone, the same command resumes the interrupted batch and finishes it.
    r = subprocess.run(tag_cmd(model, db, image_dir), capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert integrity(db) == "ok"
    assert seen <= tags(db)
    seen = tags(db)
    con = sqlite3.connect(db)
    states = con.execute("select batch_id, status, count(*) from batch_items "
                         "group by 1, 2 order by 1").fetchall()
    con.close()
    # Every batch ran to the end: all items done, none pending, running or failed.
    assert all(status == "done" and n == N_IMAGES for _, status, n in states), states
    print(f"{kills} kills; batches {states}")
    # The cached tag-rich answers produced their tags.
    values = {(a, v) for a, v, *_ in seen}
    assert {("category", "dress"), ("style", "boho"), ("season", "summer")} <= values


def test_bad_image_fails_alone_and_export_round_trip(tiny_model, image_dir, work_dir):
    model = tiny_model[0]
    db = work_dir / "export.sqlite"
    bad = work_dir / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    r = run_cli(*tag_cmd(model, db, image_dir / "p00.png", image_dir / "p01.png", bad)[1:],
                check=False, timeout=300)
    assert r.returncode == 1, r.stderr
    summary = r.stdout.decode()
    assert "3 images" in summary and "2 tagged" in summary and "1 failed" in summary, summary
    assert "broken.png" in summary

    out = work_dir / "tags.csv"
    r = run_cli("export", "--db", db, "--format", "csv", "--out", out, "--all")
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 3  # every image has its row, tagged or not
    assert {"id", "image_link", "item_group_id", "product_type", "color"} <= set(rows[0])
    jl = work_dir / "tags.jsonl"
    run_cli("export", "--db", db, "--format", "jsonl", "--out", jl)
    assert len([json.loads(l) for l in jl.read_text().splitlines()]) == 3
    # "-" is standard output (the summary goes to standard error), and no file named "-".
    r = run_cli("export", "--db", db, "--format", "jsonl", "--out", "-")
    assert r.stdout.decode().splitlines() == jl.read_text().splitlines()
    assert "3 rows to standard output" in r.stderr.decode()
    r = run_cli("export", "--db", db, "--format", "csv", "--out", "-", "--all")
    assert not r.stdout.startswith(b"\xef\xbb\xbf")  # no byte-order mark in a pipe
    assert len(list(csv.DictReader(r.stdout.decode().splitlines()))) == 3
    assert not (pathlib.Path.cwd() / "-").exists()
    side = work_dir / "sidecars"
    side.mkdir(exist_ok=True)
    run_cli("export", "--db", db, "--format", "txt", "--out", side)
    assert len(list(side.glob("*.txt"))) == 3
    r = run_cli("export", "--db", db, "--format", "bmp", "--out", side, check=False)
    assert r.returncode == 2


def test_concurrent_workers_give_the_same_tags(tiny_model, image_dir, work_dir):
    """--concurrency 4 with the local engine: the workers' questions decode together in the
    engine's batch, and the catalogue ends up with exactly the tags of one image at a time
    (greedy decoding: the batch changes nothing in an answer)."""
    folder, _model, _tok = tiny_model
    images = sorted(image_dir.iterdir())[:8]
    one = work_dir / "one-at-a-time.sqlite"
    four = work_dir / "four-at-once.sqlite"
    for db in (one, four):
        db.unlink(missing_ok=True)
    r1 = subprocess.run(tag_cmd(folder, one, *images), capture_output=True, timeout=600)
    assert r1.returncode == 0, r1.stderr.decode(errors="replace")
    r4 = subprocess.run(tag_cmd(folder, four, *images) + ["--concurrency", "4"],
                        capture_output=True, timeout=600)
    assert r4.returncode == 0, r4.stderr.decode(errors="replace")
    assert b"8 tagged" in r4.stdout, r4.stdout
    con1, con4 = sqlite3.connect(one), sqlite3.connect(four)
    try:
        q = ("select i.path, r.answer from runs r join images i on i.id = r.image_id "
             "order by i.path")
        answers1, answers4 = con1.execute(q).fetchall(), con4.execute(q).fetchall()
        # Each of the four connections is a worker of its own in the queue.
        workers = {w for (w,) in con4.execute("select distinct worker from batch_items")}
    finally:
        con1.close()
        con4.close()
    assert len(answers1) == 8
    assert answers4 == answers1
    assert tags(four) == tags(one)
    print("workers that took items:", sorted(workers))
    assert all(w.startswith("local:") for w in workers), workers

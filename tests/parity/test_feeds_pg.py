"""Product feeds on a team catalogue (PostgreSQL, the throwaway server of tests/pg): the Shopify
import of test_feeds.py — failures, a rerun without requests, --retry-failed — and exports that are
byte for byte those of the same import into a SQLite file."""
from __future__ import annotations

import shutil
import subprocess
import urllib.parse
import uuid

import pytest

from conftest import run_cli
from test_feeds import HOST, host, shopify_rows, write_shopify  # noqa: F401


def psql(uri: str, sql: str, check=True):
    if not shutil.which("psql"):
        pytest.skip("psql (PostgreSQL client) is not installed")
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        raise AssertionError(f"psql {sql!r} exited {r.returncode}: {r.stderr}")
    return r.stdout.split()


@pytest.fixture
def team_db(pg_uri):
    name = "vistag_feeds_" + uuid.uuid4().hex[:10]
    psql(pg_uri, f"CREATE DATABASE {name}")
    u = urllib.parse.urlsplit(pg_uri)
    try:
        yield urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))
    finally:
        psql(pg_uri, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", check=False)


def test_shopify_feed_on_postgres(host, team_db, tmp_path):  # noqa: F811
    feed = tmp_path / "products_export.csv"
    write_shopify(feed, shopify_rows(host))
    sqlite = tmp_path / "cat.sqlite"
    for db in (team_db, sqlite):
        r = run_cli("import", "--db", db, feed, "--timeout", "1", "--images",
                    tmp_path / "images", check=False, timeout=120)
        assert r.returncode == 1, r.stderr.decode()
        assert "3 products: 3 new" in r.stdout.decode()
    assert psql(team_db, "SELECT count(*) FROM product_images WHERE status = 'done'") == ["4"]
    assert psql(team_db, "SELECT count(*) FROM tags WHERE source = 'feed'") == ["5"]

    before = HOST.total()
    r = run_cli("import", "--db", team_db, feed, "--timeout", "1", "--images",
                tmp_path / "images", check=False, timeout=120)
    assert "3 unchanged" in r.stdout.decode() and HOST.total() == before

    HOST.fixed = True
    try:
        for db in (team_db, sqlite):
            r = run_cli("import", "--db", db, "--retry-failed", "--images", tmp_path / "images",
                        "--timeout", "2", check=False, timeout=120)
            assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    finally:
        HOST.fixed = False

    for fmt in ("shopify", "merchant"):
        pg_out, file_out = tmp_path / f"pg.{fmt}", tmp_path / f"file.{fmt}"
        run_cli("export", "--db", team_db, "--format", fmt, "--out", pg_out)
        run_cli("export", "--db", sqlite, "--format", fmt, "--out", file_out)
        assert pg_out.read_bytes() == file_out.read_bytes()

"""`vistag-cli review` and `vistag-cli report` against an independent computation.

A real catalogue: `vistag-cli tag --server` tags 64 small images through the fake chat server on
127.0.0.1 (fake_chat_server.py) with a five-attribute taxonomy. The fake server gives no
confidences, so the test writes the model's confidences itself (on a 0.05 grid: many ties), and
people's decisions come from `vistag-cli review import` (accepted unchanged / fixed) plus plain
rejections written as the window writes them. Then, per attribute:

- the counts, the 95 % Wilson lower bound (computed here in Python), bins, coverage points;
- the calibration points against scikit-learn's IsotonicRegression(out_of_bounds="clip");
- the auto-accept threshold against a brute-force search over every reviewed confidence;
- auto-accept accepts exactly the pending suggestions at or above the threshold, each audited
  with its rule; stats do not count them; `review undo` restores every one;
- --dry-run writes nothing; bad input is named and changes nothing;
- the HTML report carries the same numbers, needs no network, and headless Chromium renders it
  (screenshots in English and Chinese in build/test-artifacts/).

Attributes: colour (confidence tracks correctness), pattern (weakly), fit (all correct), neckline
(all wrong) and sleeve (three reviews only: tiny counts).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import pathlib
import random
import shutil
import sqlite3
import subprocess
import threading

import numpy as np
import pytest
from sklearn.isotonic import IsotonicRegression

from conftest import cli_path
from fake_chat_server import MODEL, FakeServer, make_images, server  # noqa: F401

N_IMAGES = 64
Z = 1.96

TAXONOMY = {
    "format": "vistag-taxonomy",
    "name": "review-test",
    "attributes": [
        {"code": "colour", "zh": "颜色", "en": "Colour",
         "values": [{"code": c, "zh": z, "en": c.title()} for c, z in
                    [("red", "红"), ("blue", "蓝"), ("green", "绿"), ("black", "黑"),
                     ("white", "白")]]},
        {"code": "pattern", "zh": "图案", "en": "Pattern",
         "values": [{"code": c, "zh": z, "en": c.title()} for c, z in
                    [("plain", "纯色"), ("striped", "条纹"), ("floral", "碎花"),
                     ("checked", "格子")]]},
        {"code": "fit", "zh": "版型", "en": "Fit",
         "values": [{"code": "slim", "zh": "修身", "en": "Slim"},
                    {"code": "loose", "zh": "宽松", "en": "Loose"}]},
        {"code": "neckline", "zh": "领型", "en": "Neckline",
         "values": [{"code": "crew", "zh": "圆领", "en": "Crew"},
                    {"code": "vneck", "zh": "V领", "en": "V-neck"},
                    {"code": "boat", "zh": "一字领", "en": "Boat"}]},
        {"code": "sleeve", "zh": "袖长", "en": "Sleeve",
         "values": [{"code": "short", "zh": "短袖", "en": "Short"},
                    {"code": "long", "zh": "长袖", "en": "Long"}]},
    ],
}
VALUES = {a["code"]: [v["code"] for v in a["values"]] for a in TAXONOMY["attributes"]}


def run(*args, ok=True, timeout=120):
    r = subprocess.run([cli_path(), *map(str, args)], capture_output=True, text=True,
                       timeout=timeout)
    if ok:
        assert r.returncode == 0, f"{args}: rc {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def wilson(k: int, n: int) -> float:
    if n == 0:
        return 0.0
    p = k / n
    return (p + Z * Z / (2 * n) - Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))) / (
        1 + Z * Z / n)


def brute_threshold(samples, p_min, m_min):
    """The lowest reviewed confidence c with n(>= c) >= M and Wilson(k, n) >= P, else None."""
    best = None
    for c in sorted({c for c, _ in samples}):
        above = [ok for conf, ok in samples if conf >= c]
        n, k = len(above), sum(above)
        if n >= m_min and wilson(k, n) >= p_min:
            best = c if best is None else min(best, c)
    return best


def file_digest(path: pathlib.Path) -> str:
    """The catalogue's content (its rows), independent of SQLite's file layout."""
    con = sqlite3.connect(path)
    h = hashlib.sha256()
    for table in ("images", "tags", "audit", "rule_runs", "review_rules"):
        for row in con.execute(f"SELECT * FROM {table} ORDER BY id"):
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


class Catalogue:
    """The tagged catalogue and the decisions the test made on it."""

    def __init__(self, folder: pathlib.Path, srv):
        self.folder = folder
        self.db = folder / "shop.sqlite"
        self.taxonomy = folder / "taxonomy.json"
        self.taxonomy.write_text(json.dumps(TAXONOMY, ensure_ascii=False))
        images = make_images(folder / "images", N_IMAGES)
        srv.delay = 0.01
        run("tag", "--server", srv.url, "--model-name", MODEL, "--db", self.db, "--taxonomy",
            self.taxonomy, "--language", "en", "--timeout", "30", "--concurrency", "4", *images,
            timeout=600)
        con = sqlite3.connect(self.db)
        rows = con.execute("SELECT t.id, t.image_id, t.attribute, t.value_code, i.path FROM tags t "
                           "JOIN images i ON i.id = t.image_id WHERE t.source LIKE 'model:%' "
                           "ORDER BY t.id").fetchall()
        assert len(rows) == N_IMAGES * len(VALUES), "every image gets one value per attribute"
        rnd = random.Random(26)
        self.truth = {}      # tag id -> ("accepted" | "fixed" | "rejected" | "pending")
        self.conf = {}       # tag id -> confidence
        self.attr = {}       # tag id -> attribute
        answers = []         # (image, attribute, value) for review import
        reviewed_sleeve = 0
        for tag_id, image_id, attribute, value, path in rows:
            c = round(rnd.randrange(0, 21) * 0.05, 2)  # 0.0 .. 1.0, ties on a 0.05 grid
            if attribute == "colour":
                c = round(0.3 + rnd.randrange(0, 15) * 0.05, 2)
                right = rnd.random() < c ** 0.5
            elif attribute == "pattern":
                right = rnd.random() < 0.55 + 0.2 * c
            elif attribute == "fit":
                right = True
            elif attribute == "neckline":
                right = False
            else:
                right = rnd.random() < 0.5
            pending = image_id % 4 == 0  # a quarter of the catalogue is not reviewed yet
            if attribute == "sleeve":
                pending = reviewed_sleeve >= 3
                reviewed_sleeve += 0 if pending else 1
            self.conf[tag_id] = c
            self.attr[tag_id] = attribute
            con.execute("UPDATE tags SET confidence = ? WHERE id = ?", (c, tag_id))
            if pending:
                self.truth[tag_id] = "pending"
                continue
            # The image named three ways: id, path, file name.
            who = [str(image_id), path, pathlib.Path(path).name][tag_id % 3]
            if right:
                self.truth[tag_id] = "accepted"
                answers.append((who, attribute, value))
            elif image_id % 3 == 0:
                self.truth[tag_id] = "rejected"
                con.execute("UPDATE tags SET status = 'rejected', decided_by = 'anna', "
                            "decided_at = '2026-12-01T10:00:00.000Z', version = version + 1 "
                            "WHERE id = ?", (tag_id,))
            else:
                self.truth[tag_id] = "fixed"
                other = next(v for v in VALUES[attribute] if v != value)
                answers.append((who, attribute, other))
        con.commit()
        con.close()
        self.answers = folder / "answers.csv"
        with open(self.answers, "w", encoding="utf-8") as f:
            f.write("image,attribute,value\n")
            for who, attribute, value in answers:
                quoted = '"' + who.replace('"', '""') + '"' if "," in who else who
                f.write(f"{quoted},{attribute},{value}\n")
        self.n_answers = len(answers)

    def samples(self, attribute):
        return [(self.conf[t], self.truth[t] == "accepted") for t in sorted(self.truth)
                if self.attr[t] == attribute and self.truth[t] != "pending"]

    def pending(self, attribute):
        return {t for t in self.truth if self.attr[t] == attribute and self.truth[t] == "pending"}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    srv = FakeServer()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        cat = Catalogue(tmp_path_factory.mktemp("review"), srv)
    finally:
        srv.shutdown()
        srv.server_close()
    assert srv.other == [], f"unexpected requests: {srv.other}"
    before = file_digest(cat.db)
    r = run("review", "import", "--db", cat.db, "--taxonomy", cat.taxonomy, "--who", "anna",
            "--dry-run", "--json", cat.answers)
    assert file_digest(cat.db) == before, "--dry-run wrote to the catalogue"
    dry = json.loads(r.stdout)
    r = run("review", "import", "--db", cat.db, "--taxonomy", cat.taxonomy, "--who", "anna",
            "--json", cat.answers)
    got = json.loads(r.stdout)
    assert got == {**dry, "dry_run": False}
    truth = list(cat.truth.values())
    assert got["accepted"] == truth.count("accepted")
    assert got["fixed"] == truth.count("fixed")
    assert got["answers"] == cat.n_answers
    return cat


def stats_of(cat):
    r = run("review", "stats", "--db", cat.db, "--taxonomy", cat.taxonomy, "--json")
    return json.loads(r.stdout)


def test_stats_match_an_independent_computation(catalogue):
    cat = catalogue
    stats = stats_of(cat)
    by = {a["attribute"]: a for a in stats["attributes"]}
    assert [a["attribute"] for a in stats["attributes"]] == list(VALUES), "taxonomy order"
    for attribute in VALUES:
        a = by[attribute]
        ids = [t for t in cat.truth if cat.attr[t] == attribute]
        outcome = [cat.truth[t] for t in ids]
        n, k = len(ids) - outcome.count("pending"), outcome.count("accepted")
        assert a["reviewed"] == n
        assert a["correct"] == a["accepted"] == k
        assert a["fixed"] == outcome.count("fixed")
        assert a["rejected"] == outcome.count("rejected")
        assert a["pending"] == outcome.count("pending")
        assert a["precision"] == pytest.approx(k / n, abs=1e-12)
        assert a["precision_lower_bound"] == pytest.approx(wilson(k, n), abs=1e-12)
        samples = cat.samples(attribute)
        for b in a["bins"]:
            inside = [(c, ok) for c, ok in samples
                      if b["lower"] <= c < b["upper"] or (b["upper"] == 1.0 and c == 1.0)]
            assert b["reviewed"] == len(inside), (attribute, b)
            assert b["correct"] == sum(ok for _, ok in inside)
            if inside:
                assert b["mean_confidence"] == pytest.approx(np.mean([c for c, _ in inside]))
        # Coverage: one point per distinct confidence, highest first.
        distinct = sorted({c for c, _ in samples}, reverse=True)
        assert [p["threshold"] for p in a["coverage"]] == pytest.approx(distinct)
        for p in a["coverage"]:
            above = [ok for c, ok in samples if c >= p["threshold"]]
            assert p["reviewed_above"] == len(above)
            assert p["correct_above"] == sum(above)
            assert p["precision_lower_bound"] == pytest.approx(wilson(sum(above), len(above)),
                                                               abs=1e-12)
    assert by["fit"]["precision"] == 1.0 and by["neckline"]["precision"] == 0.0
    assert by["sleeve"]["reviewed"] == 3
    assert stats["reviewed"] == sum(a["reviewed"] for a in stats["attributes"])


def test_calibration_is_scikit_learns_isotonic_regression(catalogue):
    stats = {a["attribute"]: a for a in stats_of(catalogue)["attributes"]}
    grid = np.linspace(0, 1, 201)
    for attribute in VALUES:
        samples = catalogue.samples(attribute)
        cal = stats[attribute]["calibration"]
        if len(samples) < cal["min_reviewed"]:
            assert not cal["calibrated"] and cal["points"] == []
            continue
        assert cal["calibrated"], attribute
        x = np.array([c for c, _ in samples])
        y = np.array([1.0 if ok else 0.0 for _, ok in samples])
        iso = IsotonicRegression(out_of_bounds="clip").fit(x, y)
        pts = np.array(cal["points"])
        np.testing.assert_allclose(pts[:, 0], iso.X_thresholds_, atol=1e-12)
        np.testing.assert_allclose(pts[:, 1], iso.y_thresholds_, atol=1e-12)
        np.testing.assert_allclose(np.interp(grid, pts[:, 0], pts[:, 1]), iso.predict(grid),
                                   atol=1e-12)
    assert stats["sleeve"]["calibration"]["calibrated"] is False  # three reviews: too few


@pytest.mark.parametrize("p_min,m_min", [(0.9, 10), (0.8, 5), (0.95, 1), (0.5, 3), (0.99, 40)])
def test_thresholds_match_brute_force(catalogue, p_min, m_min):
    cat = catalogue
    before = file_digest(cat.db)
    r = run("review", "auto-accept", "--db", cat.db, "--taxonomy", cat.taxonomy,
            "--min-precision", p_min, "--min-reviewed", m_min, "--dry-run", "--json")
    assert file_digest(cat.db) == before, "--dry-run wrote to the catalogue"
    got = {a["attribute"]: a for a in json.loads(r.stdout)["attributes"]}
    assert set(got) == set(VALUES)
    for attribute in VALUES:
        samples = cat.samples(attribute)
        want = brute_threshold(samples, p_min, m_min)
        a = got[attribute]
        if want is None:
            assert a["threshold"] is None, (attribute, a)
            assert a["would_accept"] == 0
            assert a["reason"]
            continue
        assert a["threshold"] == pytest.approx(want, abs=1e-12), (attribute, a)
        above = [ok for c, ok in samples if c >= want]
        assert a["reviewed_above"] == len(above)
        assert a["precision_lower_bound"] == pytest.approx(wilson(sum(above), len(above)))
        assert a["would_accept"] == sum(1 for t in cat.pending(attribute) if cat.conf[t] >= want)
    assert got["neckline"]["threshold"] is None  # all wrong: never a rule


def test_auto_accept_audits_each_tag_and_undo_restores_them(catalogue, tmp_path):
    cat = catalogue
    db = tmp_path / "copy.sqlite"
    shutil.copy(cat.db, db)
    stats_before = run("review", "stats", "--db", db, "--taxonomy", cat.taxonomy, "--json").stdout
    con = sqlite3.connect(db)
    statuses_before = con.execute("SELECT id, status, decided_by, version FROM tags "
                                  "ORDER BY id").fetchall()
    r = run("review", "auto-accept", "--db", db, "--taxonomy", cat.taxonomy, "--min-precision",
            "0.8", "--min-reviewed", "5", "--who", "rules-bot", "--json")
    out = json.loads(r.stdout)
    thresholds = {a["attribute"]: a["threshold"] for a in out["attributes"]}
    want = {t for t in cat.truth if cat.truth[t] == "pending"
            and thresholds[cat.attr[t]] is not None and cat.conf[t] >= thresholds[cat.attr[t]]}
    assert want, "the data should let some rule accept something"
    accepted = {row[0] for row in con.execute("SELECT id FROM tags WHERE decided_by LIKE "
                                              "'rule:%' AND status = 'accepted'")}
    assert accepted == want
    assert out["accepted"] == len(want) and out["run"] is not None
    for tag_id in want:
        rows = con.execute("SELECT who, after_json FROM audit WHERE action = 'auto_accept' AND "
                           "entity = 'tag' AND entity_id = ?", (tag_id,)).fetchall()
        assert len(rows) == 1, tag_id
        who, after = rows[0]
        rule = json.loads(after)["rule"]
        assert who == "rules-bot"
        assert rule["attribute"] == cat.attr[tag_id]
        assert rule["threshold"] == pytest.approx(thresholds[cat.attr[tag_id]])
        assert rule["min_precision"] == 0.8 and rule["min_reviewed"] == 5
        assert rule["run"] == out["run"]
    # Accepts made by a rule are nobody's review: the measurement does not move.
    stats_after = run("review", "stats", "--db", db, "--taxonomy", cat.taxonomy, "--json").stdout
    a_before = {a["attribute"]: a for a in json.loads(stats_before)["attributes"]}
    a_after = {a["attribute"]: a for a in json.loads(stats_after)["attributes"]}
    for attribute in VALUES:
        for key in ("reviewed", "correct", "fixed", "rejected", "coverage", "calibration"):
            assert a_after[attribute][key] == a_before[attribute][key]
    # A second run finds nothing new at the same thresholds.
    again = json.loads(run("review", "auto-accept", "--db", db, "--taxonomy", cat.taxonomy,
                           "--min-precision", "0.8", "--min-reviewed", "5", "--json").stdout)
    assert again["accepted"] == 0 and again["run"] is None
    # Undo: one step, every tag back as it was (status, decider), the run marked undone.
    u = json.loads(run("review", "undo", "--db", db, "--json").stdout)
    assert u == {"run": out["run"], "restored": len(want)}
    after = con.execute("SELECT id, status, decided_by FROM tags ORDER BY id").fetchall()
    assert after == [(i, s, d) for i, s, d, _ in statuses_before]
    assert con.execute("SELECT count(*) FROM audit WHERE action = 'undo_auto_accept'").fetchone() \
        == (1,)
    r = run("review", "undo", "--db", db, "--run", out["run"], ok=False)
    assert r.returncode == 2 and "undone already" in r.stderr
    con.close()


def test_bad_input_is_named_and_changes_nothing(catalogue, tmp_path):
    cat = catalogue
    before = file_digest(cat.db)
    base = ["review", "auto-accept", "--db", cat.db, "--taxonomy", cat.taxonomy]
    for p in ("0", "1.5", "-0.2", "abc"):
        r = run(*base, "--min-precision", p, "--min-reviewed", "5", ok=False)
        assert r.returncode == 2 and "--min-precision" in r.stderr, (p, r.stderr)
    r = run(*base, "--min-precision", "0.9", "--min-reviewed", "0", ok=False)
    assert r.returncode == 2 and "--min-reviewed" in r.stderr
    r = run(*base, "--min-precision", "0.9", ok=False)
    assert r.returncode == 2 and "--min-reviewed is required" in r.stderr
    r = run(*base, "--min-precision", "0.9", "--min-reviewed", "5", "--attribute", "hemline",
            ok=False)
    assert r.returncode == 2 and "hemline" in r.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("image,attribute,value\n"
                   "nosuch.png,colour,red\n"
                   "item_01.png,hemline,mini\n"
                   "item_02.png,colour,purple\n"
                   "item_03.png,colour\n")
    r = run("review", "import", "--db", cat.db, "--taxonomy", cat.taxonomy, bad, ok=False)
    assert r.returncode == 2
    assert "bad.csv:2" in r.stderr and "nosuch.png" in r.stderr
    assert "bad.csv:3" in r.stderr and "hemline" in r.stderr
    assert "bad.csv:4" in r.stderr and "purple" in r.stderr
    assert "bad.csv:5" in r.stderr
    assert "nothing was imported" in r.stderr
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text('{"image": 999999, "attribute": "colour", "value": "red"}\nnot json\n')
    r = run("review", "import", "--db", cat.db, "--taxonomy", cat.taxonomy, jsonl, ok=False)
    assert r.returncode == 2 and "bad.jsonl:1" in r.stderr and "bad.jsonl:2" in r.stderr
    assert run("review", "stats", "--db", tmp_path / "missing.sqlite", ok=False).returncode == 10
    assert run("review", "frobnicate", "--db", cat.db, ok=False).returncode == 2
    assert file_digest(cat.db) == before


def test_a_catalogue_without_reviews(server, tmp_path):  # noqa: F811
    db = tmp_path / "new.sqlite"
    images = make_images(tmp_path / "images", 2)
    tax = tmp_path / "taxonomy.json"
    tax.write_text(json.dumps(TAXONOMY))
    server.delay = 0.01
    run("tag", "--server", server.url, "--model-name", MODEL, "--db", db, "--taxonomy", tax,
        "--language", "en", "--timeout", "30", *images)
    r = run("review", "stats", "--db", db, "--taxonomy", tax)
    assert "No reviewed suggestions yet" in r.stdout
    stats = json.loads(run("review", "stats", "--db", db, "--taxonomy", tax, "--json").stdout)
    assert stats["reviewed"] == 0 and all(a["precision"] is None for a in stats["attributes"])
    out = json.loads(run("review", "auto-accept", "--db", db, "--taxonomy", tax,
                         "--min-precision", "0.9", "--min-reviewed", "1", "--json").stdout)
    assert all(a["threshold"] is None for a in out["attributes"]) and out["accepted"] == 0
    assert run("review", "undo", "--db", db, ok=False).returncode == 2
    report = tmp_path / "r.html"
    run("report", "--db", db, "--taxonomy", tax, "--out", report)
    assert "No reviewed suggestions yet" in report.read_text()


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def test_report_has_the_same_numbers_and_renders(catalogue, tmp_path):
    cat = catalogue
    stats = stats_of(cat)
    artifacts = pathlib.Path(os.environ.get("VISTAG_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "zh"):
        out = tmp_path / f"report-{lang}.html"
        run("report", "--db", cat.db, "--taxonomy", cat.taxonomy, "--out", out, "--language",
            lang, "--min-precision", "0.8", "--min-reviewed", "5")
        html = out.read_text(encoding="utf-8")
        start = html.index("id='vistag-stats'>") + len("id='vistag-stats'>")
        embedded = json.loads(html[start:html.index("</script>", start)])
        assert embedded["attributes"] == [
            {k: v for k, v in a.items() if k != "in_taxonomy"} for a in stats["attributes"]]
        # Self-contained: no external resource of any kind.
        for needle in ("src=", "href=", "@import", "url(", "<link"):
            assert needle not in html, needle
        for a in stats["attributes"]:
            row = html[html.index(f"<tr data-attribute='{a['attribute']}'>"):]
            cells = row[:row.index("</tr>")]
            assert f"<td>{a['reviewed']}</td><td>{a['accepted']}</td><td>{a['fixed']}</td>" \
                   f"<td>{a['rejected']}</td>" in cells
        assert html.count("<svg") >= 3 * len(VALUES)
        if lang == "zh":
            assert "质量报告" in html and "颜色" in html
        browser = chromium()
        if browser is None:
            if os.environ.get("CI"):
                pytest.fail("chromium is not installed (scripts/setup.sh installs it)")
            pytest.skip("chromium is not installed")
        png = artifacts / f"review-report-{lang}.png"
        png.unlink(missing_ok=True)
        r = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                            "--hide-scrollbars", "--window-size=1100,1800",
                            f"--screenshot={png}", out.as_uri()],
                           capture_output=True, text=True, timeout=120)
        assert png.is_file() and png.stat().st_size > 20000, r.stderr[-2000:]


def test_the_same_on_a_team_catalogue(catalogue, pg_uri, tmp_path):
    """The catalogue copied to PostgreSQL (rules tables included) gives the same statistics,
    thresholds, accepts and undo."""
    import urllib.parse
    import uuid
    if not shutil.which("psql"):
        pytest.skip("psql (PostgreSQL client) is not installed")

    def psql(sql):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg_uri, "-c", sql],
                       check=True, capture_output=True, timeout=60)

    name = "vistag_review_" + uuid.uuid4().hex[:10]
    psql(f"CREATE DATABASE {name}")
    u = urllib.parse.urlsplit(pg_uri)
    team = urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))
    try:
        cat = catalogue
        local = tmp_path / "local.sqlite"
        shutil.copy(cat.db, local)
        run("catalog", "copy", "--from", local, "--to", team)
        args = ["--taxonomy", cat.taxonomy, "--json"]
        assert json.loads(run("review", "stats", "--db", team, *args).stdout) == \
            json.loads(run("review", "stats", "--db", local, *args).stdout)
        rule = ["--min-precision", "0.8", "--min-reviewed", "5", "--who", "bot", *args]
        on_pg = json.loads(run("review", "auto-accept", "--db", team, *rule).stdout)
        on_file = json.loads(run("review", "auto-accept", "--db", local, *rule).stdout)
        assert on_pg["attributes"] == on_file["attributes"] and on_pg["accepted"] > 0
        undo = json.loads(run("review", "undo", "--db", team, "--json").stdout)
        assert undo["restored"] == on_pg["accepted"]
        assert json.loads(run("review", "stats", "--db", team, *args).stdout)["pending"] == \
            sum(1 for t in cat.truth.values() if t == "pending")
    finally:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

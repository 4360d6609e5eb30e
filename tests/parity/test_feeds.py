"""`vistag-cli import` and `export --format shopify|merchant` against a loopback image host that
misbehaves (429 with Retry-After, a redirect, an HTML page, a truncated body, a 3 GB
Content-Length, a host that hangs), with Shopify and Merchant Center files written from their
documented columns (docs: ../shared/docs/merchant-data.md §2–3). Counts the host's requests to
check that a rerun downloads nothing twice; parses the exports with Python's csv."""
from __future__ import annotations

import csv
import http.server
import io
import signal
import subprocess
import sqlite3
import struct
import threading
import time
import zlib

import pytest

from conftest import run_cli


def png_bytes(seed: int, w: int = 16, h: int = 12) -> bytes:
    raw = b"".join(b"\x00" + bytes(v for x in range(w)
                                    for v in ((x * 7 + seed * 31) % 256, (y * 13 + seed) % 256,
                                              seed % 256))
                   for y in range(h))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"tEXt", b"Comment\0" + str(seed).encode()) +  # distinct bytes per seed
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Host:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests: dict[str, int] = {}
        self.fixed = False  # the misbehaving paths behave

    def count(self, path):
        with self.lock:
            self.requests[path] = self.requests.get(path, 0) + 1
            return self.requests[path]

    def total(self):
        with self.lock:
            return sum(self.requests.values())


HOST = Host()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def image(self, name):
        body = png_bytes(zlib.crc32(name.encode()))
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        n = HOST.count(path)
        kind, _, name = path.strip("/").partition("/")
        if kind == "img" or HOST.fixed and kind != "redirect":
            return self.image(name)
        if kind == "redirect":
            self.send_response(302)
            self.send_header("Location", "/img/" + name)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if kind == "busy":
            if n == 1:
                body = b"slow down"
                self.send_response(429)
                self.send_header("Retry-After", "1")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            return self.image(name)
        if kind == "html":
            body = b"<!DOCTYPE html><html><body>Not found, try our shop</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if kind == "truncated":
            body = png_bytes(5)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if kind == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(3 * 1024 ** 3))
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"\xff\xd8\xff" + b"\0" * 4093)
                    time.sleep(0.01)
            except OSError:
                pass
            self.close_connection = True
            return
        if kind == "slow":  # the image in 8 pieces over 1.6 s
            body = png_bytes(zlib.crc32(name.encode()))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            step = len(body) // 8 + 1
            try:
                for k in range(0, len(body), step):
                    self.wfile.write(body[k:k + step])
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            return
        if kind == "hang":
            time.sleep(4)
            self.close_connection = True
            return
        self.send_error(404)


@pytest.fixture(scope="module")
def host():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


SHOPIFY_HEADER = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name",
    "Option3 Value", "Variant SKU", "Variant Grams", "Variant Inventory Tracker",
    "Variant Inventory Qty", "Variant Inventory Policy", "Variant Fulfillment Service",
    "Variant Price", "Variant Compare At Price", "Variant Requires Shipping", "Variant Taxable",
    "Variant Barcode", "Image Src", "Image Position", "Image Alt Text", "Gift Card", "SEO Title",
    "SEO Description", "Google Shopping / Google Product Category", "Google Shopping / Gender",
    "Google Shopping / Age Group", "Google Shopping / MPN", "Google Shopping / Condition",
    "Google Shopping / Custom Product", "Variant Image", "Variant Weight Unit",
    "Variant Tax Code", "Cost per item", "Status"]


def shopify_rows(base):
    def row(**kw):
        return [kw.get(c, "") for c in SHOPIFY_HEADER]
    return [
        row(Handle="linen-dress", Title="Linen Dress",
            **{"Body (HTML)": "<p>Light, airy <b>linen</b>,\nmade for \"summer\" days</p>",
               "Vendor": "Acme", "Tags": "summer, new", "Published": "TRUE",
               "Option1 Name": "Color", "Option1 Value": "Red", "Variant SKU": "LD-RED",
               "Variant Price": "59.00", "Image Src": f"{base}/img/ld1.png",
               "Image Position": "1", "Google Shopping / Google Product Category": "Dress",
               "Google Shopping / Gender": "Female", "Status": "active"}),
        row(Handle="linen-dress", **{"Option1 Value": "Blue", "Variant SKU": "LD-BLUE",
                                     "Variant Price": "59.00",
                                     "Variant Image": f"{base}/redirect/ld3.png"}),
        row(Handle="wool-coat", Title="Wool Coat",
            **{"Body (HTML)": "Warm &amp; soft", "Product Category": "Coat / Jacket",
               "Tags": "winter", "Option1 Name": "Title", "Option1 Value": "Default Title",
               "Variant SKU": "WC-1", "Image Src": f"{base}/busy/wc1.png",
               "Image Position": "1", "Status": "active"}),
        row(Handle="wool-coat", **{"Image Src": f"{base}/html/wc2.jpg", "Image Position": "2"}),
        row(Handle="silk-top", Title="Silk Top",
            **{"Option1 Name": "Color", "Option1 Value": "Teal-ish", "Variant SKU": "ST-1",
               "Image Src": f"{base}/truncated/st1.png", "Image Position": "1",
               "Status": "draft"}),
        row(Handle="silk-top", **{"Image Src": f"{base}/huge/st2.jpg", "Image Position": "2"}),
        row(Handle="silk-top", **{"Image Src": f"{base}/hang/st3.jpg", "Image Position": "3"}),
        row(Handle="silk-top", **{"Image Src": "http://", "Image Position": "4"}),
        # An image row of the first product, out of order.
        row(Handle="linen-dress", **{"Image Src": f"{base}/img/ld2.png", "Image Position": "2",
                                     "Image Alt Text": "back, detail"}),
    ]


def write_shopify(path, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(SHOPIFY_HEADER)
    w.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode())


def read_csv(path, delimiter=","):
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def db_rows(db, sql, *binds):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, binds).fetchall()
    finally:
        con.close()


def test_shopify_import_rerun_retry_export(host, tmp_path):
    feed = tmp_path / "products_export.csv"
    rows = shopify_rows(host)
    write_shopify(feed, rows)
    db = tmp_path / "cat.sqlite"
    r = run_cli("import", "--db", db, feed, "--concurrency", "3", "--timeout", "1", check=False,
                timeout=120)
    err = r.stderr.decode()
    out = r.stdout.decode()
    assert r.returncode == 1, err + out
    assert "3 products: 3 new" in out
    # Each failure named with its row and URL.
    assert f"{host}/html/wc2.jpg: an HTML page" in err
    assert f"{host}/truncated/st1.png: truncated" in err
    assert f"{host}/huge/st2.jpg: too large: Content-Length says 3.0 GB" in err
    assert f"{host}/hang/st3.jpg: no answer" in err
    assert "row 8 (line 10)" in err and "“http://” is not valid" in err
    assert "Teal-ish" in err  # a value that matches nothing is listed
    assert HOST.requests[f"/busy/wc1.png"] == 2  # 429, then the image after Retry-After
    assert HOST.requests["/huge/st2.jpg"] == 1

    images = dict(db_rows(db, "SELECT url, status FROM product_images"))
    assert images[f"{host}/img/ld1.png"] == "done"
    assert images[f"{host}/redirect/ld3.png"] == "done"
    assert images[f"{host}/busy/wc1.png"] == "done"
    assert images[f"{host}/html/wc2.jpg"] == "failed"
    # The product is one SKU group holding its images in position order.
    order = db_rows(db, "SELECT pi.url, i.sku_group FROM product_images pi JOIN products p ON "
                        "p.id = pi.product_id LEFT JOIN images i ON i.id = pi.image_id WHERE "
                        "p.handle = 'linen-dress' ORDER BY pi.position")
    assert [u for u, _ in order] == [f"{host}/img/ld1.png", f"{host}/img/ld2.png",
                                     f"{host}/redirect/ld3.png"]
    assert {g for _, g in order} == {"linen-dress"}
    title, desc = db_rows(db, "SELECT title, description FROM products WHERE handle = "
                              "'linen-dress'")[0]
    assert title == "Linen Dress"
    assert desc == 'Light, airy linen,\nmade for "summer" days'
    skus = [s for (s,) in db_rows(db, "SELECT sku FROM product_variants ORDER BY id")]
    assert skus[:2] == ["LD-RED", "LD-BLUE"]
    tags = set(db_rows(db, "SELECT sku_group, attribute, value_code FROM tags WHERE source = "
                           "'feed' AND status = 'accepted'"))
    assert {("linen-dress", "colour", "red"), ("linen-dress", "colour", "blue"),
            ("linen-dress", "gender", "female"), ("linen-dress", "category", "dress"),
            ("wool-coat", "category", "outerwear")} <= tags
    # Stored by content hash in the catalogue's image folder.
    stored = [p for (p,) in db_rows(db, "SELECT path FROM images")]
    assert all("cat-images" in p and p.rsplit("/", 1)[1][:64].isalnum() for p in stored)

    # A rerun downloads nothing: no request at all (failed ones wait for --retry-failed).
    before = HOST.total()
    r = run_cli("import", "--db", db, feed, "--timeout", "1", check=False, timeout=120)
    assert r.returncode == 1
    assert HOST.total() == before
    assert "3 unchanged" in r.stdout.decode()
    assert "--retry-failed" in r.stdout.decode()

    # A changed row: the truncated image moved to a good URL; only that one is fetched.
    rows[4][SHOPIFY_HEADER.index("Image Src")] = f"{host}/img/st1.png"
    rows[4][SHOPIFY_HEADER.index("Title")] = "Silk Top (new)"
    write_shopify(feed, rows)
    r = run_cli("import", "--db", db, feed, "--timeout", "1", check=False, timeout=120)
    assert "1 changed, 2 unchanged" in r.stdout.decode()
    assert HOST.total() == before + 1
    assert db_rows(db, "SELECT title FROM products WHERE handle = 'silk-top'")[0][0] == \
        "Silk Top (new)"

    # The host behaves again: --retry-failed fetches only the failed ones.
    HOST.fixed = True
    try:
        r = run_cli("import", "--db", db, "--retry-failed", "--timeout", "2", check=False,
                    timeout=120)
    finally:
        HOST.fixed = False
    assert "3 downloaded, 0 failed" in r.stdout.decode(), r.stdout.decode() + r.stderr.decode()
    assert r.returncode == 0
    assert db_rows(db, "SELECT count(*) FROM product_images WHERE status <> 'done'")[0][0] == 0

    # Export back to Shopify: every input row and column unchanged, filled where empty.
    out = tmp_path / "shopify_out.csv"
    run_cli("export", "--db", db, "--format", "shopify", "--out", out)
    got = read_csv(out)
    src = read_csv(feed)
    assert len(got) == len(src)
    header = got[0]
    assert header[: len(SHOPIFY_HEADER)] == SHOPIFY_HEADER
    meta = [h for h in header[len(SHOPIFY_HEADER):]]
    assert "Colour (product.metafields.custom.colour)" in meta
    cat, tags_col = SHOPIFY_HEADER.index("Product Category"), SHOPIFY_HEADER.index("Tags")
    for g, s in zip(got[1:], src[1:]):
        for k, c in enumerate(SHOPIFY_HEADER):
            if k not in (cat, tags_col):
                assert g[k] == s[k], (c, g[k], s[k])
    dress = got[1]
    assert dress[cat] == "Clothing > Dress"  # filled: the merchant had none
    assert dress[tags_col].startswith("summer, new, ")
    assert "Red" in dress[tags_col] and "Female" in dress[tags_col]
    colour = header.index("Colour (product.metafields.custom.colour)")
    assert set(dress[colour].split(", ")) == {"Red", "Blue"}
    coat = got[3]
    assert coat[cat] == "Coat / Jacket"  # the merchant's value is kept
    assert coat[tags_col] == "winter"
    assert got[2][cat] == "" and got[2][colour] == ""  # a variant row stays as it was

    out2 = tmp_path / "shopify_overwrite.csv"
    run_cli("export", "--db", db, "--format", "shopify", "--out", out2, "--overwrite")
    assert read_csv(out2)[3][cat] == "Clothing > Coat / Jacket"

    # The same products as a Merchant Center supplemental feed, one row per variant SKU.
    tsv = tmp_path / "supplemental.tsv"
    run_cli("export", "--db", db, "--format", "merchant", "--out", tsv)
    m = read_csv(tsv, "\t")
    assert m[0][0] == "id" and "color" in m[0] and "product_type" in m[0]
    by_id = {r[0]: dict(zip(m[0], r)) for r in m[1:]}
    assert set(by_id) == {"LD-RED", "LD-BLUE", "WC-1", "ST-1"}
    assert set(by_id["LD-RED"]["color"].split("/")) == {"Red", "Blue"}
    assert by_id["LD-RED"]["gender"] == "Female"  # the merchant's own (Google Shopping / Gender)
    assert by_id["WC-1"]["product_type"] == "Clothing > Coat / Jacket"


MERCHANT_HEADER = ["id", "item_group_id", "title", "description", "link", "image_link",
                   "additional_image_link", "price", "availability", "brand",
                   "google_product_category", "product_type", "color", "gender", "age_group",
                   "material", "pattern", "size"]


def merchant_items(base):
    return [
        {"id": "TS-BLK-S", "item_group_id": "TS", "title": "Striped tee",
         "description": "Cotton tee, striped", "link": "https://shop.example/ts",
         "image_link": f"{base}/img/ts1.png",
         "additional_image_link": f"{base}/img/ts2.png,{base}/img/ts3.png",
         "price": "19.00 USD", "availability": "in_stock", "brand": "Acme",
         "product_type": "T-shirt", "color": "Black/White", "gender": "female",
         "material": "Cotton", "pattern": "Stripe", "size": "S"},
        {"id": "TS-BLK-M", "item_group_id": "TS", "title": "Striped tee",
         "image_link": f"{base}/img/ts1.png", "price": "19.00 USD", "size": "M"},
        {"id": "JN-1", "title": "Jeans", "image_link": f"{base}/img/jn1.png",
         "price": "49.00 USD", "material": "Denim"},
    ]


def write_tsv(path, items):
    lines = ["\t".join(MERCHANT_HEADER)]
    for it in items:
        lines.append("\t".join(it.get(c, "") for c in MERCHANT_HEADER))
    path.write_text("\n".join(lines) + "\n")


def write_xml(path, items, broken=False):
    parts = ['<?xml version="1.0"?>',
             '<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>',
             "<title>Shop</title>"]
    for k, it in enumerate(items):
        parts.append("<item>")
        for c in MERCHANT_HEADER:
            v = it.get(c, "")
            if not v:
                continue
            if c == "additional_image_link":
                for u in v.split(","):
                    parts.append(f"<g:additional_image_link>{u}</g:additional_image_link>")
            elif c in ("title", "link", "description"):
                parts.append(f"<{c}>{v}</{c}>")
            else:
                parts.append(f"<g:{c}>{v}</g:{c}>")
        parts.append("</item>")
        if broken and k == 0:
            parts.append("<item><g:id>X</g:id><g:title>broken</item>")
            break
    parts.append("</channel></rss>")
    path.write_text("\n".join(parts) + "\n")


@pytest.mark.parametrize("kind", ["tsv", "xml"])
def test_merchant_feed(host, tmp_path, kind):
    feed = tmp_path / f"feed.{kind}"
    items = merchant_items(host)
    (write_tsv if kind == "tsv" else write_xml)(feed, items)
    db = tmp_path / "m.sqlite"
    r = run_cli("import", "--db", db, feed, check=False, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    assert "2 products: 2 new" in r.stdout.decode()
    imgs = db_rows(db, "SELECT pi.position, pi.url FROM product_images pi JOIN products p ON "
                       "p.id = pi.product_id WHERE p.handle = 'TS' ORDER BY pi.position")
    assert [u for _, u in imgs] == [f"{host}/img/ts1.png", f"{host}/img/ts2.png",
                                    f"{host}/img/ts3.png"]
    tags = set(db_rows(db, "SELECT sku_group, attribute, value_code FROM tags WHERE source = "
                           "'feed'"))
    assert {("TS", "colour", "black"), ("TS", "colour", "white"), ("TS", "gender", "female"),
            ("TS", "material", "cotton"), ("TS", "pattern", "stripe"),
            ("TS", "category", "tshirt"), ("JN-1", "material", "denim")} <= tags

    out = tmp_path / "supp.tsv"
    run_cli("export", "--db", db, "--format", "merchant", "--out", out)
    m = read_csv(out, "\t")
    rows = {r[0]: dict(zip(m[0], r)) for r in m[1:]}
    assert list(rows) == ["TS-BLK-S", "TS-BLK-M", "JN-1"]
    assert rows["TS-BLK-S"]["color"] == "Black/White"  # the merchant's value kept
    assert set(rows["TS-BLK-M"]["color"].split("/")) == {"Black", "White"}  # filled
    assert rows["TS-BLK-M"]["gender"] == "female"
    assert rows["TS-BLK-S"]["product_type"] == "T-shirt"  # the merchant's own product_type
    assert rows["TS-BLK-M"]["product_type"] == "Clothing > Tops > T-shirt"
    assert rows["JN-1"]["material"] == "Denim"


def test_bad_feeds(host, tmp_path):
    db = tmp_path / "b.sqlite"
    broken = tmp_path / "broken.xml"
    broken.write_text('<?xml version="1.0"?><rss xmlns:g="http://base.google.com/ns/1.0">'
                      "<channel><item><g:id>1</g:id></channel>")
    r = run_cli("import", "--db", db, broken, check=False)
    assert r.returncode == 2 and "XML is broken" in r.stderr.decode()

    half = tmp_path / "half.xml"
    write_xml(half, merchant_items(host), broken=True)
    r = run_cli("import", "--db", db, half, check=False, timeout=120)
    assert r.returncode == 1, r.stderr.decode()
    assert "the XML is broken" in r.stderr.decode() and "1 products: 1 new" in r.stdout.decode()

    no_handle = tmp_path / "nohandle.csv"
    no_handle.write_text("Title,Image Src\nA,http://x/a.png\n")
    r = run_cli("import", "--db", db, no_handle, "--format", "shopify", check=False)
    assert r.returncode == 2 and "no Handle column" in r.stderr.decode()

    unknown = tmp_path / "unknown.csv"
    unknown.write_text("Name,Picture,Colour\nA,img/a.png,Red\n")
    r = run_cli("import", "--db", db, unknown, check=False)
    assert r.returncode == 2 and "--map" in r.stderr.decode()

    open_quote = tmp_path / "quote.csv"
    open_quote.write_text('Handle,Title\na,"never closed\n')
    r = run_cli("import", "--db", db, open_quote, check=False)
    assert r.returncode == 2 and "line 2" in r.stderr.decode()

    # Any CSV with a column mapping; local paths next to the feed.
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.png").write_bytes(png_bytes(77))
    r = run_cli("import", "--db", db, unknown, "--format", "csv", "--map", "Name=handle",
                "--map", "Picture=image", "--map", "Colour=colour", check=False)
    assert r.returncode == 0, r.stderr.decode()
    assert ("A", "colour", "red") in set(db_rows(db, "SELECT sku_group, attribute, value_code "
                                                     "FROM tags WHERE source = 'feed'"))


def test_rerun_removes_and_adds_images(host, tmp_path):
    feed = tmp_path / "feed.tsv"
    items = merchant_items(host)
    write_tsv(feed, items)
    db = tmp_path / "r.sqlite"
    run_cli("import", "--db", db, feed, timeout=120)
    before = HOST.total()
    # ts3 leaves the product, ts4 joins it.
    items[0]["additional_image_link"] = f"{host}/img/ts2.png,{host}/img/ts4.png"
    write_tsv(feed, items)
    r = run_cli("import", "--db", db, feed, timeout=120)
    assert "1 changed, 1 unchanged" in r.stdout.decode()
    assert HOST.total() == before + 1
    urls = [u for (u,) in db_rows(db, "SELECT pi.url FROM product_images pi JOIN products p ON "
                                      "p.id = pi.product_id WHERE p.handle = 'TS' ORDER BY "
                                      "pi.position")]
    assert urls == [f"{host}/img/ts1.png", f"{host}/img/ts2.png", f"{host}/img/ts4.png"]
    groups = db_rows(db, "SELECT sku_group, count(*) FROM images GROUP BY sku_group "
                         "ORDER BY sku_group")
    assert groups == [("", 1), ("JN-1", 1), ("TS", 3)]  # ts3's image left the group


def test_ctrl_c_leaves_the_rest_for_the_next_run(host, tmp_path):
    from conftest import cli_path
    feed = tmp_path / "slow.tsv"
    items = [{"id": f"S{k}", "title": f"Slow {k}", "image_link": f"{host}/slow/s{k}.png"}
             for k in range(8)]
    write_tsv(feed, items)
    db = tmp_path / "c.sqlite"
    p = subprocess.Popen([cli_path(), "import", "--db", str(db), str(feed), "--concurrency", "2"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 8, err.decode()
    assert "left for the next run" in err.decode()
    states = dict(db_rows(db, "SELECT status, count(*) FROM product_images GROUP BY status"))
    assert "failed" not in states and states.get("pending", 0) >= 6
    run_cli("import", "--db", db, feed, "--concurrency", "8", timeout=120)
    assert db_rows(db, "SELECT count(*) FROM product_images WHERE status = 'done'")[0][0] == 8


def test_tls_error_names_the_url(tmp_path):
    import shutil
    import ssl
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=localhost"],
                   check=True, capture_output=True)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = f"https://127.0.0.1:{srv.server_address[1]}/img/tls.png"
        feed = tmp_path / "tls.tsv"
        write_tsv(feed, [{"id": "T1", "title": "TLS", "image_link": url}])
        before = HOST.requests.get("/img/tls.png", 0)
        r = run_cli("import", "--db", tmp_path / "t.sqlite", feed, check=False, timeout=60)
        assert r.returncode == 1
        err = r.stderr.decode()
        assert f"row 1: {url}: TLS error" in err and "self-signed" in err, err
        assert HOST.requests.get("/img/tls.png", 0) == before  # nothing asked of it
    finally:
        srv.shutdown()
        srv.server_close()

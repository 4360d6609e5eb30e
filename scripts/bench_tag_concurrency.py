"""Times `vistag-cli tag --server` over 16 images with --concurrency 1 and 8 against the tests' fake
server (1 s per answer) and prints the wall time and the most requests in flight. The flat
version-1 taxonomy keeps one request per image (the built-in tree asks a server twice per image:
the category, then its attributes). Run with the
reference venv: python scripts/bench_tag_concurrency.py [N ...] (after a build; default 1 8)."""
import subprocess, sys, threading, time, pathlib, tempfile
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / 'tests' / 'parity'))
from fake_chat_server import FakeServer, make_images, MODEL
from conftest import cli_path
srv = FakeServer(delay=1.0); threading.Thread(target=srv.serve_forever, daemon=True).start()
tmp = pathlib.Path(tempfile.mkdtemp()); imgs = make_images(tmp / "img", 16)
for n in [int(a) for a in sys.argv[1:]] or [1, 8]:
    srv.max_in_flight = 0
    db = tmp / f"c{n}.sqlite"
    t = time.monotonic()
    r = subprocess.run([cli_path(), "tag", "--server", srv.url, "--model-name", MODEL, "--db", str(db), "--language", "en", "--concurrency", str(n), "--taxonomy", str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "taxonomy_v1_apparel.json"), *map(str, imgs)], capture_output=True)
    print(f"--concurrency {n}: {time.monotonic()-t:.1f} s, rc {r.returncode}, max in flight {srv.max_in_flight}", r.stdout.decode().strip())

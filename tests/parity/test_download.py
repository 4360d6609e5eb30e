"""`vistag-cli download`: Hugging Face and ModelScope downloads against a local imitation server
on 127.0.0.1 (tree listing with Link paging, resolve with a 302 to a CDN-like path, Range,
X-Linked-Etag; ModelScope file list and file routes). Checks full downloads byte for byte,
resume after a cut, servers that ignore Range, checksum mismatches, cancel and a missing repo."""
from __future__ import annotations

import hashlib
import http.server
import json
import os
import random
import signal
import subprocess
import threading
import time
import urllib.parse

import pytest

from conftest import cli_path, run_cli

REPO = "acme/tiny-vl"
CANCELLED = 8

rng = random.Random(7)
FILES = {
    "config.json": json.dumps({"model_type": "qwen3_vl", "hidden_size": 64}).encode(),
    "model.safetensors": bytes(rng.getrandbits(8) for _ in range(300 * 1024)),
    "sub/preprocessor_config.json": b'{"patch_size": 16}\n',
}
LFS = {"model.safetensors"}
BIG = "model.safetensors"


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.ranges = []          # Range headers seen on file downloads of BIG
        self.cut_once = False     # drop the connection halfway through BIG, once
        self.ignore_range = False
        self.corrupt = False
        self.slow = False
        self.sent_big = threading.Event()  # some bytes of BIG went out
        self.listing_pages = 0
        self.plain_listing = False  # HF tree without lfs info: only X-Linked-Etag has the sha
        self.ms_lie_size = False  # ModelScope lists BIG as 100 bytes without a sha256


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    @property
    def st(self) -> State:
        return self.server.state

    def send_json(self, code, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        path = urllib.parse.unquote(u.path)
        hf_tree = f"/api/models/{REPO}/tree/main"
        hf_resolve = f"/{REPO}/resolve/main/"
        ms_files = f"/api/v1/models/{REPO}/repo/files"
        ms_file = f"/api/v1/models/{REPO}/repo"
        if path == hf_tree and q.get("recursive") == "true":
            return self.hf_tree(int(q.get("cursor", "0")))
        if path.startswith(hf_resolve) and path[len(hf_resolve):] in FILES:
            name = path[len(hf_resolve):]
            if name in LFS:
                self.send_response(302)
                self.send_header("Location", f"/cdn/{sha(FILES[name])}?name={urllib.parse.quote(name)}")
                self.send_header("X-Linked-Etag", f'"{sha(FILES[name])}"')
                self.send_header("X-Linked-Size", str(len(FILES[name])))
                self.send_header("X-Repo-Commit", "0" * 40)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            return self.serve_file(name, etag='"abc123"')
        if path.startswith("/cdn/") and q.get("name") in FILES:
            return self.serve_file(q["name"], etag=f'"{sha(FILES[q["name"]])}"')
        if path == ms_files and q.get("Revision") == "master":
            files = [{"Path": n, "Name": n.split("/")[-1], "Size": len(b), "Sha256": sha(b),
                      "Type": "blob"} for n, b in FILES.items()]
            if self.st.ms_lie_size:
                files = [dict(f, Size=100, Sha256="") if f["Path"] == BIG else f for f in files]
            files.append({"Path": "sub", "Name": "sub", "Size": 0, "Sha256": "", "Type": "tree"})
            return self.send_json(200, {"Code": 200, "Data": {"Files": files}, "Success": True})
        if path == ms_file and q.get("FilePath") in FILES:
            return self.serve_file(q["FilePath"])
        if path.startswith("/api/v1/models/"):
            return self.send_json(404, {"Code": 10010205001, "Message": "model not exists",
                                        "Success": False})
        self.send_json(404, {"error": "Repository not found"},
                       {"X-Error-Code": "RepoNotFound"})

    def hf_tree(self, cursor):
        with self.st.lock:
            self.st.listing_pages += 1
        entries = [{"type": "directory", "path": "sub", "oid": "1" * 40, "size": 0}]
        for n, b in FILES.items():
            e = {"type": "file", "path": n, "size": len(b), "oid": "2" * 40}
            if n in LFS and not self.st.plain_listing:
                e["lfs"] = {"oid": sha(b), "size": len(b), "pointerSize": 134}
            entries.append(e)
        page = entries[cursor:cursor + 2]
        extra = {}
        if cursor + 2 < len(entries):
            host, port = self.server.server_address
            extra["Link"] = (f"<http://{host}:{port}/api/models/{REPO}/tree/main"
                             f"?recursive=true&cursor={cursor + 2}>; rel=\"next\"")
        self.send_json(200, page, extra)

    def serve_file(self, name, etag=None):
        data = FILES[name]
        st = self.st
        if name == BIG and st.corrupt:
            data = data[:1000] + bytes([data[1000] ^ 0xFF]) + data[1001:]
        rng_hdr = self.headers.get("Range")
        if name == BIG:
            with st.lock:
                st.ranges.append(rng_hdr)
        start = 0
        if rng_hdr and not st.ignore_range:
            start = int(rng_hdr.split("=")[1].split("-")[0])
        body = data[start:]
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        if name == BIG and st.cut_once:
            st.cut_once = False
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            time.sleep(0.5)  # let the client read the half before the connection goes
            self.close_connection = True
            self.connection.shutdown(2)
            return
        step = 16 * 1024
        for i in range(0, len(body), step):
            try:
                self.wfile.write(body[i:i + step])
                self.wfile.flush()
            except OSError:
                return
            if name == BIG:
                st.sent_big.set()
                if st.slow:
                    time.sleep(0.3)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture
def server():
    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = State()
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"
    yield srv
    srv.shutdown()
    srv.server_close()


def download(srv, dest, *extra, check=True):
    return run_cli("download", REPO, "--to", dest, "--endpoint", srv.url, *extra, check=check,
                   timeout=120)


def assert_complete(dest):
    for n, b in FILES.items():
        assert (dest / n).read_bytes() == b, n
    assert not (dest / ".vistag-download").exists()


def stderr(r):
    return r.stderr.decode(errors="replace")


def test_full_download(server, tmp_path):
    r = download(server, tmp_path / "m")
    assert_complete(tmp_path / "m")
    assert server.state.listing_pages >= 2  # followed the Link paging
    assert "Downloaded 3 file(s)" in stderr(r)
    # Again: everything is already present and verified.
    server.state.ranges.clear()
    r = download(server, tmp_path / "m")
    assert "3 already present" in stderr(r)
    assert server.state.ranges == []


def test_hf_endpoint_env(server, tmp_path):
    env = dict(os.environ, HF_ENDPOINT=server.url)
    r = subprocess.run([cli_path(), "download", REPO, "--to", str(tmp_path / "m")],
                       capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, stderr(r)
    assert_complete(tmp_path / "m")


def test_resume_after_cut(server, tmp_path):
    dest = tmp_path / "m"
    server.state.cut_once = True
    r = download(server, dest, check=False)
    assert r.returncode == 1
    assert "run again to resume" in stderr(r)
    assert not (dest / BIG).exists()
    part = dest / ".vistag-download" / (BIG + ".part")
    assert 0 < part.stat().st_size < len(FILES[BIG])
    kept = part.stat().st_size
    download(server, dest)
    assert_complete(dest)
    assert f"bytes={kept}-" in server.state.ranges


def test_server_ignoring_range_restarts_file(server, tmp_path):
    dest = tmp_path / "m"
    server.state.cut_once = True
    assert download(server, dest, check=False).returncode == 1
    assert (dest / ".vistag-download" / (BIG + ".part")).stat().st_size > 0
    server.state.ignore_range = True
    download(server, dest)
    assert_complete(dest)
    assert any(r and r.startswith("bytes=") for r in server.state.ranges)


def test_stale_garbage_part_is_replaced(server, tmp_path):
    dest = tmp_path / "m"
    part = dest / ".vistag-download" / (BIG + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(b"\0" * 5000)  # wrong bytes: resume, then the sha256 check catches it
    r = download(server, dest, check=False)
    assert r.returncode == 1 and BIG in stderr(r) and "sha256" in stderr(r)
    assert not (dest / BIG).exists() and not part.exists()
    download(server, dest)
    assert_complete(dest)


def test_corrupt_file(server, tmp_path):
    dest = tmp_path / "m"
    server.state.corrupt = True
    r = download(server, dest, check=False)
    assert r.returncode == 1
    assert BIG in stderr(r) and "corrupt" in stderr(r), stderr(r)
    assert not (dest / BIG).exists()
    assert not (dest / ".vistag-download" / (BIG + ".part")).exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cancel_leaves_no_half_file(server, tmp_path, sig):
    dest = tmp_path / "m"
    server.state.slow = True
    p = subprocess.Popen([cli_path(), "download", REPO, "--to", str(dest), "--endpoint",
                          server.url], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert server.state.sent_big.wait(30)
        time.sleep(0.5)
        p.send_signal(sig)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == CANCELLED, err.decode(errors="replace")
    assert "cancelled" in err.decode()
    assert not (dest / BIG).exists()
    assert (dest / ".vistag-download" / (BIG + ".part")).exists()
    server.state.slow = False
    download(server, dest)
    assert_complete(dest)


def test_corrupt_file_caught_by_linked_etag(server, tmp_path):
    dest = tmp_path / "m"
    server.state.corrupt = True
    server.state.plain_listing = True
    r = download(server, dest, check=False)
    assert r.returncode == 1 and BIG in stderr(r) and "corrupt" in stderr(r), stderr(r)
    assert not (dest / BIG).exists()
    server.state.corrupt = False
    download(server, dest)
    assert_complete(dest)


def test_modelscope(server, tmp_path):
    dest = tmp_path / "ms"
    download(server, dest, "--source", "modelscope")
    assert_complete(dest)


def test_missing_repo(server, tmp_path):
    for extra in ([], ["--source", "modelscope"]):
        r = run_cli("download", "acme/nope", "--to", tmp_path / "x", "--endpoint", server.url,
                    *extra, check=False)
        assert r.returncode == 1
        assert "acme/nope" in stderr(r) and "not found" in stderr(r) and "404" in stderr(r)
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_unreachable_endpoint(tmp_path):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = run_cli("download", REPO, "--to", tmp_path / "x", "--endpoint",
                f"http://127.0.0.1:{port}", check=False)
    assert r.returncode == 1 and "connection refused" in stderr(r)


def test_unsafe_paths_refused(server, tmp_path):
    for bad in ("../evil.txt", "/etc/evil", "sub\\evil"):
        FILES[bad] = b"x"
        try:
            r = download(server, tmp_path / "m", check=False)
        finally:
            del FILES[bad]
        assert r.returncode == 1 and "unsafe" in stderr(r), stderr(r)
    assert not (tmp_path / "evil.txt").exists()


def test_usage():
    r = run_cli("download", check=False)
    assert r.returncode == 2
    r = run_cli("download", REPO, "--to", "x", "--source", "ftp", check=False)
    assert r.returncode == 2


@pytest.fixture
def small_disk(tmp_path):
    """A 128 KB tmpfs (needs root and mount rights; skipped otherwise)."""
    d = tmp_path / "small"
    d.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(d)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield d
    subprocess.run(["umount", str(d)], capture_output=True)


def test_disk_full(server, small_disk):
    # Known sizes: refused up front.
    r = download(server, small_disk / "m", check=False)
    assert r.returncode == 1 and "not enough disk space" in stderr(r), stderr(r)
    # A listing that understates the size: the write itself fails.
    server.state.ms_lie_size = True
    r = download(server, small_disk / "m", "--source", "modelscope", check=False)
    assert r.returncode == 1 and "disk is full" in stderr(r) and BIG in stderr(r), stderr(r)
    assert not (small_disk / "m" / BIG).exists()

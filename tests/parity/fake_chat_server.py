"""A fake OpenAI-compatible chat-completions server on 127.0.0.1 for the command-line tests, and
small distinct PNG images to ask it about. It answers every tagging request with a valid answer
to the JSON schema the request carries (in response_format, or in the prompt), after `delay`
seconds, and counts the requests per image (keyed by the SHA-256 of the image's base64 data),
the requests in flight and the most ever in flight at once.
"""
from __future__ import annotations

import base64
import hashlib
import http.server
import json
import pathlib
import struct
import threading
import time
import zlib
from collections import Counter

import pytest

ANSWER_SECONDS = 0.4
MODEL = "fake-vl"


# ---- images -------------------------------------------------------------------------------------

def png_bytes(w: int, h: int, rgb: tuple[int, int, int]) -> bytes:
    """A small RGB PNG (standard library only): a plain colour with a darker diagonal."""
    rows = []
    for y in range(h):
        row = bytearray(b"\x00")
        for x in range(w):
            row += bytes(c // 2 for c in rgb) if x == y else bytes(rgb)
        rows.append(bytes(row))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def make_images(folder: pathlib.Path, n: int) -> list[pathlib.Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        rgb = ((37 * i + 20) % 256, (91 * i + 60) % 256, (53 * i + 200) % 256)
        p = folder / f"item_{i:02d}.png"
        p.write_bytes(png_bytes(8 + i % 5, 6 + (i * 3) % 7, rgb))
        paths.append(p)
    assert len({p.read_bytes() for p in paths}) == n  # distinct contents, distinct hashes
    return paths


def image_key(data_url_or_bytes) -> str:
    """What the fake server keys an image by: the SHA-256 of its base64 data. The images are
    smaller than the pixel budget, so vistag-cli sends the file's bytes as they are."""
    if isinstance(data_url_or_bytes, bytes):
        b64 = base64.b64encode(data_url_or_bytes).decode()
    else:
        b64 = data_url_or_bytes.split(",", 1)[1]
    return hashlib.sha256(b64.encode()).hexdigest()


# ---- the fake inference server -----------------------------------------------------------------

def schema_of(body: dict) -> dict:
    """The JSON schema a request asks for: in response_format, else in the prompt."""
    rf = body.get("response_format") or {}
    if rf.get("type") == "json_schema":
        return rf["json_schema"]["schema"]
    text = body["messages"][-1]["content"]
    if isinstance(text, list):
        text = next(p["text"] for p in reversed(text) if p.get("type") == "text")
    marker = "JSON schema:\n"
    return json.loads(text[text.index(marker) + len(marker):])


def answer_for(schema: dict, salt: int) -> dict:
    """A valid answer: for each attribute one of its allowed values (never "unknown"), chosen
    by `salt`, so that different images get different tags."""
    out = {}
    for key, prop in schema["properties"].items():
        if "enum" in prop:
            values = [v for v in prop["enum"] if v != "unknown"] or ["unknown"]
            out[key] = values[salt % len(values)]
        elif "anyOf" in prop:
            arr = next(x for x in prop["anyOf"] if x.get("type") == "array")
            values = [v for v in arr["items"]["enum"] if v != "unknown"]
            out[key] = [values[salt % len(values)]]
        else:
            out[key] = "x"
    return out


class FakeServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, delay=ANSWER_SECONDS):
        super().__init__(("127.0.0.1", 0), FakeHandler)
        self.delay = delay
        self.lock = threading.Lock()
        self.asks = Counter()      # image key -> requests received about it
        self.answered = Counter()  # image key -> answers sent in full
        self.in_flight = Counter()  # image key -> requests being answered now
        self.max_in_flight = 0     # the most image requests ever being answered at once
        self.probes = 0            # requests without an image (the structured-output probe)
        self.other = []            # anything unexpected: (method, path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def snapshot(self):
        with self.lock:
            return Counter(self.asks), Counter(self.answered), +self.in_flight

    def total_answered(self) -> int:
        with self.lock:
            return sum(self.answered.values())


class FakeHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeServer

    def log_message(self, *args):
        pass

    def reply(self, code: int, content_type: str, payload: bytes):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def do_GET(self):
        if self.path.rstrip("/").endswith("/v1/models"):
            self.reply(200, "application/json",
                       json.dumps({"object": "list", "data": [{"id": MODEL}]}).encode())
            return
        with self.server.lock:
            self.server.other.append(("GET", self.path))
        self.reply(404, "application/json", b'{"error": {"message": "not found"}}')

    def do_POST(self):
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        except (BrokenPipeError, ConnectionResetError):
            return  # the client was killed while sending
        if not self.path.rstrip("/").endswith("/v1/chat/completions"):
            with self.server.lock:
                self.server.other.append(("POST", self.path))
            self.reply(404, "application/json", b'{"error": {"message": "not found"}}')
            return
        urls = [p["image_url"]["url"] for m in body["messages"] if isinstance(m["content"], list)
                for p in m["content"] if p.get("type") == "image_url"]
        key = image_key(urls[0]) if urls else None
        srv = self.server
        with srv.lock:
            if key is None:
                srv.probes += 1
            else:
                srv.asks[key] += 1
                srv.in_flight[key] += 1
                srv.max_in_flight = max(srv.max_in_flight, sum(srv.in_flight.values()))
        try:
            if key is not None:
                time.sleep(srv.delay)
            salt = int(key[:8], 16) if key else 0
            text = json.dumps(answer_for(schema_of(body), salt), ensure_ascii=False)
            chunks = [
                {"id": "c", "object": "chat.completion.chunk", "model": MODEL,
                 "choices": [{"index": 0, "delta": {"role": "assistant", "content": text},
                              "finish_reason": None}]},
                {"id": "c", "object": "chat.completion.chunk", "model": MODEL,
                 "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                {"id": "c", "object": "chat.completion.chunk", "model": MODEL, "choices": [],
                 "usage": {"prompt_tokens": 100, "completion_tokens": 40}},
            ]
            stream = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
            self.reply(200, "text/event-stream", stream + b"data: [DONE]\n\n")
            if key is not None:
                with srv.lock:
                    srv.answered[key] += 1
        except (BrokenPipeError, ConnectionResetError):
            pass  # the worker was killed while waiting
        finally:
            if key is not None:
                with srv.lock:
                    srv.in_flight[key] -= 1


@pytest.fixture
def server():
    srv = FakeServer()
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    assert srv.other == [], f"unexpected requests: {srv.other}"

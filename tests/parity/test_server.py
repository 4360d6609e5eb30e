"""`vistag-cli serve`: the local model behind an OpenAI-compatible HTTP server. Vistag's own
remote client and the official `openai` client get the same answer as the local engine; abuse
(no key, wrong key, foreign peer, huge body, full queue, a client that leaves mid-stream) gets a
clear status and leaves the server serving. Loopback only."""
from __future__ import annotations

import base64
import http.client
import json
import pathlib
import select
import socket
import struct
import subprocess
import threading
import time
import zlib

import pytest

from conftest import ask_json, cli_path, run_cli, write_png




class Server:
    def __init__(self, model, work, *extra):
        self.log = open(work / f"serve-{time.monotonic_ns()}.log", "w+b")
        self.proc = subprocess.Popen(
            [cli_path(), "serve", "--model", str(model), "--port", "0", "--device", "cpu",
             *map(str, extra)], stdout=subprocess.PIPE, stderr=self.log)
        deadline = time.monotonic() + 120
        line = b""
        while time.monotonic() < deadline and b"\n" not in line:
            r, _, _ = select.select([self.proc.stdout], [], [], 1)
            if r:
                c = self.proc.stdout.read1(4096)
                if not c:
                    break
                line += c
        assert b"listening on" in line, f"serve did not start: {line!r} {self.stderr()}"
        self.port = int(line.split(b"127.0.0.1:")[1].split(b"/")[0])
        self.base = f"http://127.0.0.1:{self.port}/v1"

    def stderr(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def request(self, method, path, body=None, headers=None, timeout=120):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        out = (r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read())
        c.close()
        return out

    def alive(self):
        return self.proc.poll() is None and self.request("GET", "/health")[0] == 200

    def stop(self):
        """SIGTERM: the server stops (even mid-generation) and exits 0."""
        self.proc.terminate()
        try:
            rc = self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = "killed"
        self.log.close()
        assert rc == 0, f"serve exited {rc}"


@pytest.fixture(scope="module")
def image(work_dir):
    return write_png(work_dir / "server-image.png")


@pytest.fixture(scope="module")
def data_url(image):
    return "data:image/png;base64," + base64.b64encode(image.read_bytes()).decode()


@pytest.fixture(scope="module")
def server(tiny_model, work_dir):
    s = Server(tiny_model[0], work_dir)
    yield s
    s.stop()


def chat_body(data_url, max_tokens=8, **kw):
    return {"model": "m", "max_tokens": max_tokens, "temperature": 0,
            "messages": [{"role": "user", "content": [
                {"type": "image_url", "image_url": {"url": data_url}},
                {"type": "text", "text": "Describe the product."}]}], **kw}


def test_usage_errors(tiny_model):
    for extra in (["--allow", "10.0.0.0/99"], ["--host", "localhost.example"],
                  ["--max-queue", "-1"], ["--port", "70000"]):
        r = run_cli("serve", "--model", tiny_model[0], *extra, check=False, timeout=60)
        assert r.returncode == 2, extra
        assert r.stderr.decode().startswith("vistag-cli: "), r.stderr
    r = run_cli("serve", "--model", tiny_model[0] / "missing", "--port", "0", check=False)
    assert r.returncode not in (0, 2) and b"vistag-cli: " in r.stderr


def test_health_and_models(server, tiny_model):
    st, h, body = server.request("GET", "/health")
    assert st == 200 and json.loads(body) == {"status": "ok"}
    assert h["connection"] == "close"
    st, _, body = server.request("GET", "/v1/models")
    models = json.loads(body)
    assert st == 200 and models["object"] == "list"
    assert models["data"][0] == {"id": tiny_model[0].name, "object": "model",
                                 "owned_by": "vistag", "created": 0}
    assert server.request("GET", "/v1/nothing")[0] == 404
    assert server.request("GET", "/v1/chat/completions")[0] == 405
    assert "GET /health 200" in server.stderr()


def test_vistag_client_matches_local(server, tiny_model, image):
    args = ["--image", image, "--prompt", "What colour is it?", "--temperature", "0",
            "--max-new-tokens", "24"]
    local = ask_json("--model", tiny_model[0], "--device", "cpu", *args)
    remote = ask_json("--server", server.base, *args)
    assert remote["text"] == local["text"]
    assert remote["finish_reason"] == local["finish_reason"]
    assert remote["prompt_tokens"] == local["prompt_tokens"]


def test_penalties_reach_the_model_through_the_server(server, tiny_model, image):
    """--repetition-penalty / --presence-penalty given to `ask --server` travel as
    repetition_penalty / presence_penalty and change the answer exactly as they do locally (the
    tiny random model repeats itself, so a penalty must change its greedy answer)."""
    base = ["--image", image, "--prompt", "What colour is it?", "--temperature", "0",
            "--max-new-tokens", "24"]
    plain = ask_json("--model", tiny_model[0], "--device", "cpu", *base)
    for extra in (["--repetition-penalty", "1.5"], ["--presence-penalty", "1.5"]):
        local = ask_json("--model", tiny_model[0], "--device", "cpu", *base, *extra)
        remote = ask_json("--server", server.base, *base, *extra)
        assert local["text"] != plain["text"], extra
        assert remote["text"] == local["text"], extra
    bad = chat_body("data:,", max_tokens=4)
    bad["messages"][0]["content"] = "hi"
    bad["presence_penalty"] = 3
    st, _, body = server.request("POST", "/v1/chat/completions", bad)
    assert st == 400 and "presence_penalty" in json.loads(body)["error"]["message"]


def test_multi_turn_conversation(server, tiny_model, image, data_url, work_dir):
    """Earlier user and assistant turns reach the model: the server's answer to a three-message
    conversation equals the local engine's on the same conversation, through Vistag's client
    (`ask --server --conversation`) and as raw OpenAI JSON."""
    conv = [
        {"role": "system", "content": "You tag clothing."},
        {"role": "user", "content": [{"type": "image", "path": str(image)},
                                     {"type": "text", "text": "What is this?"}]},
        {"role": "assistant", "content": "A dress with flowers."},
        {"role": "user", "content": [{"type": "text", "text": "和它相配的鞋呢？"}]},
    ]
    f = work_dir / "server-conversation.json"
    f.write_text(json.dumps(conv, ensure_ascii=False))
    args = ["--conversation", f, "--temperature", "0", "--max-new-tokens", "16"]
    local = ask_json("--model", tiny_model[0], "--device", "cpu", *args)
    remote = ask_json("--server", server.base, *args)
    assert remote["text"] == local["text"]
    assert remote["prompt_tokens"] == local["prompt_tokens"]
    single = ask_json("--model", tiny_model[0], "--device", "cpu", "--prompt", "和它相配的鞋呢？",
                      "--temperature", "0", "--max-new-tokens", "16")
    assert single["prompt_tokens"] < local["prompt_tokens"]  # the history was really sent

    body = {"model": tiny_model[0].name, "max_tokens": 16, "temperature": 0, "messages": [
        {"role": "system", "content": "You tag clothing."},
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": data_url}},
                                     {"type": "text", "text": "What is this?"}]},
        {"role": "assistant", "content": "A dress with flowers."},
        {"role": "user", "content": "和它相配的鞋呢？"}]}
    st, _, raw_body = server.request("POST", "/v1/chat/completions", body)
    assert st == 200, raw_body
    out = json.loads(raw_body)
    assert out["choices"][0]["message"]["content"] == local["text"]
    assert out["usage"]["prompt_tokens"] == local["prompt_tokens"]

    body["messages"] = body["messages"][:3]  # ends with the assistant's turn
    st, _, raw_body = server.request("POST", "/v1/chat/completions", body)
    assert st == 400 and "last message" in json.loads(raw_body)["error"]["message"]
    body["messages"][2] = {"role": "assistant", "content": [
        {"type": "image_url", "image_url": {"url": data_url}}]}
    body["messages"].append({"role": "user", "content": "and now?"})
    st, _, raw_body = server.request("POST", "/v1/chat/completions", body)
    assert st == 400 and "user messages only" in json.loads(raw_body)["error"]["message"]


def test_openai_client(server, data_url):
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=server.base, api_key="unused", max_retries=0)
    body = chat_body(data_url, max_tokens=12)
    full = client.chat.completions.create(model=body["model"], messages=body["messages"],
                                          max_tokens=12, temperature=0, seed=3)
    assert full.object == "chat.completion"
    text = full.choices[0].message.content
    assert full.choices[0].finish_reason in ("stop", "length")
    assert full.usage.completion_tokens > 0 and full.usage.prompt_tokens > 0
    assert full.usage.total_tokens == full.usage.prompt_tokens + full.usage.completion_tokens

    stream = client.chat.completions.create(model=body["model"], messages=body["messages"],
                                            max_tokens=12, temperature=0, stream=True,
                                            stream_options={"include_usage": True})
    pieces, finish, usage = [], None, None
    for ev in stream:
        if ev.usage:
            usage = ev.usage
        for ch in ev.choices:
            if ch.delta.content:
                pieces.append(ch.delta.content)
            if ch.finish_reason:
                finish = ch.finish_reason
    assert "".join(pieces) == text
    assert finish == full.choices[0].finish_reason
    assert usage is not None and usage.prompt_tokens == full.usage.prompt_tokens


TAG_SCHEMA = {
    "type": "object",
    "properties": {
        "colour": {"type": "string", "enum": ["red", "blue", "blue-green", "红色", "unknown"]},
        "style": {"anyOf": [{"type": "array", "items": {"type": "string",
                                                        "enum": ["boho", "casual", "smart \"casual\""]},
                             "minItems": 1, "maxItems": 2},
                            {"type": "string", "enum": ["unknown"]}]},
        "size": {"type": "array", "items": {"type": "string", "enum": ["S", "M", "L"]},
                 "maxItems": 3},
        "note": {"type": "string", "maxLength": 12},
    },
    "required": ["style", "colour", "size", "note"],
    "additionalProperties": False,
}


def check_tag_answer(text):
    """The answer is compact JSON with the schema's keys in the order of "required", every
    value allowed, no repeats."""
    obj = json.loads(text)
    assert list(obj) == ["style", "colour", "size", "note"], text
    assert obj["colour"] in TAG_SCHEMA["properties"]["colour"]["enum"]
    style = obj["style"]
    allowed = TAG_SCHEMA["properties"]["style"]["anyOf"][0]["items"]["enum"]
    assert style == "unknown" or (isinstance(style, list) and 1 <= len(style) <= 2 and
                                  len(set(style)) == len(style) and set(style) <= set(allowed))
    assert isinstance(obj["size"], list) and set(obj["size"]) <= {"S", "M", "L"}
    assert len(set(obj["size"])) == len(obj["size"]) >= 1
    assert isinstance(obj["note"], str) and len(obj["note"]) <= 12

    return obj


def test_structured_output_is_honoured(server, data_url):
    """A response_format json_schema (as the openai client sends it) constrains the answer: the
    random model writes valid JSON over the schema every time, streamed or not; a schema the
    constraint cannot express and an unknown type get a 400, never an ignored schema."""
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=server.base, api_key="unused", max_retries=0)
    body = chat_body(data_url)
    rf = {"type": "json_schema",
          "json_schema": {"name": "vistag_tags", "schema": TAG_SCHEMA, "strict": True}}
    for seed in range(3):
        r = client.chat.completions.create(model=body["model"], messages=body["messages"],
                                           max_tokens=8, temperature=0.8, seed=seed,
                                           response_format=rf)
        assert r.choices[0].finish_reason == "stop"
        check_tag_answer(r.choices[0].message.content)
    pieces = []
    for ev in client.chat.completions.create(model=body["model"], messages=body["messages"],
                                             temperature=0, response_format=rf, stream=True):
        for ch in ev.choices:
            if ch.delta.content:
                pieces.append(ch.delta.content)
    check_tag_answer("".join(pieces))
    # Refused, not ignored.
    nested = {"type": "object", "properties": {"a": {"type": "object", "properties": {}}}}
    for bad, needle in [({"type": "json_schema", "json_schema": {"name": "x", "schema": nested}},
                         "property 'a' is not supported"),
                        ({"type": "grammar"}, "not supported")]:
        st, _, raw_body = server.request("POST", "/v1/chat/completions",
                                         dict(body, response_format=bad))
        assert st == 400, raw_body
        assert needle in json.loads(raw_body)["error"]["message"]
    # json_object is accepted (the answer is not constrained).
    st, _, raw_body = server.request("POST", "/v1/chat/completions",
                                     dict(body, response_format={"type": "json_object"}))
    assert st == 200, raw_body


# Category first (issue 23): one object per category, each naming its category and then only its
# attributes, as Vistag's own client sends a taxonomy with a tree (TagGrammar::jsonSchema).
COLOUR = {"type": "string", "enum": ["red", "红色", "blue", "蓝色"]}
HEEL = {"type": "string", "enum": ["flat", "平底", "high", "高跟"]}
SLEEVE = {"type": "string", "enum": ["short", "短袖", "long", "长袖"]}


def category_alternative(names, props):
    properties = {"category": {"type": "string", "enum": names}, **props}
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


CATEGORY_SCHEMA = {"anyOf": [
    category_alternative(["dress", "连衣裙"], {"colour": COLOUR, "sleeve": SLEEVE}),
    category_alternative(["shoes", "鞋"], {"colour": COLOUR, "heel": HEEL}),
    category_alternative(["bag", "包"], {}),
]}
CATEGORY_KEYS = {"dress": ["colour", "sleeve"], "连衣裙": ["colour", "sleeve"],
                 "shoes": ["colour", "heel"], "鞋": ["colour", "heel"], "bag": [], "包": []}


def test_category_first_schema_through_the_openai_client(server, data_url):
    """Every answer names a category and then exactly that category's attributes, with allowed
    values, whatever the random model's logits (several seeds, streamed and not)."""
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=server.base, api_key="unused", max_retries=0)
    body = chat_body(data_url)
    rf = {"type": "json_schema",
          "json_schema": {"name": "vistag_tags", "schema": CATEGORY_SCHEMA, "strict": True}}
    seen = set()
    answers = []
    for seed in range(8):
        r = client.chat.completions.create(model=body["model"], messages=body["messages"],
                                           max_tokens=8, temperature=1.0, seed=seed,
                                           response_format=rf)
        assert r.choices[0].finish_reason == "stop"
        answers.append(r.choices[0].message.content)
    pieces = []
    for ev in client.chat.completions.create(model=body["model"], messages=body["messages"],
                                             temperature=0, response_format=rf, stream=True):
        for ch in ev.choices:
            if ch.delta.content:
                pieces.append(ch.delta.content)
    answers.append("".join(pieces))
    for text in answers:
        obj = json.loads(text)
        keys = list(obj)
        assert keys[0] == "category", text
        assert keys[1:] == CATEGORY_KEYS[obj["category"]], text
        for k in keys[1:]:
            allowed = {"colour": COLOUR, "heel": HEEL, "sleeve": SLEEVE}[k]["enum"]
            assert obj[k] in allowed, text
        seen.add(obj["category"])
    print(f"[ info ] categories named over {len(answers)} answers: {sorted(seen)}")


def test_bad_requests(server, data_url):
    remote = chat_body("https://example.com/a.png")
    st, _, body = server.request("POST", "/v1/chat/completions", remote)
    assert st == 400 and "remote image" in json.loads(body)["error"]["message"]
    # file:// URLs are for `vistag-cli batch` only: a client never reads the server's files.
    st, _, body = server.request("POST", "/v1/chat/completions", chat_body("file:///etc/hostname"))
    assert st == 400 and "data:image" in json.loads(body)["error"]["message"]
    many = chat_body(data_url)
    many["messages"][0]["content"] = [{"type": "image_url", "image_url": {"url": data_url}}] * 9
    assert server.request("POST", "/v1/chat/completions", many)[0] == 400
    assert server.request("POST", "/v1/chat/completions", chat_body(data_url, 5000))[0] == 400
    assert server.request("POST", "/v1/chat/completions", b"{not json")[0] == 400
    assert server.request("POST", "/v1/chat/completions",
                          chat_body("data:image/png;base64,@@@"))[0] == 400
    # A decompression bomb (50000 x 50000 in the header) and a corrupt image: 400, server up.
    ihdr = struct.pack(">IIBBBBB", 50000, 50000, 8, 2, 0, 0, 0)
    bomb = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr +
            struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF))
    for blob in (bomb, b"not an image at all"):
        url = "data:image/png;base64," + base64.b64encode(blob).decode()
        st, _, body = server.request("POST", "/v1/chat/completions", chat_body(url))
        assert st == 400, body
        assert json.loads(body)["error"]["message"]
    assert server.alive()


def raw(port, data, timeout=30):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
    except OSError:
        pass
    out = b""
    try:
        while True:
            c = s.recv(65536)
            if not c:
                break
            out += c
    except OSError:
        pass
    s.close()
    return out


def test_size_limits(server):
    head = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 70000000\r\n\r\n")
    assert raw(server.port, head + b"{").startswith(b"HTTP/1.1 413 ")
    big = b"GET /health HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
    assert raw(server.port, big).startswith(b"HTTP/1.1 431 ")
    assert raw(server.port, b"NONSENSE\r\n\r\n").startswith(b"HTTP/1.1 400 ")
    assert server.alive()


def test_api_key_and_allow_list(tiny_model, work_dir, data_url):
    s = Server(tiny_model[0], work_dir, "--api-key", "s3cret")
    try:
        assert s.request("GET", "/health")[0] == 200
        for method, path, body in [("GET", "/v1/models", None),
                                   ("POST", "/v1/chat/completions", chat_body(data_url)),
                                   ("GET", "/v1/unknown", None)]:
            assert s.request(method, path, body)[0] == 401
            assert s.request(method, path, body, {"Authorization": "Bearer wrong"})[0] == 401
            assert s.request(method, path, body, {"Authorization": "Bearer s3cret0"})[0] == 401
        st, _, body = s.request("GET", "/v1/models", headers={"Authorization": "Bearer s3cret"})
        assert st == 200
        st, _, body = s.request("POST", "/v1/chat/completions", chat_body(data_url),
                                {"Authorization": "Bearer s3cret"})
        assert st == 200 and json.loads(body)["object"] == "chat.completion"
    finally:
        s.stop()
    s = Server(tiny_model[0], work_dir, "--allow", "10.0.0.0/8")
    try:
        assert s.request("GET", "/health")[0] == 403
        assert s.request("GET", "/v1/models")[0] == 403
    finally:
        s.stop()


def send_stream_request(port, body):
    data = json.dumps(body).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
              b"\r\nContent-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data)
    return s


def test_queue_full_and_disconnects(tiny_model, work_dir, data_url):
    s = Server(tiny_model[0], work_dir, "--max-queue", "1", "--max-batch", "1")
    try:
        long = chat_body(data_url, max_tokens=2048, stream=True)
        socks = [send_stream_request(s.port, long) for _ in range(5)]
        heads = {k: b"" for k in socks}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pending = [k for k in socks if b"\r\n\r\n" not in heads[k]]
            if sum(b" 429 " in heads[k] for k in socks) >= 3 and \
                    any(b" 200 " in h for h in heads.values()):
                break
            r, _, _ = select.select(pending, [], [], 0.5)
            for k in r:
                c = k.recv(65536)
                heads[k] += c if c else b"\r\n\r\n"
        statuses = [int(h.split(b" ")[1]) if h.startswith(b"HTTP/1.1 ") else 0
                    for h in heads.values()]
        for h in heads.values():
            if b" 429 " in h.split(b"\r\n")[0]:
                assert b"retry-after:" in h.lower()
        assert statuses.count(429) == 3, statuses
        assert 200 in statuses, statuses
        # Leave mid-stream: the running generation is cancelled and the slot freed.
        for k in socks:
            k.close()
        st, _, body = s.request("POST", "/v1/chat/completions", chat_body(data_url, 4),
                                timeout=60)
        assert st == 200, body  # the slot was freed: answered, not refused or queued forever
        assert "client closed" in s.stderr()
        assert s.alive()
        # SIGTERM while a generation runs: the server stops promptly and exits 0.
        busy = send_stream_request(s.port, long)
        assert busy.recv(64).startswith(b"HTTP/1.1 200 ")
    finally:
        s.stop()  # SIGTERM mid-generation: exits 0 within its wait, or the test fails
    busy.close()


def rss_kib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_200_concurrent_clients_on_a_4_slot_queue(tiny_model, work_dir, data_url):
    """200 clients at once against --max-queue 4: each gets an answer or 429, the server stays up,
    finishes in bounded time, and its memory comes back to about where it was."""
    s = Server(tiny_model[0], work_dir, "--max-queue", "4")
    try:
        body = chat_body(data_url, max_tokens=8)
        # Warm-up with a full batch (8 at once, the default --max-batch): the batch's KV cache,
        # per-thread allocator arenas and the CPU's transposed output projection exist from here
        # on, so what follows measures growth, not first use.
        warm = [threading.Thread(target=lambda: s.request("POST", "/v1/chat/completions", body))
                for _ in range(8)]
        for t in warm:
            t.start()
        for t in warm:
            t.join(120)
        assert s.request("POST", "/v1/chat/completions", body)[0] == 200
        before = rss_kib(s.proc.pid)
        statuses = []
        lock = threading.Lock()

        def client():
            try:
                st = s.request("POST", "/v1/chat/completions", body, timeout=120)[0]
            except OSError as e:  # the server may refuse connections beyond its limit (503)
                st = f"error {type(e).__name__}"
            with lock:
                statuses.append(st)

        t0 = time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        elapsed = time.monotonic() - t0
        assert len(statuses) == 200
        counts = {k: statuses.count(k) for k in set(statuses)}
        assert set(counts) <= {200, 429, 503}, counts
        assert counts.get(200, 0) >= 5, counts
        assert s.alive()
        time.sleep(1)
        after = rss_kib(s.proc.pid)
        report = (f"200 concurrent clients, --max-queue 4: {counts} in {elapsed:.1f} s; "
                  f"server RSS {before / 1024:.0f} MiB before, {after / 1024:.0f} MiB after")
        print(report)
        import os
        art = pathlib.Path(os.environ.get("VISTAG_ARTIFACTS", work_dir))
        (art / "server-soak.txt").write_text(report + "\n")
        assert after < before + 64 * 1024, report
    finally:
        s.stop()


def test_concurrent_openai_clients_decode_together(tiny_model, work_dir, data_url, image):
    """8 clients of the `openai` package at once (--max-batch 8): each gets the same greedy text
    as when it asks alone; the timing of both ways is written to the artifacts (no threshold)."""
    openai = pytest.importorskip("openai")
    s = Server(tiny_model[0], work_dir, "--max-batch", "8", "--max-queue", "8")
    try:
        client = openai.OpenAI(base_url=s.base, api_key="unused", max_retries=0, timeout=300)
        prompts = [f"Describe product number {i}: category, colour, material." for i in range(8)]

        def ask(i):
            content = [{"type": "text", "text": prompts[i]}]
            if i % 2 == 0:  # half with the image, half text only
                content.insert(0, {"type": "image_url", "image_url": {"url": data_url}})
            r = client.chat.completions.create(
                model="m", temperature=0, max_tokens=24 + 4 * i,
                messages=[{"role": "user", "content": content}])
            return r.choices[0].message.content, r.usage.completion_tokens

        ask(0)  # warm-up
        t0 = time.monotonic()
        alone = [ask(i) for i in range(8)]
        sequential = time.monotonic() - t0
        together = [None] * 8

        def worker(i):
            together[i] = ask(i)

        t0 = time.monotonic()
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        concurrent = time.monotonic() - t0
        assert together == alone
        assert s.alive()
        report = (f"8 openai clients, greedy, tiny model: one after another {sequential:.2f} s, "
                  f"all at once {concurrent:.2f} s ({sequential / concurrent:.2f}x)")
        print(report)
        import os
        art = pathlib.Path(os.environ.get("VISTAG_ARTIFACTS", work_dir))
        (art / "server-concurrency.txt").write_text(report + "\n")
    finally:
        s.stop()

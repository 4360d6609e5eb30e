"""`vistag-cli ask --server`: the remote backend against a scripted, misbehaving OpenAI-style
server on 127.0.0.1. Every failure ends with a non-zero exit code and one plain line on stderr;
a partial answer is never reported as complete."""
from __future__ import annotations

import json
import pathlib
import socket
import socketserver
import struct
import threading
import time
import zlib

import pytest

from conftest import run_cli, write_png

SERVER_ERROR = 11  # RemoteBackend::kServerError




def sse(obj) -> bytes:
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


def delta(text, finish=None):
    return sse({"id": "c", "object": "chat.completion.chunk", "model": "m",
                "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]})


STREAM_HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
               b"Cache-Control: no-cache\r\nConnection: close\r\n\r\n")


def error_head(code, reason, body, extra=b""):
    return (f"HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n").encode() + extra + b"\r\n" + body


class Scripted(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests = []  # (scenario, method, path, headers, json body)
        self.lock = threading.Lock()

    def count(self, scenario):
        with self.lock:
            return sum(1 for r in self.requests if r[0] == scenario and r[1] == "POST")


class Handler(socketserver.BaseRequestHandler):
    def read_request(self):
        data = b""
        while b"\r\n\r\n" not in data:
            part = self.request.recv(65536)
            if not part:
                return None
            data += part
        head, body = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, v in
                   (l.split(":", 1) for l in lines[1:] if ":" in l)}
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            part = self.request.recv(65536)
            if not part:
                break
            body += part
        return method, path, headers, json.loads(body) if body else None

    def send(self, *parts, delay=0.0):
        for p in parts:
            self.request.sendall(p)
            if delay:
                time.sleep(delay)

    def handle(self):
        req = self.read_request()
        if req is None:
            return
        method, path, headers, body = req
        scenario = path.strip("/").split("/")[0]
        with self.server.lock:
            self.server.requests.append((scenario, method, path, headers, body))
        try:
            if path.endswith("/models"):
                self.send(error_head(200, "OK", json.dumps(
                    {"object": "list", "data": [{"id": "served-model"}]}).encode()))
                return
            getattr(self, "scenario_" + scenario)()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def scenario_normal(self):
        self.send(STREAM_HEAD, b": keep-alive\n\n", delta("Hel"), delta("lo, "), delta("世界"),
                  delta("", "stop"),
                  sse({"choices": [], "usage": {"prompt_tokens": 42, "completion_tokens": 4}}),
                  b"data: [DONE]\n\n")

    def scenario_split(self):
        stream = (delta("红") + delta("色") + delta("!", "stop") + b"data: [DONE]\n\n")
        stream = stream.replace(b"\n", b"\r\n")
        self.send(STREAM_HEAD)
        # Cut everywhere: in the middle of "data:", of the JSON, and between "\r" and "\n".
        cuts = [3, 4, 9, 30, 31, len(stream) // 2, len(stream) - 3]
        pos = 0
        for c in cuts + [len(stream)]:
            self.send(stream[pos:c], delay=0.05)
            pos = c

    def scenario_stall(self):
        self.send(STREAM_HEAD)
        for _ in range(3):
            self.send(b": keep-alive\r\n\r\n", delay=0.3)
        time.sleep(8)

    def scenario_badjson(self):
        self.send(STREAM_HEAD, delta("ok"), b'data: {"choices": [{"delta": {"content": "x"\n\n',
                  delta("", "stop"))

    def scenario_errorevent(self):
        self.send(STREAM_HEAD, delta("par"),
                  sse({"error": {"message": "model crashed: CUDA out of memory",
                                 "type": "server_error"}}))

    def scenario_nodone(self):
        self.send(STREAM_HEAD, delta("done "), delta("without DONE", "length"))

    def scenario_nofinish(self):
        self.send(STREAM_HEAD, delta("half an "), delta("answer"), delay=0.05)

    def scenario_busy(self):
        if self.server.count("busy") == 1:
            self.send(error_head(429, "Too Many Requests",
                                 b'{"error": {"message": "queue full"}}', b"Retry-After: 1\r\n"))
        else:
            self.scenario_normal()

    def scenario_plainjson(self):
        body = json.dumps({"object": "chat.completion", "choices": [{
            "index": 0, "message": {"role": "assistant", "content": "not streamed"},
            "finish_reason": "stop"}], "usage": {"prompt_tokens": 7}}).encode()
        self.send(error_head(200, "OK", body))

    def scenario_logprobs(self):
        self.send(STREAM_HEAD, sse({"choices": [{"delta": {"content": "红"}, "logprobs": {
            "content": [{"token": "红", "logprob": -0.01}]}, "finish_reason": "stop"}]}))

    # Tagging (AskRequest::tagSchema): a server that enforces the schema it is sent, answering
    # each attribute's first allowed value (the probe's only value included), and one that
    # ignores it and names a value no taxonomy has.
    def scenario_tagschema(self):
        body = self.server.requests[-1][4]
        self.send(STREAM_HEAD, delta(json.dumps(answer_for(sent_schema(body)),
                                                ensure_ascii=False), "stop"), b"data: [DONE]\n\n")

    def scenario_tagjunk(self):
        self.send(STREAM_HEAD, delta('Sure! {"category": "spaceship"}', "stop"),
                  b"data: [DONE]\n\n")

    def scenario_auth(self):
        self.send(error_head(401, "Unauthorized",
                             b'{"error": {"message": "Invalid API key", "type": "auth"}}'))

    def scenario_unprocessable(self):
        self.send(error_head(422, "Unprocessable Entity", json.dumps(
            {"detail": [{"loc": ["body", "max_tokens"], "msg": "too large"}]}).encode()))


def sent_schema(body):
    """The JSON schema a request asked for: in response_format, else in the prompt."""
    rf = body.get("response_format") or {}
    if rf.get("type") == "json_schema":
        return rf["json_schema"]["schema"]
    text = body["messages"][-1]["content"][-1]["text"]
    return json.loads(text[text.index("JSON schema:\n") + len("JSON schema:\n"):])


def answer_for(schema):
    out = {}
    for key, prop in schema["properties"].items():
        if "enum" in prop:
            out[key] = next((v for v in prop["enum"] if v != "unknown"), "unknown")
        elif "anyOf" in prop:
            out[key] = [prop["anyOf"][0]["items"]["enum"][0]]
        else:
            out[key] = "x"
    return out


def v1_taxonomy():
    """The flat (version-1) apparel taxonomy: one schema of every attribute, no category first."""
    from vistag_fixtures import REPO
    return REPO / "tests" / "data" / "taxonomy_v1_apparel.json"


def taxonomy_values(path=None):
    from vistag_fixtures import REPO
    path = path or REPO / "resources" / "taxonomy" / "apparel.json"
    t = json.loads(pathlib.Path(path).read_text())
    values = {a["code"]: {v["code"] for v in a.get("values", [])} for a in t["attributes"]}
    if "categories" in t:  # version 2: the category tree is the attribute "category"
        values["category"] = {c["code"] for c in t["categories"]}
    return values


@pytest.fixture(scope="module")
def server():
    srv = Scripted()
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    return write_png(tmp_path_factory.mktemp("remote") / "shirt.png", w=8, h=6)


def ask(server, scenario, image, *extra, timeout=60):
    url = f"http://127.0.0.1:{server.server_address[1]}/{scenario}/v1"
    start = time.monotonic()
    r = run_cli("ask", "--server", url, "--image", image, "--prompt", "What colour?",
                "--json", *extra, check=False, timeout=timeout)
    return r, time.monotonic() - start


def result_json(r):
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    return json.loads(r.stdout.decode().strip().splitlines()[-1])


def error_line(r):
    lines = [l for l in r.stderr.decode(errors="replace").splitlines() if l.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("vistag-cli: "), lines
    return lines[0]


def test_normal_stream(server, image):
    r, _ = ask(server, "normal", image, "--model-name", "qwen3-vl", "--api-key", "sekrit",
               "--max-new-tokens", "33", "--max-pixels", "1000000")
    out = result_json(r)
    assert out["text"] == "Hello, 世界"
    assert out["finish_reason"] == "stop"
    assert out["prompt_tokens"] == 42
    assert out["token_ids"] == []
    assert set(out["timings"]) == {"load_ms", "preprocess_ms", "vision_ms", "prefill_ms",
                                   "ttft_ms", "decode_ms", "total_ms"}
    assert 0 < out["timings"]["ttft_ms"] <= out["timings"]["total_ms"]
    _, method, path, headers, body = [q for q in server.requests if q[0] == "normal"][-1]
    assert (method, path) == ("POST", "/normal/v1/chat/completions")
    assert headers["authorization"] == "Bearer sekrit"
    assert body["model"] == "qwen3-vl" and body["stream"] is True
    assert body["max_tokens"] == 33 and body["temperature"] == 0
    assert "logprobs" not in body
    parts = body["messages"][-1]["content"]
    assert parts[0]["type"] == "image_url"
    assert parts[0]["image_url"]["url"].startswith("data:image/png;base64,iVBOR")
    assert parts[1] == {"type": "text", "text": "What colour?"}


def test_model_name_from_server_and_scaled_image(server, image):
    r, _ = ask(server, "normal", image, "--max-pixels", "12")
    assert result_json(r)["text"] == "Hello, 世界"
    reqs = [q for q in server.requests if q[0] == "normal"]
    assert reqs[-2][1:3] == ("GET", "/normal/v1/models")
    body = reqs[-1][4]
    assert body["model"] == "served-model"
    import base64
    png = base64.b64decode(body["messages"][-1]["content"][0]["image_url"]["url"].split(",", 1)[1])
    w, h = struct.unpack(">II", png[16:24])
    assert w * h <= 12 and (w, h) == (4, 3)


def test_streams_without_json_flag(server, image):
    url = f"http://127.0.0.1:{server.server_address[1]}/normal/v1"
    r = run_cli("ask", "--server", url, "--model-name", "m", "--image", image, "--prompt", "q")
    assert r.stdout.decode() == "Hello, 世界\n"


def test_server_that_ignores_stream_true(server, image):
    out = result_json(ask(server, "plainjson", image, "--model-name", "m")[0])
    assert (out["text"], out["finish_reason"], out["prompt_tokens"]) == ("not streamed", "stop", 7)


def test_logprobs_only_when_asked(server, image):
    out = result_json(ask(server, "logprobs", image, "--model-name", "m", "--logprobs",
                          "--token-limit-field", "max_completion_tokens")[0])
    assert out["text"] == "红"
    body = [q for q in server.requests if q[0] == "logprobs"][-1][4]
    assert body["logprobs"] is True
    assert body["max_completion_tokens"] == 256 and "max_tokens" not in body


def test_split_lines_and_crlf(server, image):
    r, _ = ask(server, "split", image, "--model-name", "m")
    out = result_json(r)
    assert out["text"] == "红色!"
    assert out["finish_reason"] == "stop"


def test_keepalives_then_stall_times_out(server, image):
    r, _ = ask(server, "stall", image, "--model-name", "m", "--timeout", "1")
    assert r.returncode == SERVER_ERROR
    line = error_line(r)
    # The 1 s limit ended it (keep-alives for ~0.9 s, then silence), not the default one.
    assert "sent nothing for 1 s" in line and "stalled" in line, line


def test_bad_json_chunk(server, image):
    r, _ = ask(server, "badjson", image, "--model-name", "m")
    assert r.returncode == SERVER_ERROR
    assert "malformed stream chunk" in error_line(r)


def test_error_event(server, image):
    r, _ = ask(server, "errorevent", image, "--model-name", "m")
    assert r.returncode == SERVER_ERROR
    line = error_line(r)
    assert "server reported an error" in line and "CUDA out of memory" in line, line


def test_no_done_after_finish_is_fine(server, image):
    out = result_json(ask(server, "nodone", image, "--model-name", "m")[0])
    assert out["text"] == "done without DONE"
    assert out["finish_reason"] == "length"


def test_stream_without_finish_reason_is_an_error(server, image):
    r, _ = ask(server, "nofinish", image, "--model-name", "m")
    assert r.returncode == SERVER_ERROR
    assert "stopped before the answer was complete" in error_line(r)
    assert r.stdout.strip() == b""  # no JSON result for a partial answer


def test_429_is_retried_after_retry_after(server, image):
    r, seconds = ask(server, "busy", image, "--model-name", "m")
    assert result_json(r)["text"] == "Hello, 世界"
    assert server.count("busy") == 2
    assert seconds >= 0.9


def test_401_names_the_api_key(server, image):
    r, _ = ask(server, "auth", image, "--model-name", "m", "--api-key", "wrong")
    assert r.returncode == SERVER_ERROR
    line = error_line(r)
    assert "API key" in line and "401" in line and "Invalid API key" in line, line
    r, _ = ask(server, "auth", image, "--model-name", "m")
    assert "--api-key" in error_line(r)


def test_422_shows_the_servers_message(server, image):
    r, _ = ask(server, "unprocessable", image, "--model-name", "m")
    assert r.returncode == SERVER_ERROR
    line = error_line(r)
    assert "422" in line and "body.max_tokens: too large" in line, line


def test_connection_refused(image):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = run_cli("ask", "--server", f"http://127.0.0.1:{port}/v1", "--model-name", "m",
                "--image", image, "--prompt", "q", check=False, timeout=60)
    assert r.returncode == SERVER_ERROR
    line = error_line(r)
    assert "connection refused" in line and f"127.0.0.1:{port}" in line, line


def test_unreadable_image_and_usage(server, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    url = f"http://127.0.0.1:{server.server_address[1]}/normal/v1"
    r = run_cli("ask", "--server", url, "--model-name", "m", "--image", bad, "--prompt", "q",
                check=False)
    assert r.returncode == 5
    assert "bad.png" in error_line(r)
    r = run_cli("ask", "--server", "ftp://x/v1", "--image", bad, "--prompt", "q", check=False)
    assert r.returncode == 2
    r = run_cli("ask", "--image", bad, "--prompt", "q", check=False)
    assert r.returncode == 2 and b"--model DIR is required" in r.stderr


def test_untrusted_tls_certificate_is_reported(image, tmp_path):
    import shutil
    import ssl
    import subprocess
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=localhost"],
                   check=True, capture_output=True)
    srv = Scripted()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = f"https://127.0.0.1:{srv.server_address[1]}/normal/v1"
        r = run_cli("ask", "--server", url, "--model-name", "m", "--image", image, "--prompt",
                    "q", check=False, timeout=60)
        assert r.returncode == SERVER_ERROR
        line = error_line(r)
        assert "secure connection" in line and "self-signed" in line, line
        assert srv.count("normal") == 0  # nothing was sent over the untrusted connection
    finally:
        srv.shutdown()
        srv.server_close()


def tag_remote(server, scenario, db, image, *extra):
    url = f"http://127.0.0.1:{server.server_address[1]}/{scenario}/v1"
    return run_cli("tag", "--server", url, "--model-name", "m", "--db", db, "--language", "en",
                   "--timeout", "2", *extra, image, check=False, timeout=120)


def test_tag_with_server(server, image, tmp_path):
    import sqlite3
    db = tmp_path / "catalog.db"
    r = tag_remote(server, "nofinish", db, image, "--free-text")
    assert r.returncode == 1, r.stderr
    assert b"stopped before the answer was complete" in r.stdout
    r = tag_remote(server, "normal", db, image, "--free-text")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert b"1 tagged" in r.stdout, r.stdout
    con = sqlite3.connect(db)
    try:
        runs = con.execute("select backend, model_id, answer, finish_reason from runs").fetchall()
    finally:
        con.close()
    url = f"remote:http://127.0.0.1:{server.server_address[1]}/normal/v1"
    # The partial answer was never stored; the complete one was.
    # The result cache names the model with its server: one name on two servers is two models.
    assert runs == [(url, "m@" + url[len("remote:"):], "Hello, 世界", "stop")], runs


def test_ctrl_c_stops_a_stalled_tag_run(server, image, tmp_path):
    import signal
    import subprocess
    from conftest import cli_path
    url = f"http://127.0.0.1:{server.server_address[1]}/stall/v1"
    p = subprocess.Popen([cli_path(), "tag", "--server", url, "--model-name", "m", "--db",
                          tmp_path / "c.db", "--timeout", "60", image],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=30)
    assert p.returncode == 8, out  # ended by the Ctrl+C, well inside communicate()'s 30 s
    assert b"run the same command again" in out


def tag_requests(server, scenario, since=0):
    return [q[4] for q in server.requests if q[0] == scenario and q[1] == "POST"][since:]


def stored_tags(db):
    import sqlite3
    con = sqlite3.connect(db)
    try:
        tags = con.execute("select attribute, value_code, is_new_value from tags").fetchall()
        answers = [a for (a,) in con.execute("select answer from runs")]
    finally:
        con.close()
    return tags, answers


def test_tag_with_a_server_that_enforces_the_schema(server, image, tmp_path):
    db = tmp_path / "enforced.db"
    r = tag_remote(server, "tagschema", db, image)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert r.stderr.decode().splitlines().count("tag schema: enforced") == 1, r.stderr
    probe, *tagging = tag_requests(server, "tagschema")
    enum = probe["response_format"]["json_schema"]["schema"]["properties"]["answer"]["enum"]
    assert len(enum) == 1 and enum[0] not in json.dumps(probe["messages"])
    assert tagging, "no tagging request"
    for body in tagging:
        rf = body["response_format"]
        assert rf["type"] == "json_schema" and rf["json_schema"]["name"] == "vistag_tags"
        assert rf["json_schema"]["strict"] is True
        assert rf["json_schema"]["schema"]["additionalProperties"] is False
        assert not any(k.startswith("guided_") for k in body)
    tags, answers = stored_tags(db)
    allowed = taxonomy_values()
    assert tags, "nothing stored"
    for attribute, value, is_new in tags:
        assert allowed[attribute] and value in allowed[attribute] and not is_new, (attribute, value)
    assert all(isinstance(json.loads(a), dict) for a in answers)


def test_tag_with_a_server_that_ignores_the_schema(server, image, tmp_path):
    db = tmp_path / "ignored.db"
    r = tag_remote(server, "tagjunk", db, image)
    assert r.returncode == 0, (r.stdout, r.stderr)
    lines = r.stderr.decode().splitlines()
    assert lines.count("tag schema: not enforced (answers are checked)") == 1, lines
    # The probe, the request (with the schema in its prompt too, since the server ignores it)
    # and one repair; then every attribute is "unknown" and nothing is stored.
    probe, first, repair = tag_requests(server, "tagjunk")
    assert "JSON schema:" in first["messages"][-1]["content"][-1]["text"]
    assert repair["messages"][-2] == {"role": "assistant",
                                      "content": 'Sure! {"category": "spaceship"}'}
    assert "JSON" in repair["messages"][-1]["content"]
    tags, answers = stored_tags(db)
    assert tags == []
    assert set(json.loads(answers[0]).values()) == {"unknown"}


def test_structured_output_option(server, image, tmp_path):
    n = len(tag_requests(server, "tagschema"))
    # The flat taxonomy: one request (a category tree asks the category first).
    r = tag_remote(server, "tagschema", tmp_path / "object.db", image,
                   "--structured-output", "json_object", "--taxonomy", str(v1_taxonomy()))
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "tag schema: not sent (answers are checked)" in r.stderr.decode().splitlines()
    (body,) = tag_requests(server, "tagschema", n)  # no probe: there is no schema to probe
    assert body["response_format"] == {"type": "json_object"}
    assert body["enable_thinking"] is False
    assert "JSON" in json.dumps(body["messages"])
    tags, _ = stored_tags(tmp_path / "object.db")
    assert tags

    n += 1
    r = tag_remote(server, "tagschema", tmp_path / "none.db", image, "--structured-output", "none",
                   "--taxonomy", str(v1_taxonomy()))
    assert r.returncode == 0, (r.stdout, r.stderr)
    (body,) = tag_requests(server, "tagschema", n)
    assert "response_format" not in body and "enable_thinking" not in body
    assert "JSON schema:" in body["messages"][-1]["content"][-1]["text"]

    for bad in (["--structured-output", "guided_json"], ["--schema-max-enum", "-1"]):
        r = tag_remote(server, "tagschema", tmp_path / "bad.db", image, *bad)
        assert r.returncode == 2
        assert bad[0] in r.stderr.decode(), r.stderr


def test_a_taxonomy_over_the_servers_limits_is_split(server, image, tmp_path):
    n = len(tag_requests(server, "tagschema"))
    db = tmp_path / "split.db"
    # The flat taxonomy, where every attribute is asked (a category tree asks the category
    # first, then only that category's attributes).
    flat = taxonomy_values(v1_taxonomy())
    # Room for the largest attribute (a code and a label per value, and "unknown"), not for all.
    sizes = [2 * len(v) + 1 for v in flat.values() if v]
    limit = max(sizes) + 1
    assert sum(sizes) > limit
    r = tag_remote(server, "tagschema", db, image, "--schema-max-enum", str(limit),
                   "--taxonomy", str(v1_taxonomy()))
    assert r.returncode == 0, (r.stdout, r.stderr)
    bodies = [b for b in tag_requests(server, "tagschema", n) if "vistag_tags" in json.dumps(
        b.get("response_format", {}))]
    assert len(bodies) > 1
    keys = []
    for b in bodies:
        schema = b["response_format"]["json_schema"]["schema"]
        assert sum(len(p.get("enum", [])) + sum(len(x.get("items", {}).get("enum", x.get("enum", [])))
                                                for x in p.get("anyOf", []))
                   for p in schema["properties"].values()) <= limit
        keys += schema["required"]
    assert keys == list(flat)  # every attribute once, in taxonomy order
    tags, answers = stored_tags(db)
    assert {a for a, _, _ in tags} == {a for a, v in flat.items() if v}
    assert list(json.loads(answers[0])) == keys

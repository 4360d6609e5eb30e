"""`vistag-cli batch`: a JSON Lines file of chat requests (the OpenAI Batch API format that vLLM's
run_batch also reads) on the tiny model's continuous batch. Greedy answers equal `vistag-cli ask`
one at a time; the lines validate against the `openai` package's types; a bad line gets its own
error line while the others still run; Ctrl+C stops at once with only complete lines written, and
--resume finishes the rest."""
from __future__ import annotations

import base64
import json
import signal
import subprocess
import time
from typing import Any, Optional

import pydantic
import pytest
from openai.types import BatchError
from openai.types.chat import ChatCompletion

from conftest import ask_json, cli_path, run_cli, write_png

ENGINE = ["--device", "cpu", "--dtype", "float32"]


# The per-line object of a batch output file, as vLLM's run_batch and OpenAI's Batch API define it
# (the `openai` package has no type for it; its body is a ChatCompletion, its error a BatchError).
class BatchResponseData(pydantic.BaseModel):
    status_code: int
    request_id: str
    body: Optional[dict] = None


class BatchRequestOutput(pydantic.BaseModel):
    id: str
    custom_id: str
    response: Optional[BatchResponseData]
    error: Optional[Any]


@pytest.fixture(scope="module")
def images(work_dir):
    return (write_png(work_dir / "batch-a.png"), write_png(work_dir / "batch-b.png", 40, 30))


def data_url(path):
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def line(custom_id, prompt, images=(), max_tokens=8, system=None, **extra):
    content = [{"type": "image_url", "image_url": {"url": u}} for u in images]
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": content + [{"type": "text", "text": prompt}]})
    body = {"model": "tiny", "messages": messages, "max_tokens": max_tokens, "temperature": 0}
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions",
            "body": body, **extra}


def write_jsonl(path, lines):
    path.write_text("".join((l if isinstance(l, str) else json.dumps(l)) + "\n" for l in lines))
    return path


def batch_cmd(model, requests, results, *extra):
    return [cli_path(), "batch", "--model", str(model), "-i", str(requests), "-o", str(results),
            *ENGINE, *map(str, extra)]


def read_results(text):
    """Parses and validates every output line; returns {custom_id or 'line N': line}."""
    out = {}
    for raw in text.splitlines():
        o = json.loads(raw)
        BatchRequestOutput.model_validate(o)
        assert o["id"].startswith("batch_req_")
        if o["error"] is None:
            assert o["response"]["status_code"] == 200
            ChatCompletion.model_validate(o["response"]["body"])
        else:
            assert o["response"] is None
            err = BatchError.model_validate(o["error"])
            assert err.code and err.message and err.line
        key = o["custom_id"] or f"line {o['error']['line']}"
        assert key not in out, f"{key} twice"
        out[key] = o
    return out


def answer(o):
    body = o["response"]["body"]
    assert body["object"] == "chat.completion" and body["model"] == "tiny-model"
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant" and choice["logprobs"] is None
    u = body["usage"]
    assert u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"]
    return choice["message"]["content"], choice["finish_reason"], u


def test_answers_equal_ask_one_at_a_time(tiny_model, images, work_dir):
    model = tiny_model[0]
    a, b = images
    cases = {
        "data-url": dict(prompt="Describe the product.", images=[a], urls=[data_url(a)],
                         max_tokens=8),
        "file-url": dict(prompt="What colour is it?", images=[b], urls=[b.as_uri()],
                         max_tokens=12),
        "two-images": dict(prompt="Compare them.", images=[a, b],
                           urls=[data_url(a), b.as_uri()], max_tokens=5),
        "text-only": dict(prompt="Hello there", images=[], urls=[], max_tokens=16,
                          system="You tag products."),
        "long": dict(prompt="Tell me a story about a dress.", images=[b], urls=[data_url(b)],
                     max_tokens=40),
    }
    requests = write_jsonl(work_dir / "parity.jsonl", [
        line(cid, c["prompt"], c["urls"], c["max_tokens"], c.get("system"))
        for cid, c in cases.items()])
    results = work_dir / "parity-out.jsonl"
    r = subprocess.run(batch_cmd(model, requests, results, "--concurrency", 3),
                       capture_output=True, timeout=600)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    summary = r.stderr.decode().strip().splitlines()[-1]
    assert summary.startswith("batch: 5 ok, 0 failed"), summary
    out = read_results(results.read_text())
    assert set(out) == set(cases)
    for cid, c in cases.items():
        args = ["--model", model, *ENGINE, "--temperature", "0", "--prompt", c["prompt"],
                "--max-new-tokens", c["max_tokens"]]
        for img in c["images"]:
            args += ["--image", img]
        if c.get("system"):
            args += ["--system", c["system"]]
        ref = ask_json(*args)
        text, finish, usage = answer(out[cid])
        assert text == ref["text"], cid
        assert finish == ref["finish_reason"], cid
        assert usage["prompt_tokens"] == ref["prompt_tokens"], cid
        assert usage["completion_tokens"] == len(ref["token_ids"]), cid


def test_bad_lines_get_error_lines_and_the_rest_still_run(tiny_model, images, work_dir):
    a, b = images
    broken_image = "data:image/png;base64," + base64.b64encode(b"not an image" * 8).decode()
    lines = [
        line("ok-1", "Describe the product.", [data_url(a)]),  # 1
        '{"custom_id": "broken", "method": "POST", ',  # 2
        line("wrong-url", "Hi", url="/v1/embeddings"),  # 3
        {k: v for k, v in line("x", "Hi").items() if k != "custom_id"},  # 4
        line("wrong-method", "Hi", method="GET"),  # 5
        line("bad-image", "Describe.", [broken_image]),  # 6
        line("missing-file", "Describe.", [(work_dir / "nowhere.png").as_uri()]),  # 7
        line("too-long", "Hi", max_tokens=4090),  # 8: prompt + max_tokens > the context
        line("too-long-prompt", "dress " * 5000),  # 9
        line("huge-max-tokens", "Hi", max_tokens=10**6),  # 10
        line("ok-1", "Describe it again.", [data_url(b)]),  # 11: a repeated custom_id
        "",  # 12: blank lines are skipped
        line("ok-2", "What colour is it?", [b.as_uri()], max_tokens=6),  # 13
    ]
    requests = write_jsonl(work_dir / "errors.jsonl", lines)
    # Results to stdout (-o -).
    r = subprocess.run(batch_cmd(tiny_model[0], requests, "-"), capture_output=True, timeout=600)
    assert r.returncode == 1, r.stderr.decode(errors="replace")
    summary = r.stderr.decode().strip().splitlines()[-1]
    assert summary.startswith("batch: 2 ok, 10 failed"), summary
    lines_out = r.stdout.decode().splitlines()
    assert len(lines_out) == 12
    out = {}
    for raw in lines_out:  # the repeated custom_id has two lines: key the errors by line number
        o = json.loads(raw)
        out[f"line {o['error']['line']}" if o["error"] else o["custom_id"]] = raw
    assert len(out) == 12
    results = read_results("\n".join(v for k, v in out.items() if k.startswith("ok-")))
    for cid in ("ok-1", "ok-2"):
        text, finish, _ = answer(results[cid])
        assert finish in ("stop", "length") and text
    errors = {k: json.loads(v) for k, v in out.items() if k.startswith("line ")}
    for o in errors.values():
        BatchRequestOutput.model_validate(o)
        BatchError.model_validate(o["error"])
        assert o["response"] is None and o["error"]["message"]
    expected = {2: ("", "invalid_json"), 3: ("wrong-url", "invalid_url"),
                4: ("", "missing_custom_id"), 5: ("wrong-method", "invalid_method"),
                6: ("bad-image", "invalid_image"), 7: ("missing-file", "invalid_image"),
                8: ("too-long", "invalid_prompt"), 9: ("too-long-prompt", "invalid_prompt"),
                10: ("huge-max-tokens", "invalid_request"),
                11: ("ok-1", "duplicate_custom_id")}
    got = {o["error"]["line"]: (o["custom_id"], o["error"]["code"]) for o in errors.values()}
    assert got == expected
    assert "nowhere.png" in errors["line 7"]["error"]["message"]
    assert "4096" in errors["line 8"]["error"]["message"]


def test_ctrl_c_stops_cleanly_and_resume_finishes(tiny_model, work_dir):
    # The first answer is short, so that a line is written early; the others run long.
    requests = write_jsonl(work_dir / "long.jsonl", [
        line(f"story-{i}", f"Tell me story number {i}.", max_tokens=2 if i == 0 else 600)
        for i in range(6)])
    results = work_dir / "long-out.jsonl"
    results.unlink(missing_ok=True)
    cmd = batch_cmd(tiny_model[0], requests, results, "--concurrency", 2)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if results.exists() and results.read_bytes().endswith(b"\n"):
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the batch ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        t0 = time.monotonic()
        _, err = proc.communicate(timeout=30)
        stopped_in = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = err.decode(errors="replace")
    assert proc.returncode == 130, err
    assert stopped_in < 10, f"took {stopped_in:.1f} s to stop"
    assert "--resume" in err
    text = results.read_text()
    assert text.endswith("\n")
    first = read_results(text)
    assert first and len(first) < 6
    assert all(o["error"] is None for o in first.values())

    r = run_cli("batch", "--model", tiny_model[0], "-i", requests, "-o", results, "--resume",
                "--concurrency", 2, *ENGINE, timeout=600)
    summary = r.stderr.decode().strip().splitlines()[-1]
    assert f"{6 - len(first)} ok, 0 failed, {len(first)} skipped" in summary, summary
    final = read_results(results.read_text())  # every custom_id exactly once
    assert set(final) == {f"story-{i}" for i in range(6)}
    for cid, o in first.items():
        assert final[cid] == o
    assert all(o["error"] is None for o in final.values())


def test_usage_errors(tiny_model, work_dir):
    requests = write_jsonl(work_dir / "usage.jsonl", [line("a", "Hi")])
    for extra in (["-i", requests], ["-o", work_dir / "o.jsonl"],
                  ["-i", requests, "-o", "-", "--resume"],
                  ["-i", requests, "-o", work_dir / "o.jsonl", "--concurrency", "0"],
                  ["-i", requests, "-o", work_dir / "o.jsonl", "--prompt", "Hi"]):
        r = run_cli("batch", "--model", tiny_model[0], *extra, check=False, timeout=60)
        assert r.returncode == 2, extra
        assert r.stderr.decode().startswith("vistag-cli: "), r.stderr
    r = run_cli("batch", "--model", tiny_model[0], "-i", work_dir / "missing.jsonl", "-o", "-",
                check=False, timeout=60)
    assert r.returncode == 11 and b"missing.jsonl" in r.stderr
    help_text = run_cli("batch", "--help").stdout.decode()
    assert "--resume" in help_text and "Exit 0" in help_text

"""The sampler's processed distribution against transformers' logits processors on the same
logits: repetition penalty (RepetitionPenaltyLogitsProcessor), then temperature, top-k and top-p
(TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper), in the order transformers'
generate applies them. The presence penalty is OpenAI's (subtract it once from every token
already generated); transformers has none, so that step is written out here.

Tolerance: both sides run the same float32 operations through the same libtorch, so the support
(which tokens keep any probability) must be identical and every probability within 1e-6."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest
import torch

VOCAB = 151936


def dump_binary():
    return pathlib.Path(os.environ.get("VISTAG_BIN_DIR", "build/bin")) / "vistag-sampler-dump"


def ours(cases):
    payload = {"cases": [dict(c, logits=c["logits"].tolist()) for c in cases]}
    r = subprocess.run([str(dump_binary())], input=json.dumps(payload).encode(),
                       capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    return [torch.tensor(p, dtype=torch.float32) for p in json.loads(r.stdout)["probs"]]


def reference(c):
    from transformers.generation.logits_process import (
        RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper, TopKLogitsWarper,
        TopPLogitsWarper)
    scores = c["logits"].clone()[None]
    ids = torch.tensor(c["context"], dtype=torch.long)[None]
    if c.get("repetition_penalty", 1.0) != 1.0:
        scores = RepetitionPenaltyLogitsProcessor(c["repetition_penalty"])(ids, scores)
    if c.get("presence_penalty", 0.0):
        generated = sorted(set(c["context"][c["generated_start"]:]))
        scores[0, generated] -= c["presence_penalty"]
    if c.get("temperature", 0.0) > 0:
        scores = TemperatureLogitsWarper(c["temperature"])(ids, scores)
        if c.get("top_k", 0) > 0:
            scores = TopKLogitsWarper(min(c["top_k"], scores.shape[-1]))(ids, scores)
        if c.get("top_p", 1.0) < 1.0:
            scores = TopPLogitsWarper(c["top_p"])(ids, scores)
    return torch.softmax(scores[0], -1)


def case(logits, context, generated_start=None, **params):
    return dict(logits=logits, context=context,
                generated_start=len(context) // 2 if generated_start is None else generated_start,
                **params)


def cases():
    g = torch.Generator().manual_seed(7)
    real = lambda scale=3.0: torch.randn(VOCAB, generator=g) * scale  # noqa: E731
    ctx = lambda n: torch.randint(0, VOCAB, (n,), generator=g).tolist()  # noqa: E731
    small = torch.randn(1000, generator=g) * 4
    ties = torch.round(torch.randn(1000, generator=g) * 2)  # many exactly equal logits
    huge = torch.randn(1000, generator=g) * 1e4
    negative = -torch.rand(1000, generator=g) * 10  # all negative: the penalty multiplies
    small_ctx = torch.randint(0, 1000, (64,), generator=g).tolist()
    return [
        ("qwen3-vl defaults", case(real(), ctx(300), temperature=0.7, top_k=20, top_p=0.8)),
        ("temperature only", case(real(), ctx(50), temperature=1.3)),
        ("top-p 0.95", case(real(), ctx(50), temperature=1.0, top_p=0.95)),
        ("top-k 5", case(real(), ctx(50), temperature=0.5, top_k=5)),
        ("greedy + repetition", case(real(), ctx(400), repetition_penalty=1.3)),
        ("all of them", case(real(), ctx(400), temperature=0.7, top_k=50, top_p=0.9,
                             repetition_penalty=1.05, presence_penalty=1.5)),
        ("presence only", case(real(), ctx(200), generated_start=120, temperature=0.9,
                               presence_penalty=0.8)),
        ("top-k above the vocabulary", case(small, small_ctx, temperature=0.8, top_k=5000)),
        ("ties at the top-k edge", case(ties, small_ctx, temperature=1.0, top_k=10, top_p=0.7)),
        ("huge logits", case(huge, small_ctx, temperature=0.6, top_p=0.5,
                             repetition_penalty=1.2)),
        ("all negative + repetition", case(negative, small_ctx, temperature=1.0,
                                           repetition_penalty=1.5, top_k=100)),
        ("tiny top-p keeps one", case(small, small_ctx, temperature=1.0, top_p=1e-6)),
    ]


def test_processed_distribution_matches_transformers():
    if not dump_binary().exists():
        pytest.fail(f"{dump_binary()} is not built")
    named = cases()
    got = ours([c for _, c in named])
    worst = 0.0
    lines = []
    for (name, c), p in zip(named, got):
        ref = reference(c)
        assert p.shape == ref.shape, name
        assert torch.equal(p > 0, ref > 0), f"{name}: the kept tokens differ"
        err = (p - ref).abs().max().item()
        lines.append(f"{name}: {int((ref > 0).sum())} tokens kept, max |Δp| {err:.2e}")
        assert err <= 1e-6, f"{name}: max |Δp| {err:.3e}"
        worst = max(worst, err)
    art = pathlib.Path(os.environ.get("VISTAG_ARTIFACTS", "/tmp"))
    (art / "sampler-parity.txt").write_text("\n".join(lines) + f"\nworst {worst:.2e}\n")
    print("\n".join(lines))

"""The engine against transformers on the same tiny random Qwen3-VL, in float32 on the CPU.

Tolerance: float32 on the CPU should agree to about 1e-5 relative. We hold every compared tensor
to max|vistag - transformers| <= 1e-5 * max|transformers| + 1e-6 (the atol covers values that are
zero in exact arithmetic), and greedy tokens exactly.
"""
from __future__ import annotations

import json
import os
import pathlib

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from conftest import ask_json, run_cli
import vistag_fixtures

RTOL = 1e-5
ATOL = 1e-6


def assert_close(name, ours, ref):
    ours = ours.to(torch.float64)
    ref = ref.to(torch.float64)
    assert ours.shape == ref.shape, f"{name}: shape {tuple(ours.shape)} vs {tuple(ref.shape)}"
    err = (ours - ref).abs().max().item()
    scale = ref.abs().max().item()
    art = pathlib.Path(os.environ.get("VISTAG_ARTIFACTS", "/tmp"))
    with open(art / "parity-errors.txt", "a") as f:
        f.write(f"{name}: max abs error {err:.3e}, relative to max |ref| {err / max(scale, 1e-30):.3e}\n")
    assert err <= RTOL * scale + ATOL, f"{name}: max abs error {err:.3e} (ref scale {scale:.3e})"
    return err / max(scale, 1e-30)


def make_png(path, w, h, seed):
    rng = np.random.default_rng(seed)
    # Smooth gradients plus noise: resizing must get both right.
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([(xx * 255 // max(w - 1, 1)), (yy * 255 // max(h - 1, 1)),
                     ((xx + yy) * 127 // max(w + h - 2, 1))], axis=-1)
    noise = rng.integers(0, 64, size=(h, w, 3))
    Image.fromarray(((base + noise) % 256).astype(np.uint8), "RGB").save(path)
    return path


def hf_inputs(folder, tok, messages, image_paths):
    proc = vistag_fixtures.build_processor(tok)
    text = proc.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    images = [Image.open(p).convert("RGB") for p in image_paths] or None
    return proc(text=[text], images=images, return_tensors="pt")


def user_turn(n_images, prompt):
    return [{"role": "user", "content": [{"type": "image"}] * n_images +
             [{"type": "text", "text": prompt}]}]


@pytest.fixture(scope="module")
def images(work_dir):
    return [make_png(work_dir / "a.png", 200, 150, 1), make_png(work_dir / "b.png", 97, 251, 2)]


@pytest.mark.parametrize("n_images", [1, 2])
def test_prompt_vision_and_logits_match(tiny_model, images, work_dir, n_images):
    folder, model, tok = tiny_model
    prompt = "这件衣服是什么风格？Describe the style."
    dump = work_dir / f"dump{n_images}.safetensors"
    args = [a for p in images[:n_images] for a in ("--image", p)]
    run_cli("ask", "--model", folder, *args, "--prompt", prompt, "--temperature", 0,
            "--max-new-tokens", 1, "--dtype", "float32", "--device", "cpu", "--dump", dump)
    ours = load_file(str(dump))

    inputs = hf_inputs(folder, tok, user_turn(n_images, prompt), images[:n_images])
    assert ours["input_ids"].tolist() == inputs["input_ids"][0].tolist()
    assert torch.equal(ours["pixel_values"], inputs["pixel_values"])
    assert ours["image_grid_thw"].tolist() == inputs["image_grid_thw"].tolist()

    with torch.no_grad():
        feats = model.model.get_image_features(inputs["pixel_values"], inputs["image_grid_thw"],
                                               return_dict=True)
        emb = torch.cat(feats.pooler_output, 0)
        assert_close("vision_embeds", ours["vision_embeds"], emb)
        for k, d in enumerate(feats.deepstack_features):
            assert_close(f"deepstack_{k}", ours[f"deepstack_{k}"], torch.cat(d, 0))
        pos, _ = model.model.get_rope_index(inputs["input_ids"], inputs["mm_token_type_ids"],
                                             inputs["image_grid_thw"])
        assert ours["position_ids"].tolist() == pos[:, 0].tolist()
        out = model(**inputs)
        assert_close("prompt_logits", ours["prompt_logits"], out.logits[0])


def hf_greedy(model, inputs, n):
    with torch.no_grad():
        seq = model.generate(**inputs, max_new_tokens=n, do_sample=False, temperature=None,
                             top_p=None, top_k=None)
    return seq[0, inputs["input_ids"].shape[1]:].tolist()


@pytest.mark.parametrize("case", ["one_image", "two_images", "multi_turn", "system_text_only"])
def test_greedy_tokens_match(tiny_model, images, work_dir, case):
    folder, model, tok = tiny_model
    n = 40
    if case == "multi_turn":
        messages = [
            {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What is this?"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "A dress with flowers."}]},
            {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "和这件比呢？"}]},
        ]
        conv = [
            {"role": "user", "content": [{"type": "image", "path": str(images[0])},
                                         {"type": "text", "text": "What is this?"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "A dress with flowers."}]},
            {"role": "user", "content": [{"type": "image", "path": str(images[1])},
                                         {"type": "text", "text": "和这件比呢？"}]},
        ]
        conv_file = work_dir / "conv.json"
        conv_file.write_text(json.dumps(conv, ensure_ascii=False))
        used = images[:2]
        args = ["--conversation", conv_file]
    elif case == "system_text_only":
        messages = [{"role": "system", "content": [{"type": "text", "text": "You tag products."}]},
                    {"role": "user", "content": [{"type": "text", "text": "List three colours."}]}]
        used = []
        args = ["--system", "You tag products.", "--prompt", "List three colours."]
    else:
        k = 1 if case == "one_image" else 2
        messages = user_turn(k, "Describe this product.")
        used = images[:k]
        args = [a for p in used for a in ("--image", p)] + ["--prompt", "Describe this product."]
    inputs = hf_inputs(folder, tok, messages, used)
    ref = hf_greedy(model, inputs, n)
    logits_file = work_dir / f"logits-{case}.safetensors"
    ours = ask_json("--model", folder, *args, "--temperature", 0, "--max-new-tokens", n,
                    "--dtype", "float32", "--device", "cpu", "--logits-out", logits_file)
    assert ours["prompt_tokens"] == inputs["input_ids"].shape[1]
    assert ours["token_ids"] == ref, f"vistag {ours['token_ids']}\nhf     {ref}"
    assert len(ref) >= 32 or ref[-1] in model.generation_config.eos_token_id
    logits = load_file(str(logits_file))["logits"]
    assert logits.shape == (len(ref), model.config.text_config.vocab_size)
    assert logits.argmax(-1).tolist() == ref
    for key in ("load_ms", "preprocess_ms", "vision_ms", "prefill_ms", "ttft_ms", "decode_ms",
                "total_ms"):
        assert ours["timings"][key] >= 0
    assert ours["finish_reason"] in ("stop", "length")
    assert ours["text"] == tok.decode(ref, skip_special_tokens=True)


def test_bfloat16_matches_within_bf16_precision(tiny_model, images, work_dir):
    """bfloat16 on the CPU: the same ops in a different order round differently, so we hold
    2e-2 relative to the largest value (bf16 has 8 significant bits, 2^-7 ≈ 7.8e-3)."""
    folder, _, tok = tiny_model
    from transformers import Qwen3VLForConditionalGeneration
    model = Qwen3VLForConditionalGeneration.from_pretrained(folder, dtype=torch.bfloat16).eval()
    dump = work_dir / "dump-bf16.safetensors"
    run_cli("ask", "--model", folder, "--image", images[0], "--prompt", "Describe.",
            "--temperature", 0, "--max-new-tokens", 1, "--dtype", "bfloat16", "--device", "cpu",
            "--dump", dump)
    ours = load_file(str(dump))
    inputs = hf_inputs(folder, tok, user_turn(1, "Describe."), images[:1])
    global RTOL
    saved, RTOL = RTOL, 2e-2
    try:
        with torch.no_grad():
            feats = model.model.get_image_features(inputs["pixel_values"],
                                                   inputs["image_grid_thw"], return_dict=True)
            assert_close("bf16 vision_embeds", ours["vision_embeds"],
                         torch.cat(feats.pooler_output, 0))
            assert_close("bf16 prompt_logits", ours["prompt_logits"], model(**inputs).logits[0])
    finally:
        RTOL = saved


def test_untied_output_head_and_v4_config(work_dir, images):
    """An untied lm_head (like the 8B) and a config.json in the transformers 4.57 form."""
    folder = work_dir / "tiny-untied-v4"
    model, tok = vistag_fixtures.build_model(folder, seed=77, tie=False, rope_form="v4")
    assert not model.config.tie_word_embeddings
    dump = work_dir / "dump-untied.safetensors"
    run_cli("ask", "--model", folder, "--image", images[0], "--prompt", "Describe.",
            "--temperature", 0, "--max-new-tokens", 1, "--dtype", "float32", "--device", "cpu",
            "--dump", dump)
    ours = load_file(str(dump))
    inputs = hf_inputs(folder, tok, user_turn(1, "Describe."), images[:1])
    with torch.no_grad():
        assert_close("untied prompt_logits", ours["prompt_logits"], model(**inputs).logits[0])
    ref = hf_greedy(model, inputs, 20)
    ours_gen = ask_json("--model", folder, "--image", images[0], "--prompt", "Describe.",
                        "--temperature", 0, "--max-new-tokens", 20, "--device", "cpu")
    assert ours_gen["token_ids"] == ref


def test_static_decode_step_matches_transformers(tiny_model, images, work_dir, monkeypatch):
    """The decode step that CUDA graphs capture (device-side token, position, cache slot and key
    mask over power-of-two key buckets, grouped heads as query rows), run eagerly on the CPU:
    the same greedy tokens as transformers across the 256-key bucket boundary."""
    folder, model, tok = tiny_model
    inputs = hf_inputs(folder, tok, user_turn(1, "Describe this product."), images[:1])
    n = 300 - inputs["input_ids"].shape[1]
    assert n > 0 and inputs["input_ids"].shape[1] < 256
    ref = hf_greedy(model, inputs, n)
    monkeypatch.setenv("VISTAG_DECODE", "static")
    ours = ask_json("--model", folder, "--image", images[0], "--prompt", "Describe this product.",
                    "--temperature", 0, "--max-new-tokens", n, "--dtype", "float32",
                    "--device", "cpu")
    assert ours["token_ids"] == ref
    assert inputs["input_ids"].shape[1] + len(ref) > 256  # crossed into the 512-key bucket

"""Builds the models and tokenizers the parity tests compare Vistag against, with transformers.

Everything here is made during the test run, with a fixed seed: a Qwen-style tokenizer (the real
Qwen vocabulary from ../shared when present, otherwise one trained here with HF `tokenizers` using
the same normalizer, pre-tokenizer and added tokens) and random-weight Qwen3-VL models saved as
ordinary Hugging Face model folders.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
DATA = REPO / "tests" / "data" / "qwen3-vl"

# The 26 added tokens of Qwen2/3 (qwen3-vl-spec §5); the first 14 are special.
ADDED_TOKENS = [
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
    "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
    "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>", "<tool_call>",
    "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>",
    "<|repo_name|>", "<|file_sep|>", "<tool_response>", "</tool_response>", "<think>", "</think>",
]
N_SPECIAL = 14

PRETOKENIZE_REGEX = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"""
    r"""\s*[\r\n]+|\s+(?!\S)|\s+"""
)


def shared_dir() -> pathlib.Path | None:
    """../shared/data/qwen-tokenizer beside the checkout, if this machine has it."""
    env = os.environ.get("VISTAG_SHARED")
    # VISTAG_SHARED, when set, is the only place looked at (set it to a missing folder to test
    # the suite as it runs where ../shared is absent).
    candidates = [pathlib.Path(env)] if env else [REPO.parent / "shared"]
    for c in candidates:
        d = c / "data" / "qwen-tokenizer"
        if (d / "vocab.json").is_file() and (d / "merges.txt").is_file():
            return d
    return None


def shared_missing() -> None:
    """What a test that needs the real vocabulary does without it: in CI (CI=true, where
    ../shared is laid beside the checkout) that is a failure, never a quiet skip; elsewhere the
    test is skipped."""
    import pytest

    why = "the real Qwen vocabulary (../shared/data/qwen-tokenizer) is absent"
    if os.environ.get("CI") and not os.environ.get("VISTAG_SHARED"):
        pytest.fail(why + " in CI")
    pytest.skip(why)


# A small bilingual corpus for training a stand-in vocabulary when the real one is absent.
_TRAIN_TEXT = [
    "这是一件碎花连衣裙，属于波西米亚风格，适合春夏穿着。",
    "纯棉T恤 简约 通勤 男女同款 黑色 白色 灰色 条纹 格子 波点 印花",
    "A floral maxi dress in bohemian style, cotton and linen, for spring and summer.",
    "Describe this image. What is the style? What material is it? Which season?",
    "{\"category\": \"dress\", \"style\": [\"boho\"], \"material\": \"cotton\"}",
    "0123456789 1080x1920 99.9% $12.50 ¥199 — “quotes” ‘single’ … emoji 👗👟🧥",
    "羊毛 真丝 涤纶 牛仔 皮革 外套 卫衣 针织衫 半身裙 裤子 鞋 包 复古 街头 运动 甜美 优雅",
    "The quick brown fox jumps over the lazy dog. It's, I'm, we're, they've, you'll, he'd.",
]


def _train_vocab():
    from tokenizers import Tokenizer, Regex, decoders, models, normalizers, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=3000, min_frequency=1, show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(_TRAIN_TEXT * 20, trainer=trainer)
    data = json.loads(tok.to_str())
    vocab = data["model"]["vocab"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m)
              for m in data["model"]["merges"]]
    return vocab, merges


def load_vocab():
    """(vocab dict, merges list, source description)."""
    d = shared_dir()
    if d is None:
        vocab, merges = _train_vocab()
        return vocab, merges, "trained stand-in vocabulary"
    vocab = json.loads((d / "vocab.json").read_text(encoding="utf-8"))
    merges = [tuple(line.split(" ")) for line in
              (d / "merges.txt").read_text(encoding="utf-8").split("\n")
              if line and not line.startswith("#version")]
    return vocab, merges, str(d)


def build_tokenizer():
    from tokenizers import AddedToken
    from transformers import Qwen2Tokenizer

    vocab, merges, _ = load_vocab()
    # <|endoftext|> must be the first added token (id = len(vocab)); eos is switched to
    # <|im_end|> once all added tokens have their ids.
    tok = Qwen2Tokenizer(vocab=vocab, merges=merges, unk_token=None, bos_token=None,
                         eos_token="<|endoftext|>", pad_token="<|endoftext|>",
                         model_max_length=262144, clean_up_tokenization_spaces=False)
    tok.add_tokens([AddedToken(t, special=i < N_SPECIAL, normalized=False)
                    for i, t in enumerate(ADDED_TOKENS)])
    tok.eos_token = "<|im_end|>"
    assert [tok.convert_tokens_to_ids(t) for t in ADDED_TOKENS] == \
        list(range(len(vocab), len(vocab) + len(ADDED_TOKENS)))
    tok.chat_template = (DATA / "chat_template.jinja").read_text(encoding="utf-8")
    return tok


def build_processor(tok=None):
    from transformers import Qwen3VLProcessor
    from transformers.models.qwen2_vl.image_processing_qwen2_vl import Qwen2VLImageProcessor
    from transformers.models.qwen3_vl.video_processing_qwen3_vl import Qwen3VLVideoProcessor

    tok = tok or build_tokenizer()
    pp = json.loads((DATA / "preprocessor_config.json").read_text())
    kw = {k: pp[k] for k in ("size", "patch_size", "temporal_patch_size", "merge_size",
                             "image_mean", "image_std")}
    image_processor = Qwen2VLImageProcessor(**kw)
    video_processor = Qwen3VLVideoProcessor()
    return Qwen3VLProcessor(image_processor=image_processor, tokenizer=tok,
                            video_processor=video_processor, chat_template=tok.chat_template)


TINY = dict(
    text=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=4, num_attention_heads=4,
              num_key_value_heads=2, head_dim=16, rms_norm_eps=1e-6, max_position_embeddings=4096,
              rope_parameters={"rope_type": "default", "rope_theta": 5000000.0,
                               "mrope_section": [2, 3, 3], "mrope_interleaved": True}),
    vision=dict(depth=4, hidden_size=32, intermediate_size=64, num_heads=2, out_hidden_size=64,
                num_position_embeddings=256, deepstack_visual_indexes=[1, 2, 3],
                patch_size=16, temporal_patch_size=2, spatial_merge_size=2,
                hidden_act="gelu_pytorch_tanh"),
    tie=True,
)


def shape_spec(name="2B"):
    """The build_model spec of a real Qwen3-VL shape ("2B", "4B", "8B") from its config.json
    (../shared/data/qwen3-vl/configs, or the copy in tests/data/configs)."""
    for p in (REPO.parent / "shared/data/qwen3-vl/configs", REPO / "tests/data/configs"):
        f = p / f"Qwen3-VL-{name}-Instruct.config.json"
        if f.exists():
            cfg = json.loads(f.read_text())
            break
    else:
        raise FileNotFoundError(f"no config for the {name} shape")
    t, v = cfg["text_config"], cfg["vision_config"]
    text = {k: t[k] for k in ("hidden_size", "intermediate_size", "num_hidden_layers",
                              "num_attention_heads", "num_key_value_heads", "head_dim",
                              "rms_norm_eps", "max_position_embeddings")}
    text["rope_parameters"] = dict(t["rope_scaling"], rope_theta=t["rope_theta"])
    vision = {k: v[k] for k in ("depth", "hidden_size", "intermediate_size", "num_heads",
                                "out_hidden_size", "num_position_embeddings",
                                "deepstack_visual_indexes", "patch_size", "temporal_patch_size",
                                "spatial_merge_size", "hidden_act")}
    return dict(text=text, vision=vision, tie=cfg["tie_word_embeddings"])


def _token_ids(tok):
    ids = {t: tok.convert_tokens_to_ids(t) for t in ADDED_TOKENS}
    return ids


def build_model(out_dir, spec=None, seed=0, dtype="float32", tok=None, tie=None,
                save_dtype=None, shard_size=None, rope_form="v5", device="cpu", init_std=0.08):
    """Saves a random Qwen3-VL model folder (weights, config, tokenizer, processor, template).
    device="cuda" builds a large model on the GPU (the tensors are created in torch's default
    dtype); init_std is the spread of the 2-D weights."""
    import torch
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration

    spec = spec or TINY
    out = pathlib.Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tok = tok or build_tokenizer()
    ids = _token_ids(tok)
    vocab_size = max(151936, len(tok)) if len(tok) > 100000 else len(tok) + 64
    tie = spec.get("tie", True) if tie is None else tie
    text = dict(spec["text"], vocab_size=vocab_size, bos_token_id=ids["<|endoftext|>"],
                eos_token_id=ids["<|im_end|>"], tie_word_embeddings=tie)
    cfg = Qwen3VLConfig(text_config=text, vision_config=dict(spec["vision"]),
                        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
                        vision_start_token_id=ids["<|vision_start|>"],
                        vision_end_token_id=ids["<|vision_end|>"], tie_word_embeddings=tie)
    torch.manual_seed(seed)
    with torch.device(device):
        model = Qwen3VLForConditionalGeneration(cfg).eval()
    # Random init leaves norms at 1 and biases at 0; perturb every tensor so that a weight that
    # is loaded into the wrong place, or not at all, changes the numbers.
    with torch.no_grad():
        g = torch.Generator(device=device).manual_seed(seed + 1)
        for name, p in model.named_parameters():
            if p.dim() == 1:
                p.add_(torch.randn(p.shape, generator=g, device=device, dtype=p.dtype) * 0.1)
            else:
                p.normal_(0.0, init_std, generator=g)
    model.generation_config.eos_token_id = [ids["<|im_end|>"], ids["<|endoftext|>"]]
    model.generation_config.pad_token_id = ids["<|endoftext|>"]
    model.generation_config.bos_token_id = ids["<|endoftext|>"]
    if save_dtype:
        model = model.to(getattr(torch, save_dtype))
    kwargs = {}
    if shard_size:
        kwargs["max_shard_size"] = shard_size
    model.save_pretrained(out, **kwargs)
    build_processor(tok).save_pretrained(out)
    if rope_form == "v4":
        _rewrite_config_v4(out / "config.json")
    return model, tok


def _rewrite_config_v4(path):
    """Rewrites a 5.x config.json into the 4.57 form (rope_scaling + rope_theta)."""
    cfg = json.loads(path.read_text())
    tc = cfg["text_config"]
    rp = tc.pop("rope_parameters")
    tc["rope_theta"] = rp.pop("rope_theta")
    tc["rope_scaling"] = rp
    path.write_text(json.dumps(cfg, indent=2))


def load_model(folder):
    import torch
    from transformers import Qwen3VLForConditionalGeneration
    return Qwen3VLForConditionalGeneration.from_pretrained(folder, dtype=torch.float32).eval()


if __name__ == "__main__":
    import sys
    m, t = build_model(sys.argv[1] if len(sys.argv) > 1 else "/tmp/vistag-tiny")
    print("saved; vocab", len(t), "source", load_vocab()[2])

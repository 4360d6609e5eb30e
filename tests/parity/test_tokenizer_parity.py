"""Vistag's tokenizer and chat template against transformers' Qwen2Tokenizer, on the same folder.

`vistag-cli tokenize` (encode, --decode, --chat) is compared with tokenizer.encode(...,
add_special_tokens=False), tokenizer.decode(...) and apply_chat_template(..., tokenize=False) on
well over a thousand varied strings generated with a fixed seed, for two vocabularies: the real
Qwen one (when ../shared has it) and a stand-in trained by vistag_fixtures.
"""
from __future__ import annotations

import json
import os
import pathlib
import random
import subprocess
import sys
import unicodedata

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import vistag_fixtures as vf  # noqa: E402

CLI = os.environ.get("VISTAG_CLI", "")
WORK = pathlib.Path(os.environ.get("VISTAG_WORK", "/tmp/vistag-test-tokenizer"))
SEED = 20240611


# ---------------------------------------------------------------------------------------------
# Inputs

CHINESE = [
    "这是一件碎花连衣裙，属于波西米亚风格，适合春夏穿着。",
    "纯棉T恤 简约 通勤 男女同款 黑色/白色/灰色",
    "【新品】2024秋冬加厚羊毛大衣女中长款韩版宽松显瘦毛呢外套",
    "材质：95%聚酯纤维 5%氨纶；尺码：S/M/L/XL/XXL",
    "复古港风格子衬衫男士长袖休闲百搭潮牌ins外套",
    "适用场景：通勤、约会、度假；风格：法式·优雅",
    "价格￥199.00（包邮）！限时折扣～",
    "鞋子👟与包包👜搭配，显得更加时尚。",
]
ENGLISH = [
    "A floral maxi dress in bohemian style, cotton and linen, for spring and summer.",
    "Describe this image.",
    "What is the style? What material is it? Which season?",
    "It's, I'm, we're, they've, you'll, he'd. IT'S I'M WE'RE THEY'VE YOU'LL HE'D",
    "'s 't 're 've 'm 'll 'd 'S 'T 'RE 'VE 'M 'LL 'D 'Re 'rE 'lL 'ſ 'ſs",
    "don't can't won't shan't y'all o'clock rock'n'roll '' ''' 'x",
    "The quick brown fox jumps over the lazy dog!!! ... ??? ;;;",
    "{\"category\": \"dress\", \"style\": [\"boho\"], \"material\": \"cotton\"}",
    "https://example.com/path?q=1&lang=en#frag user@example.org",
    "def f(x):\treturn x**2  # comment",
]
DIGITS = [
    "0123456789", "3.14159", "1,000,000", "99.9%", "$12.50", "1080x1920", "2024-06-11T12:00:00Z",
    "١٢٣٤٥", "१२३", "①②③", "ⅫⅣ", "１２３４", "½¾", "𝟘𝟙𝟚", "12abc34", "a1b2c3",
]
EMOJI = [
    "👗👟🧥", "😀😃😄", "👍🏽👍🏿", "👨‍👩‍👧‍👦", "🧑‍🤝‍🧑", "🏳️‍🌈", "🇨🇳🇺🇸🇯🇵", "1️⃣#️⃣", "❤️‍🔥",
    "🫠🫶🪩", "👩🏽‍💻", "🐈‍⬛", "a😀b", " 😀 ", "😀\u200d", "\u200d😀",
]
SPACES = [
    "a b", "a  b", "a   b", "a\tb", "a\t\tb", "a \t b", "a\rb", "a\r\nb", "a\u3000b",
    "a\u00a0b", "a\u2028b", "a\u0085b", "a\u180eb", "a\u200bb", "a\u2009\u2009b", "\u3000\u3000中文",
    "   ", " ", "\t", "\r", "\r\r", "trailing   ", "   leading", " \u00a0 \u3000 x", "x \u00a0",
    "a \r b", "a\r \rb", "!!! \r\r", "?\r\n", "\u1680\u2000\u2001\u2002\u2003\u200a\u202f\u205f",
]
SPECIALS = [
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<think>", "</think>", "<tool_call>",
    "<|vision_start|><|image_pad|><|vision_end|>", "<|im_start|>user\tHi<|im_end|>",
    "<|im_start", "im_start|>", "<|im_start|<|im_end|>", "<<|im_end|>>", "x<think>y</think>z",
    "<|IM_START|>", "< |im_start|>", "<|image_pad|><|image_pad|><|image_pad|>", "<|fim_prefix|>",
    "<tool_response>a</tool_response>", "<|box_start|>(1,2),(3,4)<|box_end|>", "<think></think>",
]
NORMALIZATION = [
    "café", "cafe\u0301", "Ångström", "A\u030angstro\u0308m", "한국어", "\u1112\u1161\u11ab",
    "e\u0301\u0302\u0323", "e\u0323\u0302\u0301", "q\u0307\u0323", "ḍ̇", "\u1e0b\u0323",
    "ñ", "n\u0303", "ﬁ ﬂ", "Å", "\u212b", "\u2126", "\u0958", "\u2adc", "\u0f73", "\u0344",
    "\u0898a\u0301", "a\u0301\u0898\u0300", "\U00011935\U00011930", "\U00011938",
    "a\U0001e08f\u0301", "x\u0303\u1dfa\u0316", "\u0915\u093c", "ﾊﾟ", "ｶﾞｷﾞ", "\u00c5\u0301",
    "\u0340\u0341", "\u0374", "\u037e", "\u0387", "Ḱ", "\u0041\u0301\u0323",
]
SCRIPTS = [
    "Привет, мир! Как дела?", "Γειά σου Κόσμε", "שלום עולם", "مرحبا بالعالم", "नमस्ते दुनिया",
    "こんにちは世界、カタカナ", "สวัสดีชาวโลก", "Xin chào thế giới", "ĀāĂăĄą ǅǈǋ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "\u1c89\u1c8a", "ꟋꟌ", "\U000105c0\U000105c1", "\U00010d40\U00010d41", "ᏣᎳᎩ", "ꓐꓑ",
]


def random_strings(rng: random.Random, n: int) -> list[str]:
    """Random texts mixing all the pieces above with random code points."""
    pools = [CHINESE, ENGLISH, DIGITS, EMOJI, SPACES, SPECIALS, NORMALIZATION, SCRIPTS]
    ws = [" ", "  ", "\t", "\r", "\u3000", "\u00a0", "\u0085", "\u2028", " \t ", "\r\r"]
    punct = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~，。！？、；：“”‘’（）【】《》…—·")
    out = []
    for i in range(n):
        kind = i % 6
        if kind == 0:  # concatenations of known pieces with random separators
            parts = [rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, 5))]
            out.append("".join(p + rng.choice(ws + [""]) for p in parts))
        elif kind == 1:  # random code points from the whole range (no surrogates)
            cps = []
            for _ in range(rng.randint(1, 24)):
                c = rng.randint(0, 0x10FFFF)
                if 0xD800 <= c < 0xE000:
                    c = rng.randint(0x4E00, 0x9FFF)
                cps.append(chr(c))
            out.append("".join(cps))
        elif kind == 2:  # random BMP text with many combining marks and spaces
            cps = []
            for _ in range(rng.randint(1, 30)):
                r = rng.random()
                if r < 0.3:
                    cps.append(chr(rng.randint(0x300, 0x36F)))
                elif r < 0.5:
                    cps.append(rng.choice(ws))
                elif r < 0.7:
                    cps.append(chr(rng.randint(0x20, 0x7E)))
                else:
                    c = rng.randint(0xA0, 0xFFFF)
                    cps.append(chr(c) if not 0xD800 <= c < 0xE000 else "x")
            s = "".join(cps)
            out.append(unicodedata.normalize(rng.choice(["NFC", "NFD", "NFKD"]), s)
                       if rng.random() < 0.5 else s)
        elif kind == 3:  # ASCII soup: punctuation, contractions, digits, letters
            alphabet = "aAbBsStTdDlLmMrReEvV'  0123456789" + "".join(punct[:32]) + "\t\r"
            out.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))))
        elif kind == 4:  # product-like Chinese with emoji, digits and punctuation
            words = ["连衣裙", "碎花", "纯棉", "羊毛", "外套", "复古", "街头", "优雅", "显瘦",
                     "黑色", "白色", "春夏", "秋冬", "男女同款", "包邮", "新品", "T恤", "ins"]
            parts = []
            for _ in range(rng.randint(2, 12)):
                r = rng.random()
                if r < 0.6:
                    parts.append(rng.choice(words))
                elif r < 0.75:
                    parts.append(rng.choice(punct))
                elif r < 0.85:
                    parts.append(str(rng.randint(0, 100000)))
                elif r < 0.95:
                    parts.append(rng.choice(EMOJI))
                else:
                    parts.append(rng.choice(ws))
            out.append("".join(parts))
        else:  # letters from scripts the Unicode versions disagree on, next to ordinary text
            picks = [chr(rng.choice([0x1C89, 0x1C8A, 0xA7CB, 0xA7DC, 0x105C0, 0x10D40, 0x116D0,
                                     0x11BF0, 0x180E, 0x0085, 0x0898, 0x1DFA, 0x11F41, 0x1E4EC,
                                     0x0E01, 0x4E2D, 0x0041, 0x0661, 0x0301]))
                     for _ in range(rng.randint(1, 8))]
            out.append(rng.choice(["", " ", "a", "'"]).join(picks))
    return out


def multiline_strings(rng: random.Random) -> list[str]:
    base = [
        "line one\nline two", "a\n\nb", "a \n b", "a\n \nb", "\n", "\n\n\n", " \n ", "x\r\n\r\ny",
        "!!!\n\n", "foo  \n  bar", "\t\n\t", "end\n", "\nstart", "a\u3000\nb", "。\n\n中文",
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", "a\n\u00a0\nb", "x\u2028\ny",
        "<think>\n\n</think>\n\n答案", "{\n  \"a\": 1,\n  \"b\": [1, 2]\n}\n",
    ]
    extra = []
    pieces = ["\n", "\r\n", " \n", "\n ", "\n\n", "\t\n", "word", "中文", "!", "'s", "1", "😀"]
    for _ in range(80):
        extra.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 10))))
    return base + extra


def single_line_inputs() -> list[str]:
    rng = random.Random(SEED)
    fixed = CHINESE + ENGLISH + DIGITS + EMOJI + SPACES + SPECIALS + NORMALIZATION + SCRIPTS
    fixed += [unicodedata.normalize("NFD", s) for s in CHINESE + NORMALIZATION + SCRIPTS]
    fixed += ["中" * 3000, " " * 5000 + "x", "a" * 4000, "😀" * 500, "ab " * 2000,
              "".join(CHINESE) * 20, "\t" * 100 + "\r" * 100]
    strings = fixed + random_strings(rng, 1200)
    return [s for s in strings if "\n" not in s]


# ---------------------------------------------------------------------------------------------
# Helpers


def run_cli(folder: pathlib.Path, lines: list[str] | bytes, *args: str) -> list[str]:
    data = lines if isinstance(lines, bytes) else "".join(l + "\n" for l in lines).encode("utf-8")
    proc = subprocess.run([CLI, "tokenize", "--model", str(folder), *args], input=data,
                          capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return proc.stdout.decode("utf-8").split("\n")[:-1]


def compare(what: str, inputs: list, got: list, want: list) -> None:
    assert len(got) == len(want), f"{what}: {len(got)} results for {len(want)} inputs"
    bad = [(i, x, g, w) for i, (x, g, w) in enumerate(zip(inputs, got, want)) if g != w]
    for i, x, g, w in bad[:10]:
        print(f"{what} mismatch #{i}: input={x!r}\n  vistag={g!r}\n  hf    ={w!r}")
    print(f"{what}: {len(inputs)} compared, {len(bad)} mismatches")
    assert not bad, f"{what}: {len(bad)} of {len(inputs)} differ (first: {bad[0][1]!r})"


def save_tokenizer(tok, folder: pathlib.Path) -> pathlib.Path:
    folder.mkdir(parents=True, exist_ok=True)
    tok.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module", params=["qwen", "trained"])
def setup(request):
    if not CLI:
        pytest.skip("VISTAG_CLI is not set")
    if request.param == "qwen":
        if vf.shared_dir() is None:
            vf.shared_missing()
        tok = vf.build_tokenizer()
    else:
        # The stand-in vocabulary, as when ../shared is absent.
        orig = vf.shared_dir
        vf.shared_dir = lambda: None
        try:
            tok = vf.build_tokenizer()
        finally:
            vf.shared_dir = orig
        assert len(tok) < 10000
    folder = save_tokenizer(tok, WORK / f"tok-{request.param}")
    return request.param, tok, folder


# ---------------------------------------------------------------------------------------------
# Tests


def test_encode_single_lines(setup):
    _, tok, folder = setup
    inputs = single_line_inputs()
    assert len(inputs) >= 1000
    want = [json.dumps(tok.encode(s, add_special_tokens=False), separators=(",", ":"))
            for s in inputs]
    compare("encode", inputs, run_cli(folder, inputs), want)


def test_encode_with_newlines(setup):
    _, tok, folder = setup
    inputs = multiline_strings(random.Random(SEED + 1))
    lines = [json.dumps(s) for s in inputs]
    want = [json.dumps(tok.encode(s, add_special_tokens=False), separators=(",", ":"))
            for s in inputs]
    compare("encode --json-input", inputs, run_cli(folder, lines, "--json-input"), want)


def test_stdin_lines_are_split_on_newline_only(setup):
    _, tok, folder = setup
    data = b"a\r\nb\rc\n\nlast"
    got = run_cli(folder, data)
    want = [json.dumps(tok.encode(s, add_special_tokens=False), separators=(",", ":"))
            for s in ["a\r", "b\rc", "", "last"]]
    assert got == want
    assert run_cli(folder, b"x\n") == run_cli(folder, b"x")


def test_invalid_utf8_is_replaced_like_python(setup):
    _, tok, folder = setup
    cases = [b"abc\xff", b"\xc3", b"\xe4\xb8", b"a\xe4\xb8b", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
             b"\xc0\xaf", b"\xf0\x9f\x98", b"\x80\x80x", b"\xe0\x80\xaf", b"ok \xf0\x9f\x98\x80"]
    data = b"".join(c + b"\n" for c in cases)
    want = [json.dumps(tok.encode(c.decode("utf-8", "replace"), add_special_tokens=False),
                       separators=(",", ":")) for c in cases]
    compare("invalid utf-8", cases, run_cli(folder, data), want)


def test_decode_round_trips(setup):
    _, tok, folder = setup
    inputs = single_line_inputs()[::3] + multiline_strings(random.Random(SEED + 1))
    id_lists = [tok.encode(s, add_special_tokens=False) for s in inputs]
    got = [json.loads(l) for l in run_cli(folder, [json.dumps(i) for i in id_lists], "--decode")]
    compare("decode", inputs, got, [tok.decode(i) for i in id_lists])
    # A round trip gives back the text as encoding saw it: NFC-normalised (by tokenizers' NFC,
    # whose Unicode tables are older than Python's unicodedata).
    nfc = tok.backend_tokenizer.normalizer
    compare("round trip", inputs, got, [nfc.normalize_str(s) for s in inputs])


def test_decode_random_ids(setup):
    _, tok, folder = setup
    rng = random.Random(SEED + 2)
    n = len(tok)
    specials = [tok.convert_tokens_to_ids(t) for t in vf.ADDED_TOKENS]
    id_lists = []
    for _ in range(300):
        ids = []
        for _ in range(rng.randint(0, 20)):
            r = rng.random()
            ids.append(rng.choice(specials) if r < 0.15 else
                       rng.randint(n, n + 1000) if r < 0.18 else rng.randrange(n))
        id_lists.append(ids)
    lines = [json.dumps(i) for i in id_lists]
    got = [json.loads(l) for l in run_cli(folder, lines, "--decode")]
    compare("decode random ids", id_lists, got, [tok.decode(i) for i in id_lists])
    got = [json.loads(l) for l in run_cli(folder, lines, "--decode", "--skip-special")]
    compare("decode random ids, skip special", id_lists, got,
            [tok.decode(i, skip_special_tokens=True) for i in id_lists])


def conversations():
    img = {"type": "image", "image": "file:///x.jpg"}
    url = {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,AAAA"}}
    t = lambda s: {"type": "text", "text": s}  # noqa: E731
    return [
        ([{"role": "user", "content": [img, t("Describe this image.")]}], True),
        ([{"role": "system", "content": "You are a helpful assistant."},
          {"role": "user", "content": [img, t("Describe this image.")]}], True),
        ([{"role": "user", "content": [img, t("What is this?")]},
          {"role": "assistant", "content": "A cat."},
          {"role": "user", "content": "What color?"}], True),
        ([{"role": "user", "content": [t("Compare "), img, t(" and "), url, t(".")]}], False),
        ([{"role": "system", "content": [t("Sys "), img, t("tem")]},
          {"role": "user", "content": [img, img, t("两张图片的风格？\n请用中文回答。")]}], True),
        ([{"role": "user", "content": "Hi"},
          {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nHello!"},
          {"role": "user", "content": "Again"}], True),
        ([{"role": "user", "content": "Hi"},
          {"role": "assistant", "content": [t("Part 1. "), img, t("Part 2.")]}], False),
        ([{"role": "user", "content": "a"}, {"role": "system", "content": "late system"},
          {"role": "user", "content": "b"}], True),
        ([{"role": "user", "content": ""}], True),
        ([{"role": "user", "content": [t("<|im_start|>x"), {"type": "text", "text": " y\n"}]}],
         False),
        ([{"role": "user", "content": "q"},
          {"role": "tool", "content": "r1"}, {"role": "tool", "content": [t("r2"), img]},
          {"role": "assistant", "content": "ok"}], True),
    ]


def test_chat_template(setup):
    kind, tok, folder = setup
    convs = conversations()
    lines = [json.dumps({"messages": m, "add_generation_prompt": g}) for m, g in convs]
    got = [json.loads(l) for l in run_cli(folder, lines, "--chat")]
    want = [tok.apply_chat_template(m, tokenize=False, add_generation_prompt=g) for m, g in convs]
    compare("chat template", [m for m, _ in convs], got, want)


def test_vocab_and_merges_folder(setup):
    """The same tokenizer given as vocab.json + merges.txt + tokenizer_config.json."""
    kind, tok, folder = setup
    data = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    alt = WORK / f"tok-{kind}-files"
    alt.mkdir(parents=True, exist_ok=True)
    (alt / "vocab.json").write_text(json.dumps(data["model"]["vocab"], ensure_ascii=False),
                                    encoding="utf-8")
    merges = [" ".join(m) if isinstance(m, list) else m for m in data["model"]["merges"]]
    (alt / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n",
                                    encoding="utf-8")
    config = {"tokenizer_class": "Qwen2Tokenizer", "added_tokens_decoder": {
        str(t["id"]): {k: t[k] for k in ("content", "special", "normalized", "lstrip", "rstrip",
                                          "single_word")} for t in data["added_tokens"]}}
    (alt / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    inputs = single_line_inputs()[::4]
    want = [json.dumps(tok.encode(s, add_special_tokens=False), separators=(",", ":"))
            for s in inputs]
    compare("encode (vocab.json + merges.txt)", inputs, run_cli(alt, inputs), want)


def test_cli_errors(tmp_path):
    if not CLI:
        pytest.skip("VISTAG_CLI is not set")
    (tmp_path / "tokenizer.json").write_text("{ not json", encoding="utf-8")
    proc = subprocess.run([CLI, "tokenize", "--model", str(tmp_path)], input=b"x\n",
                          capture_output=True)
    assert proc.returncode == 3
    err = proc.stderr.decode()
    assert "tokenizer.json" in err and "JSON" in err and err.count("\n") == 1
    proc = subprocess.run([CLI, "tokenize", "--model", str(tmp_path / "nope")], input=b"",
                          capture_output=True)
    assert proc.returncode == 3 and "nope" in proc.stderr.decode()
    proc = subprocess.run([CLI, "tokenize"], input=b"", capture_output=True)
    assert proc.returncode == 2 and b"usage" in proc.stderr
    proc = subprocess.run([CLI, "tokenize", "--model", str(tmp_path), "--bogus"], input=b"",
                          capture_output=True)
    assert proc.returncode == 2 and b"usage" in proc.stderr

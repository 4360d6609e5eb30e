"""The taxonomy constraint's token mask (vistag-constraint-dump) against llguidance's, on the same
JSON schema (TagGrammar::jsonSchema(), compact separators, no free whitespace), over the real Qwen
vocabulary, on >= 1000 prefixes of random constrained sequences.

Every difference must fall into one of these classes, each a deliberate design choice; anything
else fails the test.

Tokens llguidance allows and we refuse:
  escape     a JSON escape other than \\" and \\\\ (\\n, \\t, \\uXXXX, ...): our strings never
             hold one, so answers stay byte-for-byte comparable with the taxonomy.
  bytes      free text over maxFreeBytes *bytes* as written but within maxFreeBytes *characters*
             (JSON schema's maxLength counts characters; our budget is bytes, a token bound).
  duplicate  a Multi array item that repeats a value (or can only lead to a used value): we
             forbid repeats; OpenAI-strict JSON schema has no uniqueItems, so the schema cannot.
Tokens we allow and llguidance refuses:
  forced     where the continuation is fully determined (keys, quotes, the rest of the only
             value left) llguidance masks everything but its own canonical tokenization of the
             forced text ("forcing ff_token by mask"); we admit every tokenization of a valid
             output (design §2). Each such token is checked to be valid for llguidance too: a
             second llguidance matcher over a 256-token byte vocabulary accepts its bytes.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import vistag_fixtures as vf  # noqa: E402

WIDTH = 151936
PREFIXES = 1200


def dump_binary():
    return pathlib.Path(os.environ.get("VISTAG_BIN_DIR", "build/bin")) / "vistag-constraint-dump"


def schema():
    sizes = [{"code": f"size-{i}", "surfaces": [f"s{i}", f"尺码{i}"]} for i in range(1, 301)]
    return {"attributes": [
        {"code": "color", "kind": "single", "values": [
            {"code": "blue", "surfaces": ["blue", "Blue", "蓝色"]},
            {"code": "blue-green", "surfaces": ["blue-green", "蓝绿色"]},
            {"code": "red", "surfaces": ["red", "红色"]},
            {"code": "quote", "surfaces": ['say "hi"', "back\\slash"]},
            {"code": "emoji", "surfaces": ["🙂 smile", "😀"]}]},
        {"code": "one", "kind": "single", "values": [{"code": "only", "surfaces": ["only"]}]},
        {"code": "size", "kind": "single", "values": sizes},
        {"code": "style", "kind": "multi", "max_items": 3, "values": [
            {"code": "casual", "surfaces": ["casual", "休闲"]},
            {"code": "smart-casual", "surfaces": ["casual smart", "smart casual"]},
            {"code": "formal", "surfaces": ["formal"]},
            {"code": "sport", "surfaces": ["sport", "sporty"]}]},
        {"code": "note", "kind": "free", "max_free_bytes": 12},
    ]}


def gpt2_byte_char(b: int) -> str:
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    if b in printable:
        return chr(b)
    return chr(256 + [x for x in range(256) if x not in printable].index(b))


def make_byte_tokenizer(qwen: dict) -> str:
    """Qwen's tokenizer.json with only the 256 byte tokens (id = byte value) and EOS = 256."""
    t = json.loads(json.dumps(qwen))
    t["model"]["vocab"] = {gpt2_byte_char(b): b for b in range(256)}
    t["model"]["merges"] = []
    t["added_tokens"] = [dict(id=256, content="<|endoftext|>", single_word=False, lstrip=False,
                              rstrip=False, normalized=False, special=True)]
    t["post_processor"] = None
    return json.dumps(t)


# --- classification ------------------------------------------------------------------------

def scan(q: bytes, attrs):
    """Values of a (possibly truncated) compact answer: [(attr, kind, [(raw content, closed)])]."""
    out = []
    i = 0
    if not q.startswith(b"{"):
        return out
    i = 1
    for k, a in enumerate(attrs):
        lit = (b"," if k else b"") + b'"' + a["code"].encode() + b'":'
        if q[i:i + len(lit)] != lit:
            return out
        i += len(lit)
        items = []
        out.append((a, items))
        in_array = i < len(q) and q[i:i + 1] == b"["
        if in_array:
            i += 1
        while i < len(q):
            if q[i:i + 1] != b'"':
                return out
            j = i + 1
            content = bytearray()
            closed = False
            while j < len(q):
                c = q[j:j + 1]
                if c == b"\\":
                    content += q[j:j + 2]
                    j += 2
                    continue
                if c == b'"':
                    closed = True
                    j += 1
                    break
                content += c
                j += 1
            items.append((bytes(content), closed))
            i = j
            if not closed:
                return out
            if in_array and q[i:i + 1] == b",":
                i += 1
                continue
            if in_array and q[i:i + 1] == b"]":
                i += 1
            break
    return out


def unescape(raw: bytes) -> bytes:
    return raw.replace(b'\\"', b'"').replace(b"\\\\", b"\\")


def has_other_escape(raw: bytes) -> bool:
    i = 0
    while i < len(raw):
        if raw[i:i + 1] == b"\\":
            if i + 1 < len(raw) and raw[i + 1:i + 2] not in (b'"', b"\\"):
                return True
            i += 2
        else:
            i += 1
    return False


def written_bytes(raw: bytes) -> int:
    """Bytes the text takes once its last character or escape is complete (our budget counts a
    whole UTF-8 character at its first byte and an escape at its backslash)."""
    n = len(raw)
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C:
            if i + 1 == len(raw):
                return n + 1
            i += 2
            continue
        size = 1 if c < 0x80 else 2 if c < 0xE0 else 3 if c < 0xF0 else 4
        if i + size > len(raw):
            return n + (i + size - len(raw))
        i += size
    return n


def json_chars(raw: bytes) -> int:
    """Characters of the string content once JSON-decoded (what maxLength counts)."""
    n = i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C:
            i += 6 if raw[i + 1:i + 2] == b"u" else 2
        else:
            i += 1 if c < 0x80 else 2 if c < 0xE0 else 3 if c < 0xF0 else 4
        n += 1
    return n


def classify_theirs_only(q: bytes, attrs) -> str | None:
    for a, items in scan(q, attrs):
        for raw, closed in items:
            if has_other_escape(raw):
                return "escape"
        if a["kind"] == "free" and items:
            raw = items[0][0]
            if written_bytes(raw) > a["max_free_bytes"] and \
                    json_chars(raw) <= a["max_free_bytes"]:
                return "bytes"
        if a["kind"] == "multi" and len(items) > 1:
            surf = {s.encode(): v["code"] for v in a["values"] for s in v["surfaces"]}
            used = [surf.get(unescape(raw)) for raw, closed in items[:-1]]
            last, closed = items[-1]
            last = unescape(last)
            if closed:
                if surf.get(last) in used:
                    return "duplicate"
            else:
                options = {c for s, c in surf.items() if s.startswith(last)}
                if options and options <= set(used):
                    return "duplicate"
    return None


# --- the test ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    if vf.shared_dir() is None:
        vf.shared_missing()
    import llguidance as llg  # scripts/requirements-reference.txt pins it
    work = pathlib.Path(os.environ.get("VISTAG_WORK") or tmp_path_factory.mktemp("oracle"))
    work.mkdir(parents=True, exist_ok=True)
    tok = vf.build_tokenizer()
    folder = work / "qwen-tokenizer"
    tok.save_pretrained(folder)
    eos = [tok.convert_tokens_to_ids("<|im_end|>"), tok.convert_tokens_to_ids("<|endoftext|>")]
    req = dict(tokenizer_dir=str(folder), width=WIDTH, eos=eos, schema=schema(),
               prefixes=PREFIXES, seed=12)
    (work / "request.json").write_text(json.dumps(req), encoding="utf-8")
    masks_path = work / "masks.bin"
    r = subprocess.run([str(dump_binary()), str(work / "request.json"), str(masks_path)],
                       capture_output=True, timeout=600)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    ours = json.loads(r.stdout)
    qwen_json = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    return llg, tok, eos, qwen_json, ours, masks_path


def test_mask_matches_llguidance(setup):
    import numpy as np

    llg, tok, eos, qwen_json, ours, masks_path = setup
    words = (WIDTH + 31) // 32
    masks = np.fromfile(masks_path, dtype="<u4").reshape(-1, words)
    prefixes = ours["prefixes"]
    assert len(prefixes) >= 1000 and masks.shape[0] == len(prefixes)
    opts = {"whitespace_flexible": False, "item_separator": ",", "key_separator": ":"}
    grammar = llg.LLMatcher.grammar_from_json_schema(ours["json_schema"], overrides=opts)
    lt = llg.LLTokenizer(json.dumps(qwen_json), n_vocab=WIDTH, eos_token=eos)
    base = llg.LLMatcher(lt, grammar, log_level=0)
    assert not base.is_error(), base.get_error()
    bt = llg.LLTokenizer(make_byte_tokenizer(qwen_json), n_vocab=257, eos_token=256)
    byte_base = llg.LLMatcher(bt, grammar, log_level=0)
    assert not byte_base.is_error(), byte_base.get_error()

    attrs = schema()["attributes"]
    token_bytes = {}

    def tb(t):
        if t not in token_bytes:
            token_bytes[t] = lt.decode_bytes([int(t)])
        return token_bytes[t]

    counts = {"same": 0, "escape": 0, "bytes": 0, "duplicate": 0, "forced": 0}
    unexplained = []
    for n, (prefix, mine) in enumerate(zip(prefixes, masks)):
        m = base.deep_copy()
        assert m.consume_tokens(prefix), f"llguidance refuses our prefix #{n}: {m.get_error()}"
        theirs = np.frombuffer(m.compute_bitmask(), dtype="<u4")
        assert not np.any(theirs[words:]) if theirs.size > words else True
        theirs = theirs[:words]
        if np.array_equal(theirs, mine):
            counts["same"] += 1
            continue
        a = np.unpackbits(mine.view(np.uint8), bitorder="little")
        b = np.unpackbits(theirs.view(np.uint8), bitorder="little")
        only_ours = np.nonzero(a & ~b)[0]
        only_theirs = np.nonzero(b & ~a)[0]
        p = b"".join(tb(t) for t in prefix)
        for t in only_theirs:
            cls = classify_theirs_only(p + tb(int(t)), attrs)
            if cls is None:
                unexplained.append(f"#{n} {p!r}: llguidance allows {tb(int(t))!r}, we do not")
            else:
                counts[cls] += 1
        if len(only_ours):
            # llguidance forced its canonical token here: its mask must be inside ours, and
            # each token only we allow must be valid bytes for llguidance.
            if len(only_theirs) or not np.any(b):
                unexplained.append(f"#{n} {p!r}: we allow {len(only_ours)} tokens llguidance "
                                   "refuses, and its mask is not a forced subset of ours")
            bm = byte_base.deep_copy()
            assert bm.consume_tokens(list(p)), f"byte oracle refuses prefix #{n}"
            for t in only_ours:
                c = bm.deep_copy()
                if not c.consume_tokens(list(tb(int(t)))):
                    unexplained.append(f"#{n} {p!r}: we allow {tb(int(t))!r}, invalid bytes "
                                       "for llguidance")
                else:
                    counts["forced"] += 1
    print(f"{len(prefixes)} prefixes: {counts}")
    assert not unexplained, f"{len(unexplained)} unexplained differences:\n" + \
        "\n".join(unexplained[:30])
    # Identical masks are the rule (the differences above are where forcing or free text is).
    assert counts["same"] >= len(prefixes) * 4 // 10

#!/usr/bin/env python3
"""Generates inference/src/unicode_tables.inc: the Unicode data the Qwen tokenizer depends on, taken
from HF `tokenizers` itself so that Vistag's tokenizer agrees with it character for character.

Why not PCRE2's or utf8proc's own Unicode data? Each library ships its own Unicode version:
  * `tokenizers` matches its pre-tokenizer regex with Oniguruma (Unicode 16 in tokenizers 0.23),
    while Debian 12's PCRE2 10.42 knows Unicode 14: ~9,000 letters and ~120 digits differ.
  * `tokenizers` normalises with the `unicode-normalization-alignments` crate, older than the
    Unicode 15 of Debian 12's utf8proc 2.8: ~100 combining marks and one composition (U+11938)
    differ.
So the classes \\s, \\p{L}, \\p{N} are written out as code point ranges probed from `tokenizers`, and
the code points whose normalisation `tokenizers` does not know ("NFC-inert": starters without
decomposition or composition there) are listed so that Vistag's NFC leaves them untouched.

Run with the reference environment: ~/.cache/vistag/venv/bin/python scripts/gen_unicode_tables.py
"""
from __future__ import annotations

import pathlib
import sys

import ctypes
import ctypes.util

import tokenizers
from tokenizers import Regex, normalizers, pre_tokenizers

OUT = pathlib.Path(__file__).resolve().parent.parent / "inference" / "src" / "unicode_tables.inc"
CPS = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]


def regex_class(rx: str) -> list[int]:
    """Code points that the one-character regex `rx` matches in tokenizers (Oniguruma)."""
    split = pre_tokenizers.Split(Regex(rx), behavior="removed")
    text = "".join(map(chr, CPS))
    kept = set(map(ord, "".join(p for p, _ in split.pre_tokenize_str(text))))
    return [c for c in CPS if c not in kept]


class Utf8proc:
    """The system's libutf8proc, the library Vistag normalises with (through ctypes)."""

    def __init__(self):
        self.lib = ctypes.CDLL(ctypes.util.find_library("utf8proc") or "libutf8proc.so")
        self.lib.utf8proc_NFD.restype = ctypes.c_void_p
        self.lib.utf8proc_NFC.restype = ctypes.c_void_p
        self.lib.utf8proc_get_property.restype = ctypes.POINTER(ctypes.c_int16)
        self.lib.utf8proc_unicode_version.restype = ctypes.c_char_p
        self.libc = ctypes.CDLL(ctypes.util.find_library("c"))
        self.libc.free.argtypes = [ctypes.c_void_p]

    def version(self) -> str:
        return self.lib.utf8proc_unicode_version().decode()

    def ccc(self, c: int) -> int:
        return self.lib.utf8proc_get_property(c)[1]   # {int16 category, int16 combining_class}

    def _norm(self, fn, s: str) -> str:
        p = fn(s.encode("utf-8"))
        out = ctypes.string_at(p).decode("utf-8")
        self.libc.free(p)
        return out

    def nfd(self, s: str) -> str:
        return self._norm(self.lib.utf8proc_NFD, s)

    def nfc(self, s: str) -> str:
        return self._norm(self.lib.utf8proc_NFC, s)


def nfc_inert(u: Utf8proc) -> list[int]:
    """Code points that utf8proc treats as normalisation-relevant but tokenizers does not (it
    handles them as unassigned: starter, no decomposition, no composition)."""
    nfc, nfd = normalizers.NFC(), normalizers.NFD()
    inert = set()
    decomposition = {}
    components = set()
    for c in CPS[1:]:  # U+0000 ends a C string
        d = u.nfd(chr(c))
        if d != chr(c):
            decomposition[c] = d
            components.update(map(ord, d))
    for c in CPS[1:]:
        s = chr(c)
        ccc = u.ccc(c)
        if not (ccc or c in decomposition or c in components):
            continue
        if c in decomposition and (nfd.normalize_str(s) != decomposition[c] or
                                   nfc.normalize_str(s) != u.nfc(s)):
            inert.add(c)
            continue
        if ccc:
            # Does tokenizers see it as a non-starter? "q" composes with nothing here.
            t1 = "q" + s + "\u0334"   # reordered iff ccc(s) > 1
            t2 = "q\u0301" + s        # reordered iff 0 < ccc(s) < 230
            if nfc.normalize_str(t1) == t1 and nfc.normalize_str(t2) == t2:
                inert.add(c)
    # A composite tokenizers does not know is composed from components it does not know either
    # (Unicode's composition stability policy): those components must stay inert too.
    for c in sorted(inert):
        if c in decomposition and len(decomposition[c]) > 1:
            inert.update(map(ord, decomposition[c]))
    return sorted(inert)


def ranges(cps: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for c in cps:
        if out and out[-1][1] + 1 == c:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out


def table(name: str, cps: list[int]) -> str:
    rs = ranges(cps)
    body = []
    line = "   "
    for a, b in rs:
        item = f" {{0x{a:X}, 0x{b:X}}},"
        if len(line) + len(item) > 100:
            body.append(line)
            line = "   "
        line += item
    body.append(line)
    return (f"// {len(cps)} code points in {len(rs)} ranges.\n"
            f"inline constexpr CodeRange {name}[] = {{\n" + "\n".join(body) + "\n};\n")


def main() -> int:
    u = Utf8proc()
    parts = [
        "// Generated by scripts/gen_unicode_tables.py from HF tokenizers "
        f"{tokenizers.__version__} and utf8proc (Unicode {u.version()}).\n"
        "// Do not edit; see the script for why these tables exist.\n",
        "// \\s as Oniguruma matches it in tokenizers (Unicode White_Space).\n",
        table("kWhiteSpace", regex_class(r"\s")),
        "// \\p{L} in tokenizers' Oniguruma.\n",
        table("kLetter", regex_class(r"\p{L}")),
        "// \\p{N} in tokenizers' Oniguruma.\n",
        table("kNumber", regex_class(r"\p{N}")),
        "// Code points tokenizers' NFC treats as unassigned (left untouched, never composed).\n",
        table("kNfcInert", nfc_inert(u)),
    ]
    OUT.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

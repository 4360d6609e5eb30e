#!/usr/bin/env python3
"""Every string of the window has a Chinese translation.

Runs lupdate over the window's sources into a copy of the .ts file (the checked-in file is not
touched) and fails, listing them, when any message is new or unfinished: a string a test can
reach in the Chinese window would otherwise show in English.
usage: check_translations.py LUPDATE TS_FILE SOURCE_DIR
"""
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path


def main() -> int:
    lupdate, ts, src = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / ts.name
        shutil.copy(ts, copy)
        sources = sorted(str(p) for p in src.iterdir() if p.suffix in (".cpp", ".h"))
        subprocess.run([lupdate, "-silent", "-locations", "none", *sources, "-ts", str(copy)],
                       check=True)
        root = ET.parse(copy).getroot()
    missing = []
    for context in root.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            t = message.find("translation")
            kind = t.get("type", "") if t is not None else "unfinished"
            if kind in ("vanished", "obsolete"):
                continue
            texts = [t.text or ""] + [n.text or "" for n in t.iter("numerusform")] if t is not None else [""]
            if kind == "unfinished" or not any(x.strip() for x in texts):
                missing.append(f"{name}: {message.findtext('source')!r}")
    for m in missing:
        print("untranslated:", m)
    print(f"{len(missing)} untranslated strings in {ts.name}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

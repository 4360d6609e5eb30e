#!/usr/bin/env python3
"""Writes a synthetic Shopify Standard Product Taxonomy of full size, shaped like the dist/ folder of
github.com/Shopify/product-taxonomy (schema/dist/categories_schema.cue, attributes_schema.cue):
OUT/<locale>/categories.json and OUT/<locale>/attributes.json.

The defaults match Shopify's size (about 10,700 categories in 26 verticals, 2,200 attributes of
which some are extended ones, 24,000 values) and carry the source's quirks: leaf names that repeat
under different parents, and values of one attribute that share a translated name. Deterministic
for a given --seed. Used by `vistag-cli taxonomy import` tests and by scripts/bench_taxonomy.sh.
"""
import argparse
import json
import os
import random

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "vo", "pe", "da", "zu", "fe", "gri", "bal",
             "cor", "den", "el", "fin", "gal", "hop"]
HANZI = "服装鞋帽包袋裙裤衫衣外套运动户外家居厨房工具玩具电子配件材料颜色尺寸款式图案风格季节"


def word(rng, n=2):
    return "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()


def hanzi(rng, n=3):
    return "".join(rng.choice(HANZI) for _ in range(n))


def gid(kind, x):
    return f"gid://shopify/{kind}/{x}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--categories", type=int, default=10700)
    ap.add_argument("--verticals", type=int, default=26)
    ap.add_argument("--attributes", type=int, default=1800, help="base attributes")
    ap.add_argument("--extended", type=int, default=400, help="extended attributes")
    ap.add_argument("--values", type=int, default=24000)
    ap.add_argument("--locales", default="en,zh-CN")
    ap.add_argument("--seed", type=int, default=23)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    # ---- attributes: handles unique; values spread over them (at least 2 each) -----------------
    attrs = []
    used_handles = set()
    for i in range(a.attributes):
        while True:
            en = f"{word(rng)} {word(rng, 1).lower()}"
            handle = en.lower().replace(" ", "-")
            if handle not in used_handles:
                break
        used_handles.add(handle)
        attrs.append({"id": i + 1, "handle": handle, "en": en, "zh": hanzi(rng, 4) + str(i),
                      "values": [], "extended": []})
    for k, handle in enumerate(("color", "target-gender", "age-group", "fabric", "pattern")):
        attrs[k]["handle"], attrs[k]["en"] = handle, handle.replace("-", " ").capitalize()
    value_id = 1
    for v in range(a.values):
        at = attrs[v % a.attributes]
        n = len(at["values"])
        en = f"{word(rng)} {n}"
        zh = hanzi(rng, 3) + str(n)
        # Quirk: every 97th value repeats the previous value's Chinese name.
        if n > 0 and v % 97 == 0:
            zh = at["values"][-1]["zh"]
        at["values"].append({"id": value_id, "handle": f"{at['handle']}__{en.lower().replace(' ', '-')}",
                             "en": en, "zh": zh})
        value_id += 1
    extended = []
    for e in range(a.extended):
        base = attrs[rng.randrange(a.attributes)]
        handle = f"{base['handle']}-ext-{e}"
        ext = {"handle": handle, "en": f"{base['en']} ext {e}", "zh": base["zh"] + f"扩展{e}",
               "base": base}
        base["extended"].append(ext)
        extended.append(ext)

    # ---- categories: a tree per vertical, ids encoding the path ---------------------------------
    cats = []
    per_vertical = a.categories // a.verticals
    repeated = ["Shorts", "Accessories", "Parts", "Sets", "Kits"]
    for vi in range(a.verticals):
        prefix = chr(ord("a") + vi // 26) + chr(ord("a") + vi % 26)
        count = per_vertical + (1 if vi < a.categories % a.verticals else 0)
        root = {"code": prefix, "en": f"{word(rng, 3)} Vertical", "zh": hanzi(rng, 4) + f"类{vi}",
                "parent": None, "children": 0}
        nodes = [root]
        cats.append(root)
        while len(nodes) < count:
            parent = nodes[rng.randrange(len(nodes))] if len(nodes) > 3 else nodes[0]
            if parent["code"].count("-") >= 6:
                continue
            parent["children"] += 1
            code = f"{parent['code']}-{parent['children']}"
            k = len(cats)
            en = repeated[k % len(repeated)] if k % 40 == 0 else f"{word(rng, 2)} {word(rng, 2)}"
            zh = {"Shorts": "短裤", "Accessories": "配件", "Parts": "零件", "Sets": "套装",
                  "Kits": "套件"}.get(en, hanzi(rng, 4) + str(k))
            node = {"code": code, "en": en, "zh": zh, "parent": parent, "children": 0}
            nodes.append(node)
            cats.append(node)
    # Attributes per category: the common ones, a few of the vertical's, an extended one now and
    # then.
    for k, c in enumerate(cats):
        handles = [attrs[0], attrs[1], attrs[2]]
        r = random.Random(a.seed * 100003 + k)
        for _ in range(r.randrange(3, 14)):
            x = attrs[r.randrange(a.attributes)]
            if x not in handles:
                handles.append(x)
        c["attrs"] = [(h["handle"], h, False) for h in handles]
        if extended and k % 7 == 0:
            e = extended[k % len(extended)]
            c["attrs"].append((e["handle"], e["base"], True))

    by_code = {c["code"]: c for c in cats}

    for locale in a.locales.split(","):
        zh = locale.startswith("zh")
        nm = (lambda x: x["zh"]) if zh else (lambda x: x["en"])
        os.makedirs(os.path.join(a.out, locale), exist_ok=True)
        out_attrs = []
        for at in sorted(attrs, key=lambda x: x["handle"]):
            out_attrs.append({
                "id": gid("TaxonomyAttribute", at["id"]), "name": nm(at), "handle": at["handle"],
                "description": f"Defines the {at['en'].lower()}",
                "extended_attributes": [{"name": nm(e), "handle": e["handle"]} for e in at["extended"]],
                "values": [{"id": gid("TaxonomyValue", v["id"]), "name": nm(v), "handle": v["handle"]}
                           for v in at["values"]]})
        with open(os.path.join(a.out, locale, "attributes.json"), "w", encoding="utf-8") as f:
            json.dump({"version": "2025-03", "attributes": out_attrs}, f, ensure_ascii=False, indent=2)

        def ancestors(c):
            out = []
            p = c["parent"]
            while p:
                out.append(p)
                p = p["parent"]
            return out

        children = {}
        for c in cats:
            if c["parent"]:
                children.setdefault(c["parent"]["code"], []).append(c)
        verticals = {}
        for c in cats:
            prefix = c["code"][:2]
            anc = ancestors(c)
            attrs_json = []
            for handle, base, ext in c["attrs"]:
                e = next((x for x in base["extended"] if x["handle"] == handle), None) if ext else None
                attrs_json.append({"id": gid("TaxonomyAttribute", base["id"]),
                                   "name": nm(e if e else base), "handle": handle,
                                   "description": "", "extended": ext})
            verticals.setdefault(prefix, {"name": nm(by_code[prefix]), "prefix": prefix,
                                          "categories": []})["categories"].append({
                "id": gid("TaxonomyCategory", c["code"]), "level": c["code"].count("-"),
                "name": nm(c), "full_name": " > ".join([nm(x) for x in reversed(anc)] + [nm(c)]),
                "parent_id": gid("TaxonomyCategory", c["parent"]["code"]) if c["parent"] else None,
                "attributes": attrs_json,
                "children": [{"id": gid("TaxonomyCategory", k["code"]), "name": nm(k)}
                             for k in children.get(c["code"], [])],
                "ancestors": [{"id": gid("TaxonomyCategory", x["code"]), "name": nm(x)} for x in anc]})
        with open(os.path.join(a.out, locale, "categories.json"), "w", encoding="utf-8") as f:
            json.dump({"version": "2025-03", "verticals": list(verticals.values())}, f,
                      ensure_ascii=False)
    print(f"{len(cats)} categories, {len(attrs)} attributes + {len(extended)} extended, "
          f"{a.values} values, locales {a.locales} -> {a.out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""End-to-end check of the organise stage as the acceptance lines describe it: every
article of a dev set is `khronika import`ed into a fresh data directory, then `export`ed,
and the exported `story_id` / `rubric` are scored.

  python3 crates/organise/bench/eval_import.py [--bin target/release/khronika]
      [--stories ../shared/data/stories/pairs-dev.jsonl]
      [--categories ../shared/data/categories/cat-dev.jsonl]

Stories: pair F1 of same_story=true (a pair is predicted "same" when both sides have the
same non-null story_id). Rubrics: accuracy and macro-F1 over the 8 labels. Both are also
reported on two halves of each file (A: the half looked at while developing, B: the half
not looked at), split as the Rust dev examples split them (FNV-1a of a URL, parity)."""
import argparse, json, os, subprocess, sys, tempfile

def fnv(s):
    h = 0xcbf29ce484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h

def run(bin_, data, *args, stdin=None):
    r = subprocess.run([bin_, "--data-dir", data, *args], input=stdin, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed: {r.stderr}")
    return r.stdout

def import_export(bin_, records):
    with tempfile.TemporaryDirectory() as d:
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        run(bin_, d, "import", "-", stdin=lines)
        out = run(bin_, d, "export")
    return {r["url"]: r for r in map(json.loads, out.splitlines())}

def stories(bin_, path):
    pairs = [json.loads(l) for l in open(path) if l.strip()]
    recs, seen = [], set()
    for p in pairs:
        for s in (p["a"], p["b"]):
            if s["url"] not in seen:
                seen.add(s["url"])
                recs.append({"url": s["url"], "title": s["title"], "text": s["text"]})
    exp = import_export(bin_, recs)
    # Exported URLs are canonicalised: match by the imported title.
    def story_of(s):
        for r in exp.values():
            if r["title"] == s["title"]:
                return r.get("story_id")
        return None
    # components -> halves
    parent = {}
    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x
    for p in pairs:
        ra, rb = find(p["a"]["url"]), find(p["b"]["url"])
        if ra != rb:
            parent[ra] = rb
    mins = {}
    for p in pairs:
        r = find(p["a"]["url"])
        for u in (p["a"]["url"], p["b"]["url"]):
            mins[r] = min(mins.get(r, u), u)
    stats = {h: [0, 0, 0] for h in ("A", "B", "all")}
    for p in pairs:
        half = "A" if fnv(mins[find(p["a"]["url"])]) % 2 == 0 else "B"
        sa, sb = story_of(p["a"]), story_of(p["b"])
        same = sa is not None and sa == sb
        for h in (half, "all"):
            if same and p["same_story"]: stats[h][0] += 1
            elif same: stats[h][1] += 1
            elif p["same_story"]: stats[h][2] += 1
    for h, (tp, fp, fn) in stats.items():
        f1 = 2 * tp / max(1, 2 * tp + fp + fn)
        print(f"stories {h:>3}: pair P {tp/max(1,tp+fp):.3f} R {tp/max(1,tp+fn):.3f} F1 {f1:.3f}")

def categories(bin_, path):
    items = [json.loads(l) for l in open(path) if l.strip()]
    exp = import_export(bin_, [{"url": i["url"], "title": i["title"], "text": i["text"]} for i in items])
    by_title = {r["title"]: r for r in exp.values()}
    labels = ["society", "economy", "technology", "sports", "entertainment", "science", "other", "not_news"]
    for half in ("A", "B", "all"):
        sel = [i for i in items if half == "all" or (fnv(i["url"]) % 2 == 0) == (half == "A")]
        gold = [i["category"] for i in sel]
        pred = [(by_title.get(i["title"]) or {}).get("rubric") for i in sel]
        acc = sum(g == p for g, p in zip(gold, pred)) / max(1, len(sel))
        f1s = []
        for l in labels:
            tp = sum(g == l and p == l for g, p in zip(gold, pred))
            fp = sum(g != l and p == l for g, p in zip(gold, pred))
            fn = sum(g == l and p != l for g, p in zip(gold, pred))
            if tp + fp + fn:
                f1s.append(2 * tp / (2 * tp + fp + fn))
        print(f"rubrics {half:>3}: n {len(sel)} accuracy {acc:.3f} macro-F1 {sum(f1s)/max(1,len(f1s)):.3f}")

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/khronika")
    ap.add_argument("--stories", default="../shared/data/stories/pairs-dev.jsonl")
    ap.add_argument("--categories", default="../shared/data/categories/cat-dev.jsonl")
    a = ap.parse_args()
    if a.stories:
        stories(a.bin, a.stories)
    if a.categories:
        categories(a.bin, a.categories)

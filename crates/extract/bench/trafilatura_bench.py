#!/usr/bin/env python3
"""Trafilatura side of the khronika-extract benchmark (run by benches/extraction.rs).

Usage: trafilatura_bench.py MANIFEST.json OUT.json

MANIFEST.json: {"pages": [{"set": ..., "id": ..., "path": ...}, ...], "passes": N}
Pages are read (gunzipped if .gz) into memory first; the timing covers the extraction call
only, single thread, one untimed warm-up, the fastest of N passes (BASELINES.md takes the median; the fastest is fairer on a noisy shared machine and is what our side reports too).
OUT.json: {"version": ..., "seconds": {set: s}, "pages": {set: {id: {articleBody, title,
date, author}}}}.
"""
import gzip
import json
import sys
import time

import trafilatura


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    return data


def main():
    manifest = json.load(open(sys.argv[1], encoding="utf8"))
    pages = [(p["set"], p["id"], read(p["path"])) for p in manifest["pages"]]
    # Trafilatura is given text as a browser would decode it (its own charset guess on bytes
    # is weaker); the decode is outside the timed region, like our gunzip.
    texts = []
    for s, i, data in pages:
        texts.append((s, i, trafilatura.utils.decode_file(data)))
    sets = sorted({s for s, _, _ in texts})
    seconds = {}
    out = {s: {} for s in sets}
    for s in sets:
        group = [(i, t) for ss, i, t in texts if ss == s]
        for i, t in group:  # warm-up
            trafilatura.extract(t, include_comments=False, favor_precision=False)
        runs = []
        for _ in range(manifest.get("passes", 3)):
            t0 = time.perf_counter()
            for i, t in group:
                trafilatura.extract(t, include_comments=False, favor_precision=False)
            runs.append(time.perf_counter() - t0)
        seconds[s] = min(runs)  # fastest pass, as the Rust side does
        for i, t in group:
            doc = trafilatura.bare_extraction(t, include_comments=False, favor_precision=False,
                                              with_metadata=True)
            if doc is None:
                out[s][i] = {"articleBody": ""}
                continue
            d = doc.as_dict() if hasattr(doc, "as_dict") else doc
            out[s][i] = {"articleBody": d.get("text") or "", "title": d.get("title"),
                         "date": d.get("date"), "author": d.get("author")}
    json.dump({"version": trafilatura.__version__, "seconds": seconds, "pages": out},
              open(sys.argv[2], "w", encoding="utf8"), ensure_ascii=False)


if __name__ == "__main__":
    main()

"""pymorphy3 on the same words as `examples/bench.rs` (razdel tokens with a letter).

Usage: python3 bench_pymorphy.py factru-dev.jsonl
"""
import json
import sys
import time

import pymorphy3
import razdel


def main():
    texts = [json.loads(line)['text'] for line in open(sys.argv[1], encoding='utf-8')]
    t = time.perf_counter()
    morph = pymorphy3.MorphAnalyzer()
    print(f'pymorphy3 load: {(time.perf_counter() - t) * 1000:.1f} ms')
    words = [tok.text for text in texts for tok in razdel.tokenize(text)
             if any(c.isalpha() for c in tok.text)]
    best = None
    for _ in range(3):
        morph = pymorphy3.MorphAnalyzer()  # fresh cache each run (parse is lru-cached)
        t = time.perf_counter()
        n = 0
        for w in words:
            n += len(morph.parse(w))
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    print(f'pymorphy3 parse: {len(words)} words ({n} analyses) in {best:.3f} s = {len(words) / best:.0f} words/s')


if __name__ == '__main__':
    main()

"""Agreement of khronika-morph's analyses with pymorphy3's on the words of a JSONL corpus.

Usage: python3 compare_pymorphy.py factru-dev.jsonl
Runs `cargo run --release -p khronika-morph --example parse` on the distinct Cyrillic words
and compares per word: the best parse's lemma ('ё' folded), the best parse's tag, and the
whole set of (lemma, tag) analyses.
"""
import collections
import json
import os
import re
import subprocess
import sys

import pymorphy3
import razdel


def main():
    texts = [json.loads(line)['text'] for line in open(sys.argv[1], encoding='utf-8')]
    words = sorted({t.text for text in texts for t in razdel.tokenize(text)
                    if re.search('[а-яёА-ЯЁ]', t.text)})
    root = os.path.dirname(os.path.abspath(__file__))
    proc = subprocess.run(['cargo', 'run', '-q', '--release', '-p', 'khronika-morph', '--example', 'parse'],
                          input='\n'.join(words) + '\n', capture_output=True, text=True, cwd=root, check=True)
    ours = collections.defaultdict(list)
    for line in proc.stdout.splitlines():
        w, lemma, tag, score = line.split('\t')
        ours[w].append((lemma.replace('ё', 'е'), tag, float(score)))
    morph = pymorphy3.MorphAnalyzer()
    top_lemma = top_tag = same_set = 0
    for w in words:
        ref = morph.parse(w)
        mine = ours.get(w, [])
        if ref and mine:
            top_lemma += ref[0].normal_form.replace('ё', 'е') == mine[0][0]
            top_tag += str(ref[0].tag) == mine[0][1]
        same_set += {(p.normal_form.replace('ё', 'е'), str(p.tag)) for p in ref} == {(l, t) for l, t, _ in mine}
    n = len(words)
    print(f'{n} distinct words: best lemma agrees {top_lemma / n:.4f}, best tag agrees {top_tag / n:.4f}, '
          f'identical analysis sets {same_set / n:.4f}')


if __name__ == '__main__':
    main()

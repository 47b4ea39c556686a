"""Agreement of khronika-morph's entity normal forms with natasha's on gold spans.

Usage: python3 eval_normal.py GOLD_NATASHA.jsonl OURS.jsonl [TYPE]
GOLD_NATASHA.jsonl comes from natasha_normals.py; OURS.jsonl from
`cargo run --release -p khronika-morph --example normalize < GOLD_NATASHA.jsonl`.
Prints exact and 'ё'-insensitive agreement per type, and the disagreements of TYPE.
"""
import collections
import json
import sys


def main():
    gold = [json.loads(line) for line in open(sys.argv[1], encoding='utf-8')]
    ours = [json.loads(line) for line in open(sys.argv[2], encoding='utf-8')]
    show = sys.argv[3] if len(sys.argv) > 3 else None
    exact, folded, total = collections.Counter(), collections.Counter(), collections.Counter()
    for g, o in zip(gold, ours):
        t = g['type']
        total[t] += 1
        exact[t] += g['natasha'] == o['normal']
        folded[t] += g['natasha'].replace('ё', 'е') == o['normal'].replace('ё', 'е')
        if show == t and g['natasha'].replace('ё', 'е') != o['normal'].replace('ё', 'е'):
            print(f"{g['text']!r:40} natasha={g['natasha']!r:40} ours={o['normal']!r}  ...{g['after'][:20]!r}")
    for t in sorted(total):
        print(f'{t}: {total[t]} spans, agreement exact {exact[t] / total[t]:.4f}, '
              f'ё-folded {folded[t] / total[t]:.4f}')
    n = sum(total.values())
    print(f'all: exact {sum(exact.values()) / n:.4f}, ё-folded {sum(folded.values()) / n:.4f}')


if __name__ == '__main__':
    main()

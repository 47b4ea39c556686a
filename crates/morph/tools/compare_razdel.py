"""Agreement and speed of khronika-morph's tokenizer/sentenizer against razdel.

Usage: python3 compare_razdel.py DOCS.jsonl [MORE.jsonl|TEXT.txt ...]
Needs razdel (pip) and the `segment` example built: it runs
`cargo run --release -p khronika-morph --example segment` on the same documents.
Token agreement = exact (start, end) matches / max(len(ours), len(razdel)) over all docs;
also the share of documents segmented identically.
"""
import json
import os
import subprocess
import sys
import time

import razdel


def load(paths):
    docs = []
    for path in paths:
        if path.endswith('.jsonl'):
            with open(path, encoding='utf-8') as f:
                for line in f:
                    if line.strip():
                        d = json.loads(line)
                        docs.append({'id': d['id'], 'text': d['text']})
        else:
            with open(path, encoding='utf-8') as f:
                docs.append({'id': os.path.basename(path), 'text': f.read()})
    return docs


def main():
    docs = load(sys.argv[1:])
    repeat = int(os.environ.get('REPEAT', '3'))
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        ref = []
        for d in docs:
            toks = [(t.start, t.stop) for t in razdel.tokenize(d['text'])]
            sents = [(s.start, s.stop) for s in razdel.sentenize(d['text']) if s.stop > s.start]
            ref.append((toks, sents))
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    chars = sum(len(d['text']) for d in docs)
    print(f'razdel: {len(docs)} docs, {chars} chars, {best:.4f} s per run ({chars / best:.0f} chars/s)')

    root = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, REPEAT='20')
    proc = subprocess.run(
        ['cargo', 'run', '-q', '--release', '-p', 'khronika-morph', '--example', 'segment'],
        input=''.join(json.dumps(d, ensure_ascii=False) + '\n' for d in docs),
        capture_output=True, text=True, cwd=root, env=env, check=True)
    sys.stdout.write(proc.stderr)
    ours = [json.loads(line) for line in proc.stdout.splitlines()]

    for name, idx in (('tokens', 0), ('sentences', 1)):
        match = total_ref = total_ours = same_docs = 0
        shown = 0
        for d, r, o in zip(docs, ref, ours):
            a = set(map(tuple, o[name]))
            b = set(r[idx])
            match += len(a & b)
            total_ref += len(b)
            total_ours += len(a)
            if a == b:
                same_docs += 1
            elif shown < 5 and os.environ.get('SHOW'):
                shown += 1
                text = d['text']
                diff_b = sorted(b - a)[:3]
                diff_a = sorted(a - b)[:3]
                print(f'  {d["id"]}: razdel only {[text[s:e][:60] for s, e in diff_b]}')
                print(f'  {d["id"]}: ours only   {[text[s:e][:60] for s, e in diff_a]}')
        p = match / total_ours if total_ours else 1.0
        r = match / total_ref if total_ref else 1.0
        print(f'{name}: razdel {total_ref}, ours {total_ours}, exact matches {match} '
              f'(precision {p:.4f}, recall {r:.4f}); identical docs {same_docs}/{len(docs)}')


if __name__ == '__main__':
    main()

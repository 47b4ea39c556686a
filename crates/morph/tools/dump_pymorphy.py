"""Convert the pymorphy3 Russian dictionary (OpenCorpora data) into khronika-morph's format.

Usage: python3 dump_pymorphy.py OUT_DIR
Needs `pip install pymorphy3 pymorphy3-dicts-ru` (any environment; not a runtime dependency).

Writes to OUT_DIR:
  tables.bin  — tags, suffixes, prefixes, paradigms, parse lists, prediction lists
                (little-endian; layout in src/dict.rs, `Tables::parse`)
  words.tsv   — "word<TAB>parse-list id", one line per distinct word, 'ё' folded to 'е'
  pred.tsv    — "suffix<TAB>prediction-list id" (unknown-word guesser, paradigm prefix '')
  ptw.tsv     — "word:tag id<TAB>P(tag|word) x 1e6" (corpus estimates for ambiguous words)
Then `cargo run --release -p khronika-morph --example build_fst -- OUT_DIR crates/morph/data`
turns the .tsv files into the FSTs the crate embeds, and copies tables.bin.
"""
import collections
import struct
import sys

import pymorphy3


def fold(s):
    return s.replace('ё', 'е')


def put_str(out, s):
    b = s.encode('utf-8')
    out += struct.pack('<H', len(b))
    out += b


def main():
    out_dir = sys.argv[1]
    morph = pymorphy3.MorphAnalyzer()
    d = morph.dictionary

    buf = bytearray(b'KHMORPH1')
    tags = [str(t) for t in d.gramtab]
    buf += struct.pack('<I', len(tags))
    for t in tags:
        put_str(buf, t)
    buf += struct.pack('<I', len(d.suffixes))
    for s in d.suffixes:
        put_str(buf, fold(s))
    buf += struct.pack('<I', len(d.paradigm_prefixes))
    for s in d.paradigm_prefixes:
        put_str(buf, fold(s))
    buf += struct.pack('<I', len(d.paradigms))
    for para in d.paradigms:
        n = len(para) // 3
        buf += struct.pack('<H', n)
        for i in range(n):
            buf += struct.pack('<HHH', para[i], para[n + i], para[2 * n + i])

    # Words: fold 'ё' into 'е' and group the (paradigm, form) analyses of each key.
    words = collections.defaultdict(list)
    for w, (p, i) in d.words.iteritems():
        lst = words[fold(w)]
        if (p, i) not in lst:
            lst.append((p, i))
    lists = {}
    order = []
    ids = {}
    for w in sorted(words, key=lambda s: s.encode('utf-8')):
        key = tuple(words[w])
        lid = lists.get(key)
        if lid is None:
            lid = lists[key] = len(order)
            order.append(key)
        ids[w] = lid
    buf += struct.pack('<I', len(order))
    for key in order:
        buf += struct.pack('<B', min(len(key), 255))
        for p, i in key[:255]:
            buf += struct.pack('<HH', p, i)
    with open(f'{out_dir}/words.tsv', 'w', encoding='utf-8') as f:
        for w in sorted(ids, key=lambda s: s.encode('utf-8')):
            f.write(f'{w}\t{ids[w]}\n')
    print(f'words: {len(ids)} keys, {len(order)} distinct parse lists')

    # Prediction suffixes for the empty paradigm prefix (the others are 'по'/'наи' comparatives).
    preds = collections.defaultdict(list)
    for suffix, (cnt, p, i) in d.prediction_suffixes_dawgs[0].iteritems():
        preds[fold(suffix)].append((cnt, p, i))
    plist = {}
    porder = []
    pids = {}
    for s in sorted(preds, key=lambda s: s.encode('utf-8')):
        key = tuple(sorted(preds[s], reverse=True))
        lid = plist.get(key)
        if lid is None:
            lid = plist[key] = len(porder)
            porder.append(key)
        pids[s] = lid
    buf += struct.pack('<I', len(porder))
    for key in porder:
        buf += struct.pack('<B', min(len(key), 255))
        for cnt, p, i in key[:255]:
            buf += struct.pack('<IHH', min(cnt, 0xFFFFFFFF), p, i)
    with open(f'{out_dir}/pred.tsv', 'w', encoding='utf-8') as f:
        for s in sorted(pids, key=lambda s: s.encode('utf-8')):
            f.write(f'{s}\t{pids[s]}\n')
    print(f'predictions: {len(pids)} suffixes, {len(porder)} distinct lists')

    # P(tag | word) from the OpenCorpora corpus, keyed "word:tag id" (scores of known words).
    tag_ids = {t: i for i, t in enumerate(tags)}
    ptw = {}
    for key, value in morph.prob_estimator.p_t_given_w.iteritems():
        word, _, tag = key.partition(':')
        tid = tag_ids.get(tag)
        if tid is None or not word:
            continue
        k = f'{fold(word)}:{tid}'
        ptw[k] = max(ptw.get(k, 0), value)
    with open(f'{out_dir}/ptw.tsv', 'w', encoding='utf-8') as f:
        for k in sorted(ptw, key=lambda s: s.encode('utf-8')):
            f.write(f'{k}\t{ptw[k]}\n')
    print(f'P(t|w): {len(ptw)} entries')

    with open(f'{out_dir}/tables.bin', 'wb') as f:
        f.write(buf)
    print(f'tables.bin: {len(buf)} bytes')


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""Agreement of our entity normal forms with natasha's on the same spans.

Usage: compare_normals.py DOCS.jsonl OURS.jsonl [DISAGREEMENTS.tsv]

DOCS.jsonl: {"id","text"} per line (e.g. factru-dev.jsonl). OURS.jsonl: predictions with
"normal" per entity (the NER bench writes them). Natasha (pip natasha==1.6.0) runs
Segmenter + morph tagger + NER + `span.normalize(morph_vocab)`; spans found by both with the
same type are compared, per type: exact agreement, and adjusted agreement that forgives ё/е
(natasha folds ё) and our surname linking ("Путина" → "Владимир Путин" vs natasha "Путин").
Adjusted disagreements go to DISAGREEMENTS.tsv. Benchmark tool only (never a runtime dependency).
"""
import json
import sys

from natasha import Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    seg, emb, vocab = Segmenter(), NewsEmbedding(), MorphVocab()
    morph, ner = NewsMorphTagger(emb), NewsNERTagger(emb)
    ours = {}
    for line in open(argv[2], encoding="utf8"):
        d = json.loads(line)
        ours[str(d["id"])] = {(e["start"], e["end"], e["type"]): e.get("normal", "") for e in d["entities"]}
    stats, bad = {}, []
    for line in open(argv[1], encoding="utf8"):
        d = json.loads(line)
        doc = Doc(d["text"])
        doc.segment(seg)
        doc.tag_morph(morph)
        doc.tag_ner(ner)
        mine = ours.get(str(d["id"]), {})
        for span in doc.spans:
            span.normalize(vocab)
            key = (span.start, span.stop, span.type)
            if key not in mine:
                continue
            ours_n, nat_n = mine[key], span.normal
            same = ours_n == nat_n
            # natasha folds ё to е and does not link surnames to full names; count those as
            # agreement in the adjusted figure
            fold = lambda s: s.replace("ё", "е").replace("Ё", "Е")
            linked = " " not in nat_n and ours_n.split(" ")[-1:] == [nat_n] and " " not in span.text
            adjusted = same or fold(ours_n) == fold(nat_n) or linked
            total, agree, adj = stats.get(span.type, (0, 0, 0))
            stats[span.type] = (total + 1, agree + same, adj + adjusted)
            if not adjusted:
                bad.append((d["id"], span.type, span.text, mine[key], span.normal))
    print("type  spans  exact-agree  adjusted-agree (ё/е, surname linking)")
    for t in sorted(stats):
        total, agree, adj = stats[t]
        print(f"{t:<5} {total:>5}  {agree / total:>11.3f}  {adj / total:>14.3f}")
    total = sum(v[0] for v in stats.values())
    agree = sum(v[1] for v in stats.values())
    adj = sum(v[2] for v in stats.values())
    print(f"all   {total:>5}  {agree / max(total, 1):>11.3f}  {adj / max(total, 1):>14.3f}")
    if len(argv) > 3:
        with open(argv[3], "w", encoding="utf8") as f:
            f.write("id\ttype\ttext\tours\tnatasha\n")
            for row in bad:
                f.write("\t".join(map(str, row)) + "\n")


if __name__ == "__main__":
    main(sys.argv)

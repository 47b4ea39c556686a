"""natasha's normal forms for the gold entity spans of a factRuEval JSONL file.

Usage: python3 natasha_normals.py factru-dev.jsonl OUT.jsonl
Writes one line per gold entity: {"id","start","end","type","text","before","after","natasha"}
("before"/"after": up to 60 chars of context). Benchmark/reference use only (pip natasha).
"""
import json
import sys

from natasha import (Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, NewsSyntaxParser,
                     Segmenter)
from natasha.doc import DocSpan


def main():
    segmenter = Segmenter()
    emb = NewsEmbedding()
    tagger = NewsMorphTagger(emb)
    parser = NewsSyntaxParser(emb)
    vocab = MorphVocab()
    with open(sys.argv[1], encoding='utf-8') as f, open(sys.argv[2], 'w', encoding='utf-8') as out:
        for line in f:
            d = json.loads(line)
            text = d['text']
            doc = Doc(text)
            doc.segment(segmenter)
            doc.tag_morph(tagger)
            doc.parse_syntax(parser)
            doc.spans = [DocSpan(e['start'], e['end'], e['type'], e['text']) for e in d['entities']]
            doc.envelop_span_tokens()
            for e, span in zip(d['entities'], doc.spans):
                try:
                    span.normalize(vocab)
                    normal = span.normal
                except Exception:  # spans not on token boundaries
                    normal = e['text']
                out.write(json.dumps({
                    'id': d['id'], 'start': e['start'], 'end': e['end'], 'type': e['type'],
                    'text': e['text'], 'before': text[max(0, e['start'] - 60):e['start']],
                    'after': text[e['end']:e['end'] + 60], 'natasha': normal,
                }, ensure_ascii=False) + '\n')


if __name__ == '__main__':
    main()

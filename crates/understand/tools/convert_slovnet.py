#!/usr/bin/env python3
"""Convert natasha's slovnet NER model + navec embeddings into khronika's tensor file.

Usage:
    pip download --no-deps natasha==1.6.0 && unzip -o natasha-1.6.0-*.whl 'natasha/data/*'
    python3 convert_slovnet.py natasha/data/model/slovnet_ner_news_v1.tar \
        natasha/data/emb/navec_news_v1_1B_250K_300d_100q.tar ../models/ner_news_v1.knt

Needs numpy only (no slovnet/navec import): both inputs are plain tar archives. The output
is a flat list of named tensors (format described in ../models/README.md and read by
src/tensors.rs). Values are copied bit-for-bit; nothing is re-trained or re-quantised.
"""
import gzip
import io
import json
import struct
import sys
import tarfile

import numpy as np

MAGIC = b"KHRTNS01"
DT_F32, DT_U8, DT_TEXT, DT_GZTEXT = 0, 1, 2, 3
# texts longer than this are stored gzip-compressed (the 2.5 MB word list)
GZIP_OVER = 64 * 1024


def member(tar, name):
    return tar.extractfile(tar.getmember(name)).read()


def model_arrays(tar):
    """Yield (name, array) for every slovnet weight, named by its path in model.json."""
    model = json.loads(member(tar, "model.json").decode("utf8"))

    def walk(node, path):
        if isinstance(node, dict):
            if "shape" in node and "dtype" in node:
                if "array" in node:
                    raw = member(tar, "arrays/%d.bin" % node["array"])
                    arr = np.frombuffer(raw, node["dtype"]).reshape(node["shape"])
                    yield path, arr
                return
            for key, value in node.items():
                yield from walk(value, path + [key])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, path + [str(index)])

    for path, arr in walk(model, []):
        yield ".".join(path), arr
    # conv padding is not a tensor; keep it as a 1-element tensor so the reader checks it
    for index, layer in enumerate(model["encoder"]["layers"]):
        yield "encoder.layers.%d.conv.padding" % index, np.array([layer["conv"]["padding"]], np.float32)
    yield "navec.id", model["emb"]["word"]["id"]


def vocab(tar, name):
    return gzip.decompress(member(tar, "vocabs/%s.gz" % name)).decode("utf8")


def navec_arrays(tar):
    meta = json.loads(member(tar, "meta.json").decode("utf8"))
    raw = member(tar, "pq.bin")
    vectors, dim, qdim, centroids = struct.unpack("<4I", raw[:16])
    indexes = np.frombuffer(raw[16:16 + vectors * qdim], np.uint8).reshape(vectors, qdim)
    codes = np.frombuffer(raw[16 + vectors * qdim:], np.float32).reshape(qdim, centroids, -1)
    assert codes.shape[2] * qdim == dim
    vocab_raw = gzip.GzipFile(fileobj=io.BytesIO(member(tar, "vocab.bin"))).read()
    (size,) = struct.unpack("<I", vocab_raw[:4])
    words = vocab_raw[4 + 4 * size:].decode("utf8")
    return meta["id"], indexes, codes, words


def write(out, tensors):
    out.write(MAGIC)
    out.write(struct.pack("<I", len(tensors)))
    for name, value in tensors:
        key = name.encode("utf8")
        if isinstance(value, str):
            data, dtype = value.encode("utf8"), DT_TEXT
            shape = [len(data)]
            if len(data) > GZIP_OVER:
                data, dtype = gzip.compress(data, 9, mtime=0), DT_GZTEXT
        elif value.dtype == np.uint8:
            data, dtype, shape = value.tobytes(), DT_U8, list(value.shape)
        else:
            value = np.ascontiguousarray(value, dtype="<f4")
            data, dtype, shape = value.tobytes(), DT_F32, list(value.shape)
        out.write(struct.pack("<H", len(key)) + key)
        out.write(struct.pack("<BB", dtype, len(shape)))
        out.write(struct.pack("<%dI" % len(shape), *shape))
        out.write(struct.pack("<Q", len(data)))
        out.write(data)


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    with tarfile.open(argv[1]) as tar:
        meta = json.loads(member(tar, "meta.json").decode("utf8"))
        assert meta["protocol"] == 1, meta
        arrays = list(model_arrays(tar))
        words = vocab(tar, "word")
        shapes = vocab(tar, "shape")
        tags = vocab(tar, "tag")
    with tarfile.open(argv[2]) as tar:
        navec_id, indexes, codes, navec_words = navec_arrays(tar)
    model_navec_id = dict(arrays)["navec.id"]
    assert navec_id == model_navec_id, (navec_id, model_navec_id)
    # slovnet encodes words with its own vocab and looks vectors up by that id in navec:
    # the two lists must be the same, in the same order.
    assert words.split("\n") == navec_words.split("\n"), "word vocab differs from navec vocab"
    assert len(words.split("\n")) == indexes.shape[0]
    tensors = [("meta.id", meta["id"]), ("vocab.word", words), ("vocab.shape", shapes),
               ("vocab.tag", tags), ("emb.word.indexes", indexes), ("emb.word.codes", codes)]
    tensors += [(name, arr) for name, arr in arrays]
    with open(argv[3], "wb") as out:
        write(out, tensors)
    for name, value in tensors:
        print(name, value.shape if hasattr(value, "shape") else "text[%d]" % len(value))


if __name__ == "__main__":
    main(sys.argv)

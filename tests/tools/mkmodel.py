#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/tools/mkmodel.py - a synthetic safetensors-shaped model and its new
versions, for the chunked-delta tests and bench (issue 13).

usage: mkmodel.py --size BYTES --seed N --variant base|a|b|c OUT
                  [--info]   (print the JSON summary only, write nothing)

The file is what safetensors writes (huggingface/safetensors, "format"): an
8-byte little-endian header length N, N bytes of JSON header (padded with
spaces to a multiple of 8), then the tensors back to back.  The header maps
each tensor name to {"dtype", "shape", "data_offsets": [begin, end]}
(offsets relative to the end of the header) plus "__metadata__".

The layout is a Llama-style decoder in BF16 (2 bytes a value): a token
embedding and an lm_head of VOCAB x H, then LAYERS layers of q/k/v/o
projections (k and v grouped, H x H/4), gate/up/down MLP projections
(H x 2.75H) and two norms of H, and a final norm.  H is chosen from the
size (2048 from 512 MiB up: 8 MiB attention and 22 MiB MLP tensors, the
4-64 MiB range of real checkpoints), LAYERS fills the size (the file is
within one layer of BYTES; --info says exactly).

Tensor bytes are SHAKE-128 (FIPS 202) of "SEED:NAME:GEN", so every run
with the same arguments writes the same bytes, on any Python 3.8+; GEN is 0
in the base version and 1 in a tensor a variant changed.  The high byte of
each BF16 value (sign and top exponent bits) is then mapped to the
distribution it has in weights drawn from N(0, 0.02) (HIGH below), so the
tensors compress as trained weights do (zstd -3: ~78% of their size, as
2 M Gaussian BF16 values do), not as random bytes; the rest of each value
stays uniform.  The variants:
  base  the original
  a     5% of the tensor bytes changed: whole tensors picked by a seeded
        shuffle until they hold >= 5% of the data (a fine-tune of a few
        layers); the header is the same
  b     as a, and the header grown by about 200 bytes ("__metadata__"
        gains a "fine_tuned_from" note) so every tensor's file offset moves
  c     every tensor changed (a new training run), header as in base
--info (or stderr after writing) prints JSON: size, header_bytes,
tensors, changed_tensors, changed_bytes (the bytes that differ from base:
the changed tensors, plus the header when it changed).
"""
import argparse
import hashlib
import json
import random
import statistics
import struct
import sys

VOCAB_MIN = 4096


def high_table():
    """256 bytes: uniform byte u -> the high byte of a BF16 weight, at the
    (u + 0.5) / 256 quantile of that byte's distribution under N(0, 0.02)."""
    nd, n = statistics.NormalDist(0, 0.02), 1 << 14
    hb = sorted(struct.pack("<f", nd.inv_cdf((i + 0.5) / n))[3]
                for i in range(n))
    return bytes(hb[(u * n + n // 2) // 256] for u in range(256))


HIGH = high_table()


def layout(size):
    """[(name, shape)] of a model of about size bytes (BF16)."""
    h = 2048
    while h > 64 and layer_bytes(h) * 8 + 2 * VOCAB_MIN * h * 2 > size:
        h //= 2
    vocab = max(VOCAB_MIN, min(16000, size // (h * 2 * 16)))
    emb = vocab * h * 2
    layers = max(1, (size - 2 * emb) // layer_bytes(h))
    t = [("model.embed_tokens.weight", [vocab, h])]
    ff, kv = h * 11 // 4, h // 4
    for i in range(layers):
        p = "model.layers.%d." % i
        t += [(p + "input_layernorm.weight", [h]),
              (p + "self_attn.q_proj.weight", [h, h]),
              (p + "self_attn.k_proj.weight", [kv, h]),
              (p + "self_attn.v_proj.weight", [kv, h]),
              (p + "self_attn.o_proj.weight", [h, h]),
              (p + "post_attention_layernorm.weight", [h]),
              (p + "mlp.gate_proj.weight", [ff, h]),
              (p + "mlp.up_proj.weight", [ff, h]),
              (p + "mlp.down_proj.weight", [h, ff])]
    t += [("model.norm.weight", [h]), ("lm_head.weight", [vocab, h])]
    return t


def layer_bytes(h):
    return 2 * (2 * h + 2 * h * h + 2 * (h // 4) * h + 3 * (h * 11 // 4) * h)


def nbytes(shape):
    n = 2
    for d in shape:
        n *= d
    return n


def changed_set(tensors, seed, variant):
    """Names of the tensors the variant changes."""
    if variant == "base":
        return set()
    if variant == "c":
        return {n for n, _ in tensors}
    total = sum(nbytes(s) for _, s in tensors)
    order = list(range(len(tensors)))
    random.Random(seed * 1000003 + 5).shuffle(order)
    out, got = set(), 0
    for i in order:
        if got * 20 >= total:
            break
        out.add(tensors[i][0])
        got += nbytes(tensors[i][1])
    return out


def header(tensors, seed, variant):
    meta = {"format": "pt", "generator": "aiupdate tests/tools/mkmodel.py",
            "seed": str(seed)}
    if variant == "b":
        meta["fine_tuned_from"] = "aiupdate-synthetic-%d: " % seed + "x" * 170
    h, off = {"__metadata__": meta}, 0
    for name, shape in tensors:
        n = nbytes(shape)
        h[name] = {"dtype": "BF16", "shape": shape,
                   "data_offsets": [off, off + n]}
        off += n
    text = json.dumps(h, separators=(",", ":")).encode()
    return text + b" " * (-len(text) % 8)


def tensor_bytes(seed, name, gen, n):
    b = bytearray(hashlib.shake_128(("%d:%s:%d" % (seed, name, gen))
                                    .encode()).digest(n))
    b[1::2] = bytes(b[1::2]).translate(HIGH)	# little-endian: high bytes odd
    return bytes(b)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--variant", choices=["base", "a", "b", "c"],
                    default="base")
    ap.add_argument("--info", action="store_true")
    ap.add_argument("out", nargs="?")
    a = ap.parse_args()
    tensors = layout(a.size)
    changed = changed_set(tensors, a.seed, a.variant)
    hdr = header(tensors, a.seed, a.variant)
    data = sum(nbytes(s) for _, s in tensors)
    info = {"size": 8 + len(hdr) + data, "header_bytes": 8 + len(hdr),
            "tensors": len(tensors), "changed_tensors": len(changed),
            "changed_bytes": sum(nbytes(s) for n, s in tensors if n in changed)
            + (8 + len(hdr) if a.variant == "b" else 0)}
    if a.info or a.out is None:
        print(json.dumps(info))
        return 0
    with open(a.out, "wb") as f:
        f.write(struct.pack("<Q", len(hdr)) + hdr)
        for name, shape in tensors:
            f.write(tensor_bytes(a.seed, name, int(name in changed),
                                 nbytes(shape)))
    print(json.dumps(info), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/tools/cdc_ref.py SEED LENGTH | --file PATH [OUT] - an independent
implementation of the chunker (manifest/cdc.h) and the chunk index
(manifest/chunk_index.h, docs/chunk-index.md), for the known-answer test
(tests/unit/test_cdc.c) and the publisher's test (chunked.sh).

It hashes every byte (no cut-point skipping), tests the mask by n at each
byte (one loop, as the rule is written) and derives the gear table from
SplitMix64 itself, so it checks the C code's shortcuts, not a copy of them.
The data: SplitMix64 from SEED, each word little-endian, LENGTH bytes, or
the file PATH (tests/integration/chunked.sh: the publisher's index of it
must be this one); OUT, when given, receives the index.
Prints the chunk lengths, then the index's length and SHA-256.
"""
import hashlib, struct, sys
M=(1<<64)-1
def sm(seed):
    s=seed
    while True:
        s=(s+0x9e3779b97f4a7c15)&M
        z=s
        z=((z^(z>>30))*0xbf58476d1ce4e5b9)&M
        z=((z^(z>>27))*0x94d049bb133111eb)&M
        yield z^(z>>31)
g=sm(0x6169757064617465); gear=[next(g) for _ in range(256)]
def data(seed,n):
    g=sm(seed); out=bytearray()
    while len(out)<n: out+=struct.pack('<Q',next(g))
    return bytes(out[:n])
MS=0xffff000000000000; ML=0xfffc000000000000
def chunks(b):
    res=[]; fp=0; n=0; start=0
    for i,x in enumerate(b):
        fp=((fp<<1)+gear[x])&M; n+=1
        if n>=16384 and (n>=262144 or (fp&(MS if n<65536 else ML))==0):
            res.append((start,n)); start+=n; fp=0; n=0
    if n: res.append((start,n))
    return res
if sys.argv[1] == '--file':
    with open(sys.argv[2], 'rb') as f:
        b = f.read()
else:
    b = data(int(sys.argv[1]), int(sys.argv[2]))
cs=chunks(b)
print([n for _,n in cs])
idx=bytearray(b'AUCIDX1\n'+struct.pack('>QIIIIB',len(b),len(cs),16384,65536,262144,1)+bytes(31))
for o,n in cs: idx+=struct.pack('>I',n)+hashlib.sha256(b[o:o+n]).digest()
if sys.argv[1] == '--file' and len(sys.argv) > 3:
    with open(sys.argv[3], 'wb') as f:
        f.write(idx)
print(len(idx), hashlib.sha256(idx).hexdigest())

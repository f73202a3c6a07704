#!/usr/bin/env python3
"""png_stats.py PNG: print "colors=N inked=F" for an 8-bit RGB(A) PNG.

colors: distinct pixel colors; inked: the share of pixels that differ
from the most common color (the background). A blank screenshot has one
color and inked=0. Standard library only (zlib), for the report test.
"""
import struct
import sys
import zlib
from collections import Counter


def pixels(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit('not a PNG')
    pos, idat, hdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    w, h, depth, ctype = hdr[:4]
    if depth != 8 or ctype not in (2, 6):
        sys.exit('unsupported PNG (depth %d, color type %d)' % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    prev, out, p = bytearray(stride), [], 0
    for _ in range(h):
        f, line = raw[p], bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        out.append(bytes(line))
        prev = line
    for line in out:
        for i in range(0, stride, bpp):
            yield line[i:i + 3]


counts = Counter(pixels(sys.argv[1]))
total = sum(counts.values())
inked = 1 - counts.most_common(1)[0][1] / total
print('colors=%d inked=%.4f' % (len(counts), inked))

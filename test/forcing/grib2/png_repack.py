#!/usr/bin/python3
"""Fixture tool (run by scripts/make-grib2-fixtures.sh): re-packs simple-packed (5.0) GRIB2 fields as PNG
(template 5.41) with Pillow, an encoder independent of ours that picks PNG row filters adaptively.
ecCodes 2.28 cannot write PNG packing (it aborts), hence this tool.

usage: png_repack.py gray16|rgb24|gray8 IN OUT
  gray16  16-bit grey pixels holding X
  rgb24   24-bit RGB pixels holding X (big-endian over the three channels)
  gray8   8-bit grey pixels holding X >> shift, with E raised by shift (values change: coarser)
"""
import io
import struct
import sys

import numpy as np
from PIL import Image


def sections(msg):
    p = 16
    out = []
    while p < len(msg) - 4:
        (length,) = struct.unpack(">I", msg[p : p + 4])
        out.append(msg[p : p + length])
        p += length
    return out


def signed16(v):
    return -(v & 0x7FFF) if v & 0x8000 else v


def sign_mag16(v):
    return (0x8000 | -v) if v < 0 else v


def repack(msg, mode):
    secs = sections(msg)
    s3 = next(s for s in secs if s[4] == 3)
    s5 = next(s for s in secs if s[4] == 5)
    s6 = next(s for s in secs if s[4] == 6)
    s7 = next(s for s in secs if s[4] == 7)
    (n,) = struct.unpack(">I", s5[5:9])
    (template,) = struct.unpack(">H", s5[9:11])
    assert template == 0, "input must be simple-packed"
    ref = s5[11:15]
    e = signed16(struct.unpack(">H", s5[15:17])[0])
    d = s5[17:19]
    bits = s5[19]
    raw = np.unpackbits(np.frombuffer(s7[5:], dtype=np.uint8))[: n * bits].reshape(n, bits)
    x = raw.astype(np.int64) @ (1 << np.arange(bits - 1, -1, -1, dtype=np.int64))
    ni, nj = struct.unpack(">II", s3[30:38])
    shape = (nj, ni) if s6[5] == 255 else (1, n)
    if mode == "gray16":
        img = Image.fromarray(x.reshape(shape).astype(np.uint16), mode="I;16")
        depth = 16
    elif mode == "rgb24":
        rgb = np.stack([(x >> 16) & 255, (x >> 8) & 255, x & 255], axis=-1).astype(np.uint8)
        img = Image.fromarray(rgb.reshape(shape + (3,)), mode="RGB")
        depth = 24
    elif mode == "gray8":
        shift = max(0, bits - 8)
        img = Image.fromarray((x >> shift).reshape(shape).astype(np.uint8), mode="L")
        e += shift
        depth = 8
    else:
        raise SystemExit(f"unknown mode {mode}")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    png = buf.getvalue()
    new5 = struct.pack(">IBIH", 21, 5, n, 41) + ref + struct.pack(">H", sign_mag16(e)) + d + bytes([depth, 0])
    new7 = struct.pack(">IB", 5 + len(png), 7) + png
    body = b"".join(new5 if s is s5 else new7 if s is s7 else s for s in secs)
    length = 16 + len(body) + 4
    return msg[:8] + struct.pack(">Q", length) + body + b"7777"


def main():
    mode, src, dst = sys.argv[1:4]
    data = open(src, "rb").read()
    out = []
    p = data.find(b"GRIB")
    while p >= 0:
        (length,) = struct.unpack(">Q", data[p + 8 : p + 16])
        out.append(repack(data[p : p + length], mode))
        p = data.find(b"GRIB", p + length)
    open(dst, "wb").write(b"".join(out))


if __name__ == "__main__":
    main()

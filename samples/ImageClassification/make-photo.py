#!/usr/bin/env python3
"""Draws photo.ppm, the sample's test image (an orange on a table, 96x96 RGB, binary PPM)."""
import math

W = H = 96
pixels = bytearray()
for y in range(H):
    for x in range(W):
        r, g, b = (200, 220, 235) if y < 60 else (150, 110, 70)   # wall, table
        d = math.hypot(x - 48, y - 50)
        if d < 26:                                               # the orange, lit from the top left
            light = max(0.0, 1.0 - math.hypot(x - 40, y - 42) / 40)
            r, g, b = int(200 + 55 * light), int(100 + 60 * light), int(10 + 30 * light)
            if (x * 7 + y * 13) % 11 == 0:                       # peel texture
                r, g = r - 20, g - 15
        pixels += bytes((r, g, b))
with open("photo.ppm", "wb") as f:
    f.write(b"P6\n%d %d\n255\n" % (W, H) + bytes(pixels))

#!/usr/bin/env python3
"""Draws figure.ppm: a 192x192 binary PPM (P6) of a person-like figure (head, torso, arms, legs) in
clothes-like colours on a light background, for the PoseEstimation sample. Standard library only."""
import math

W = H = 192
pixels = [[(235, 230, 220) for _ in range(W)] for _ in range(H)]

def disc(cx, cy, r, colour):
    for y in range(max(0, int(cy - r)), min(H, int(cy + r) + 1)):
        for x in range(max(0, int(cx - r)), min(W, int(cx + r) + 1)):
            if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                pixels[y][x] = colour

def limb(x0, y0, x1, y1, width, colour):
    steps = int(math.hypot(x1 - x0, y1 - y0)) + 1
    for i in range(steps + 1):
        t = i / steps
        disc(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, width / 2, colour)

skin, shirt, trousers, hair = (224, 172, 140), (40, 90, 170), (50, 50, 60), (60, 40, 30)
limb(84, 108, 78, 150, 14, trousers); limb(78, 150, 76, 184, 12, trousers)    # left leg
limb(108, 108, 114, 150, 14, trousers); limb(114, 150, 116, 184, 12, trousers)  # right leg
limb(96, 62, 96, 110, 34, shirt)                                                 # torso
limb(80, 62, 60, 88, 11, shirt); limb(60, 88, 52, 114, 9, skin)                  # left arm
limb(112, 62, 132, 88, 11, shirt); limb(132, 88, 140, 114, 9, skin)              # right arm
limb(96, 44, 96, 56, 10, skin)                                                   # neck
disc(96, 32, 15, skin); limb(84, 22, 108, 22, 8, hair)                           # head, hair
disc(90, 31, 1.5, (30, 30, 30)); disc(102, 31, 1.5, (30, 30, 30))                # eyes

with open("figure.ppm", "wb") as f:
    f.write(b"P6\n192 192\n255\n")
    f.write(bytes(c for row in pixels for p in row for c in p))

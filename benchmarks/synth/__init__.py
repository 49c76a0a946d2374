"""Synthetic, labelled driving-license images: made-up holders drawn on cards and photographed in scene tiers.

`dlocr synth` writes a folder in the labelled-data format (benchmarks/labels.py); same seed, same bytes.
"""

GENERATOR_VERSION = "6"
"""Bump when any change alters the generated images or labels, so `make bench` regenerates its cached set."""

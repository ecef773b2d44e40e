"""The GELU channels of all-mpnet-base-v2 whose outputs dwarf the others, per layer.

Why: the int8 graph quantises each activation with one scale per text, and the
FFN output projection's input (the GELU output, 3,072 channels) has a few
channels 10-100x larger than the rest (up to ~100 in layers 6-10 where the
99.9th percentile is ~2): one scale then crushes every other channel, so that
projection stayed fp32, ~45% of the int8 model's CPU. Computing these few
channels apart in fp32 (a 768 x 8 and an 8 x 768 product) and the other 3,064
in int8, as LLM.int8() does, leaves the int8 part a range of ~5-12 and keeps
the vectors as close to fp32 as before (see :func:`litreview.encoders.mpnet.build_graph`).
The papers' int8 graph does so in layers 1-11 (:data:`PAPERS_OUTLIERS`); the
queries' graph keeps the projection whole (why: :mod:`litreview.encoders.mpnet`).

They are a property of the model's weights, not of the texts: the 8 largest
per layer by max |GELU output| over 64 of the bundled sample's abstracts in fp32
(``python -m bench.phase2_speed --calibrate`` recomputes them and says whether
they still match). In layers 6-10 one to four of them carry values of 20-100,
the next largest ~8.
"""

from __future__ import annotations

OUTLIER_CHANNELS: dict[int, tuple[int, ...]] = {
    0: (74, 128, 1459, 1895, 2204, 2662, 2854, 2938),
    1: (707, 752, 887, 1140, 1293, 1320, 1644, 2587),
    2: (96, 935, 982, 1139, 1573, 1669, 1751, 1912),
    3: (522, 587, 1168, 1462, 1829, 2223, 2584, 2792),
    4: (360, 464, 535, 945, 1014, 1060, 1184, 2720),
    5: (520, 1357, 1656, 1747, 1898, 1905, 1977, 2605),
    6: (60, 313, 875, 1043, 1323, 1360, 2635, 2644),
    7: (288, 916, 1505, 1532, 2352, 2476, 2679, 2919),
    8: (120, 255, 471, 529, 680, 1599, 2154, 2325),
    9: (514, 1223, 1490, 1893, 2249, 2281, 2471, 2975),
    10: (263, 795, 1273, 1276, 2549, 2662, 2676, 2779),
    11: (28, 352, 1395, 1853, 1916, 1985, 2764, 2923),
}

# Layer 0 is left out of the papers' graph (``mpnet.PAPERS_GRAPH_NAME``): its 9th largest channel
# is ~10, twice the others' (4-7.5), so 8 apart leave its int8 part the coarsest, and it feeds
# all 11 layers after it. Splitting it alone lost a hard-set paper; every layer but it, none
# (``python -m bench.mpnet_layers``).
PAPERS_SPLIT_LAYERS = tuple(range(1, 12))
PAPERS_OUTLIERS: dict[int, tuple[int, ...]] = {
    layer: OUTLIER_CHANNELS[layer] for layer in PAPERS_SPLIT_LAYERS
}

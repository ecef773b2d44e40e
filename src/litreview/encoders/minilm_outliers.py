"""The GELU channels of all-MiniLM-L6-v2 whose outputs dwarf the others, per layer.

Why: the int8 graph quantises each activation with one scale per text, and each
FFN output projection's input (the GELU output, 1,536 channels) has one or two
channels far larger than the rest (24, 20, 17 and 15, 14 in layers 0-3, where
the next largest is ~5-7): one scale for all would crush the others, so until
``dynamic-v3`` the whole projection stayed fp32, ~27% of the int8 forward pass.
Computing these channels apart in fp32 and the other 1,528 in int8, as
LLM.int8() does (and as MPNet's papers' graph does, :mod:`.mpnet_outliers`),
leaves the int8 part a range of ~5-7 in every layer.

They are a property of the model's weights, not of the texts: the 8 largest per
layer by max |GELU output| over 64 of the bundled sample's abstracts with the
shipped weights in fp32 (``python -m bench.minilm_int8 --calibrate`` recomputes
them and says whether they still match). Eight, not the one or two that stand
out, as MPNet's are: the next six cost nothing (an 8-wide product) and take the
top of the range a text outside the sample might reach.
"""

from __future__ import annotations

OUTLIER_CHANNELS: dict[int, tuple[int, ...]] = {
    0: (329, 433, 829, 856, 1017, 1096, 1170, 1389),
    1: (82, 116, 251, 607, 646, 821, 869, 1200),
    2: (218, 606, 611, 842, 849, 1004, 1166, 1265),
    3: (32, 201, 318, 358, 493, 735, 750, 1506),
    4: (128, 637, 716, 1031, 1089, 1097, 1321, 1357),
    5: (119, 256, 745, 784, 923, 1297, 1300, 1302),
}

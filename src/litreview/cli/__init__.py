"""The command line: one module per command, registered in :mod:`litreview.cli.main`.

Every command imports its heavy dependencies inside the function body so
that ``litreview --help`` never pays for ChromaDB or onnxruntime.
"""

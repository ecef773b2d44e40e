"""Encoders: the ONNX models (MiniLM, MPNet) and the files they come from."""

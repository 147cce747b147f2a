"""Plain-Python foundations: settings, paths, errors, GGUF headers, hardware, memory fit.

Nothing here imports Qt or an ML library.
"""

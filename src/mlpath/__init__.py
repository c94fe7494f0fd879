"""mlpath: a command-line study tracker for learning machine learning on your own."""

__version__ = "0.1.0"

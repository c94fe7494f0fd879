"""mlpath: a command-line study tracker for learning machine learning on your own."""

__version__ = "0.1.0"
VERSION_OPTION = "--version"


def version_line() -> str:
    """What `mlpath --version` prints."""
    return f"mlpath {__version__}"

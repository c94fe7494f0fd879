"""The command groups, one module each; every module holds a Typer app that cli.py merges into one.

A command parses its arguments, calls the core, hands the result to `render` (or to `--json`) and
returns; errors are MlpathError exceptions that cli.py turns into one line on stderr.
"""

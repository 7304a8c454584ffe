"""dap: monitoring of a state anti-corruption programme kept as YAML in Git."""

__version__ = "0.1.0"

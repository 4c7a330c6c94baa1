"""csp-report: a Community Safety Partnership's quarterly board pack from YAML data."""

__version__ = "0.1.0"

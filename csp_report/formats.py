"""The output formats a pack can be built in (a module of its own so the CLI starts fast)."""

FORMATS = ("pdf", "docx", "html")
DEFAULT_FORMATS = ("pdf", "docx")

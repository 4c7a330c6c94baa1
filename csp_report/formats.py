"""The output formats a pack can be built in (a module of its own so the CLI starts fast)."""

FORMATS = ("pdf", "docx", "html", "web")
DEFAULT_FORMATS = ("pdf", "docx")

# The file name's ending per format where it is not the format's name: the web edition is an
# HTML page of its own beside the print HTML (`html`, the page WeasyPrint prints).
EXTENSIONS = {"web": "web.html"}


def extension(fmt: str) -> str:
    """The ending of a pack's file in `fmt`: 'pdf', 'web.html'."""
    return EXTENSIONS.get(fmt, fmt)

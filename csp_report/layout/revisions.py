"""The summary's list of figures revised in this pack's period, with the reasons."""

from __future__ import annotations

from ..compute.measures import ComputedPack
from ..sentences import Sentences
from .document import Heading, Paragraph


def revision_blocks(computed: ComputedPack,
                    sentences: Sentences) -> list[Heading | Paragraph]:
    """'Revised figures': each revision recorded in the pack's period; nothing when none."""
    lines = []
    for measure in computed.measures:
        for figures in measure.current.series:
            if figures.revised is None:
                continue
            line = sentences.revisions(figures)
            lines.append(f"{measure.entry.name}: {line}")
    if not lines:
        return []
    title = sentences.wording("summary", part="revised", scheme="", bad=[])
    return [Heading(title, 3, "summary-revised"),
            *(Paragraph(line, "list") for line in lines)]

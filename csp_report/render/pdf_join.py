"""Join a pack's separately rendered parts into the PDF/UA-1 file one render would have made."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..errors import BuildError
from .pdf import LINK_PREFIX, RenderedPart

# Why pikepdf (qpdf): it copies pages and every object they reach between files and keeps the
# references straight, fast (pdfunite and pypdf's merger drop the structure tree, and pypdf
# took 5 s on the largest pack). What no tool does is done here: one structure tree, one
# ParentTree numbered as WeasyPrint numbers it, the named destinations, the outline, and the
# page furniture laid over each page as tagged content.
Bookmark = tuple[int, str, tuple[float, float], str]


def join_apart(parts: Sequence[RenderedPart], furniture: Sequence[bytes],
               targets: Sequence[str],
               started: Callable[[subprocess.Popen[bytes]], None] | None = None) -> bytes:
    """join() in a fresh Python process: qpdf holds every part's objects and their copies at
    once (about 0.45 MB a page), which a long-lived build process would keep as its own size
    after freeing them; a process of its own gives it all back when it ends. `started` is
    given the process as soon as it runs (so that a failed build can end it)."""
    with subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          start_new_session=True) as process:  # Ctrl-C is the build's
        if started is not None:
            started(process)
        stdout, stderr = process.communicate(
            pickle.dumps((list(parts), list(furniture), list(targets))))
    if process.returncode != 0:
        last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise BuildError(f"joining the parts of a PDF failed: {' '.join(last) or 'no reason'}")
    return stdout


def join(parts: Sequence[RenderedPart], furniture: Sequence[bytes],
         targets: Sequence[str]) -> bytes:
    """One PDF of `parts` (the first holds the cover and contents) with the page furniture of
    `furniture` (documents of as many pages in all) drawn on each page.

    The result has the structure tree, ParentTree, annotations, named destinations and
    outline a single WeasyPrint render of the whole pack has; the contents links of the first
    part (pointing at their own list items there) are pointed at `targets`.
    """
    out = pikepdf.open(io.BytesIO(parts[0].pdf))
    document = out.Root.StructTreeRoot.K[0]
    pages: list[Any] = list(out.pages)
    page_trees: list[Any] = [Array(list(_parent_tree(out)[i])) for i in range(parts[0].pages)]
    annotations: list[tuple[Any, Any]] = _annotations(out, parts[0].pages, out)
    dests = _dests(out, out)
    for part in parts[1:]:
        source = pikepdf.open(io.BytesIO(part.pdf))
        first = len(out.pages)
        for page in source.pages:
            out.pages.append(page)
        pages += list(out.pages)[first:]
        tree = _parent_tree(source)
        # One copy of everything at once: qpdf's copier walks the graph in C++.
        copied = out.copy_foreign(source.make_indirect(Array(
            [Array([tree[i] for i in range(part.pages)]), source.Root.StructTreeRoot.K[0].K])))
        page_trees += list(copied[0])
        for element in copied[1]:
            element.P = document
            document.K.append(element)
        annotations += _annotations(source, part.pages, out)
        dests.update(_dests(source, out))
    _point_contents_links(annotations, targets)
    _lay_over(out, pages, page_trees, [pikepdf.open(io.BytesIO(f)) for f in furniture],
              document)
    _number_parent_tree(out, pages, page_trees, annotations)
    _write_dests(out, dests)
    _write_outline(out, pages, [b for part in parts for b in part.bookmarks])
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _parent_tree(pdf: pikepdf.Pdf) -> dict[int, Any]:
    """The ParentTree's number tree as a dict (WeasyPrint writes one flat /Nums array)."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _annotations(pdf: pikepdf.Pdf, page_count: int, out: pikepdf.Pdf) -> list[tuple[Any, Any]]:
    """(annotation, its structure element) of a part in WeasyPrint's order (by StructParent),
    the annotations as copied into `out` along with their pages."""
    tree = _parent_tree(pdf)
    found = []
    for number, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", Array()):
            if "/StructParent" in annotation:
                found.append((int(annotation.StructParent), number, annotation))
    pairs = []
    for key, _number, annotation in sorted(found, key=lambda item: item[0]):
        if key < page_count:
            raise ValueError("an annotation shares a page's ParentTree key")
        element = tree[key]
        if pdf is not out:
            annotation, element = _copy(out, annotation), _copy(out, element)
        pairs.append((annotation, element))
    return pairs


def _point_contents_links(annotations: list[tuple[Any, Any]], targets: Sequence[str]) -> None:
    for annotation, _element in annotations:
        name = str(annotation.get("/Dest", ""))
        if name.startswith(LINK_PREFIX):
            target = targets[int(name[len(LINK_PREFIX):])]
            annotation.Dest = String(target)
            if "/Contents" in annotation:
                annotation.Contents = String(target)


def _number_parent_tree(out: pikepdf.Pdf, pages: list[Any], page_trees: list[Any],
                        annotations: list[tuple[Any, Any]]) -> None:
    """Number the ParentTree as WeasyPrint does: page N has key N, then the annotations."""
    nums = Array()
    for number, (page, tree) in enumerate(zip(pages, page_trees, strict=True)):
        page.obj.StructParents = number
        nums.append(number)
        nums.append(tree)
    for number, (annotation, element) in enumerate(annotations, start=len(pages)):
        annotation.StructParent = number
        nums.append(number)
        nums.append(element)
    out.Root.StructTreeRoot.ParentTree = out.make_indirect(Dictionary(Nums=nums))


def _lay_over(out: pikepdf.Pdf, pages: list[Any], page_trees: list[Any],
              furniture: list[pikepdf.Pdf], document: Any) -> None:
    """Draw each furniture page over its page as tagged content, as WeasyPrint draws margin
    boxes: after the page's own content, marked with the page's next MCIDs, their structure
    elements parented to the Document but not among its kids."""
    sources = [(pdf, number) for pdf in furniture for number in range(len(pdf.pages))]
    if len(sources) != len(pages):
        raise ValueError(f"{len(sources)} furniture pages for {len(pages)} pages")
    trees = {id(pdf): _parent_tree(pdf) for pdf in furniture}
    names: dict[tuple[int, str], str] = {}
    copied_resources: dict[tuple[int, str, str], Any] = {}
    for number, (page, (pdf, own_number)) in enumerate(zip(pages, sources, strict=True)):
        source = pdf.pages[own_number]
        offset = len(page_trees[number])
        resources = source.obj.get("/Resources", Dictionary())
        for category in sorted(resources.keys()):
            kind = resources[category]
            if not isinstance(kind, Dictionary):
                continue
            target = page.obj.Resources.get(category)
            if target is None:
                page.obj.Resources[category] = Dictionary()
                target = page.obj.Resources[category]
            for name in sorted(kind.keys()):
                new = names.setdefault((id(pdf), name), f"/Furniture{len(names)}")
                key = (id(pdf), category, name)
                if key not in copied_resources:
                    copied_resources[key] = _copy(out, kind[name])
                target[new] = copied_resources[key]
        stream = _renumbered(source, {name: new for (owner, name), new in names.items()
                                      if owner == id(pdf)}, offset)
        original = page.obj.Contents
        parts = list(original) if isinstance(original, Array) else [original]
        content = b"q\n" + b"\n".join(p.read_bytes() for p in parts) + b"\nQ\n" + stream
        page.obj.Contents = out.make_stream(content)
        elements = trees[id(pdf)].get(own_number, Array())
        clones: dict[tuple[int, int], Any] = {}
        for mcid, element in enumerate(elements):
            leaf = _clone(out, element, page.obj, document, clones)
            leaf.K.append(mcid + offset)
            page_trees[number].append(leaf)


def _renumbered(page: pikepdf.Page, names: dict[str, str], offset: int) -> bytes:
    """A furniture page's content with its resources renamed and its MCIDs moved on."""
    instructions: list[Any] = []
    for instruction in pikepdf.parse_content_stream(page):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            instructions.append(instruction)  # an inline image: no names or MCIDs to move
            continue
        new = []
        for operand in instruction.operands:
            if isinstance(operand, Name) and str(operand) in names:
                operand = Name(names[str(operand)])
            elif isinstance(operand, Dictionary) and "/MCID" in operand:
                operand = Dictionary({**{k: operand[k] for k in sorted(operand.keys())},
                                      "/MCID": int(operand.MCID) + offset})
            new.append(operand)
        instructions.append(pikepdf.ContentStreamInstruction(new, instruction.operator))
    return pikepdf.unparse_content_stream(instructions)


def _clone(out: pikepdf.Pdf, element: Any, page: Any, document: Any,
           clones: dict[tuple[int, int], Any]) -> Any:
    """A furniture structure element rebuilt on `page`, its ancestors too; the top one has the
    Document as parent without being one of its kids, as WeasyPrint leaves margin boxes."""
    key = element.objgen
    if key in clones:
        return clones[key]
    parent = element.get("/P")
    clone = out.make_indirect(Dictionary(Type=Name.StructElem, S=element.S, K=Array(),
                                         Pg=page))
    if parent is None or parent.get("/S") == Name.Document or \
            parent.get("/Type") == Name.StructTreeRoot:
        clone.P = document
    else:
        above = _clone(out, parent, page, document, clones)
        clone.P = above
        above.K.append(clone)
    clones[key] = clone
    return clone


def _dests(pdf: pikepdf.Pdf, out: pikepdf.Pdf) -> dict[str, Any]:
    """The part's named destinations (WeasyPrint writes one flat /Names array), copied."""
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    flat = names.Dests.get("/Names", Array())
    found = {}
    for i in range(0, len(flat), 2):
        name = str(flat[i])
        if name.startswith(LINK_PREFIX):
            continue
        found[name] = flat[i + 1] if pdf is out else _copy(out, flat[i + 1])
    return found


def _copy(out: pikepdf.Pdf, value: Any) -> Any:
    """A value of another PDF, copied into `out`: an indirect object whole, a direct array or
    dictionary item by item (qpdf copies only indirect objects)."""
    if isinstance(value, Array) and not value.is_indirect:
        return Array([_copy(out, item) for item in value])
    if isinstance(value, Dictionary) and not value.is_indirect:
        return Dictionary({key: _copy(out, value[key]) for key in sorted(value.keys())})
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    return value


def _write_dests(out: pikepdf.Pdf, dests: dict[str, Any]) -> None:
    flat = Array()
    for name in sorted(dests, key=lambda n: n.encode("utf-8")):
        flat.append(String(name))
        flat.append(dests[name])
    if "/Names" not in out.Root:
        out.Root.Names = Dictionary()
    out.Root.Names.Dests = out.make_indirect(Dictionary(Names=flat))


def _tree(bookmarks: list[tuple[Bookmark, ...]]) -> list[Any]:
    """The outline tree of every page's bookmarks, nested by level as WeasyPrint nests them
    (weasyprint.anchors.make_page_bookmark_tree): a skipped level does not make a depth."""
    root: list[Any] = []
    skipped: list[int] = []
    last_by_depth = [root]
    previous = 0
    for number, marks in enumerate(bookmarks):
        for level, label, (x, y), state in marks:
            if level > previous:
                skipped.append(level - previous - 1)
            else:
                temp = level
                while temp < previous:
                    temp += 1 + skipped.pop()
                if temp > previous:
                    skipped.append(temp - previous - 1)
            previous = level
            depth = level - sum(skipped)
            children: list[Any] = []
            last_by_depth[depth - 1].append((label, (number, x, y), children, state))
            del last_by_depth[depth:]
            last_by_depth.append(children)
    return root


def _write_outline(out: pikepdf.Pdf, pages: list[Any],
                   bookmarks: list[tuple[Bookmark, ...]]) -> None:
    """The outline, written as weasyprint.pdf.anchors.add_outlines writes it."""
    if "/Outlines" in out.Root:
        del out.Root.Outlines
    items, count = _outline_items(out, pages, _tree(bookmarks), None)
    if items:
        outlines = out.make_indirect(Dictionary(Count=count, First=items[0], Last=items[-1]))
        for item in items:
            item.Parent = outlines
        out.Root.Outlines = outlines


def _outline_items(out: pikepdf.Pdf, pages: list[Any], subtrees: list[Any],
                   parent: Any) -> tuple[list[Any], int]:
    count = len(subtrees)
    items: list[Any] = []
    for title, (number, x, y), children, state in subtrees:
        item = out.make_indirect(Dictionary(
            Title=String(title), Dest=Array([pages[number].obj, Name.XYZ, x, y, 0])))
        child_items, child_count = _outline_items(out, pages, children, item)
        item.Count = -child_count if state == "closed" else child_count
        if state != "closed":
            count += child_count
        if items:
            item.Prev = items[-1]
            items[-1].Next = item
        if child_items:
            item.First, item.Last = child_items[0], child_items[-1]
        if parent is not None:
            item.Parent = parent
        items.append(item)
    return items, count


if __name__ == "__main__":  # join_apart's worker: pickled parts in, the PDF out
    import os

    from .pool import die_with_parent

    die_with_parent(os.getppid())  # a build that is killed takes its join with it
    sys.stdout.buffer.write(join(*pickle.load(sys.stdin.buffer)))

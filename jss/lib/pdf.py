"""One PDF made of parts that WeasyPrint lays out on their own, in worker processes when there are several.

WeasyPrint lays out and draws a document in one process, and some of its work on a page grows with the length
of the whole document. A long document made of independent parts (the directory's booklet: front, sections,
index) is faster as parts, and the parts can be laid out side by side: a `PartRenderer` turns each part's
HTML into a PDF, in parallel processes when asked, and tells where the part's anchors, links to other parts
and bookmarks are; `join_parts` joins the PDFs, points each link at the part that has its anchor, makes one
outline of all the bookmarks and labels the pages.

No Django here: the worker processes are started with "spawn" and import only this module, so they hold no
database connection and inherit no thread, lock or Pango state of the web process. They are given HTML and
give back PDF bytes.

The parts of one document share a stylesheet: it is given as CSS text and parsed once per process (with its
fonts), not once per part from a `<style>` in each part's HTML (30 ms and the font files read again, each part).
"""

from __future__ import annotations

import functools
import gc
import io
import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import pikepdf
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

POINTS_PER_PIXEL = 0.75  # CSS pixels are 1/96 inch, PDF points 1/72


@dataclass(frozen=True)
class Place:
    """A point on a page of a part: the page's index in the part (from 0), and x, y in PDF points from the
    page's bottom-left corner."""

    page: int
    x: float
    y: float


@dataclass(frozen=True)
class Link:
    """A link on a page of a part to an anchor that is in another part; `rectangle` in PDF points."""

    page: int
    target: str
    rectangle: tuple[float, float, float, float]


@dataclass(frozen=True)
class Bookmark:
    level: int
    label: str
    place: Place


@dataclass(frozen=True)
class Part:
    """One part as a PDF, with its page count, its anchors (by name; the first of a name counts), its links to
    other parts and its bookmarks, in the order of the pages."""

    pdf: bytes
    page_count: int
    anchors: dict[str, Place]
    links: list[Link]
    bookmarks: list[Bookmark]


@dataclass(frozen=True)
class PageLabels:
    """How a PDF viewer names the pages of a part, to match the printed numbers: numbers in a style after a
    prefix (e.g. "3-"), counted from 1. The style is the PDF's: "D" decimal, "r" lower-case roman."""

    style: str
    prefix: str = ""

    DECIMAL: ClassVar[str] = "D"
    LOWER_ROMAN: ClassVar[str] = "r"


@contextmanager
def cyclic_garbage_collector_paused() -> Iterator[None]:
    """WeasyPrint makes millions of small objects, and Python's cyclic garbage collector walks them over and
    over: a quarter of the time of a long document. It is paused while a document is made; `render_part`
    collects each part's garbage once."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class Stylesheet:
    """A parsed stylesheet and the font configuration its @font-face rules were added to: a part laid out with
    the stylesheet must be laid out with these fonts."""

    fonts: FontConfiguration
    css: list[CSS]


def parse_stylesheet(css: str, *, base_url: str) -> Stylesheet:
    fonts = FontConfiguration()
    return Stylesheet(fonts=fonts, css=[CSS(string=css, base_url=base_url, font_config=fonts)] if css else [])


@functools.lru_cache(maxsize=2)
def _worker_stylesheet(css: str, base_url: str) -> Stylesheet:
    """In a worker process: each stylesheet once, for every part of the document (and of the next one)."""
    return parse_stylesheet(css, base_url=base_url)


def _lay_out_and_draw(html: str, *, base_url: str, stylesheet: Stylesheet) -> Part:
    document = HTML(string=html, base_url=base_url).render(stylesheets=stylesheet.css, font_config=stylesheet.fonts)
    anchors: dict[str, Place] = {}
    bookmarks: list[Bookmark] = []

    links: list[Link] = []

    def place(number: int, x: float, y: float) -> Place:
        height = document.pages[number].height
        return Place(page=number, x=x * POINTS_PER_PIXEL, y=(height - y) * POINTS_PER_PIXEL)

    for number, page in enumerate(document.pages):
        for name, (left, top, _right, _bottom) in page.anchors.items():
            anchors.setdefault(name, place(number, left, top))
        bookmarks += [Bookmark(level, label, place(number, x, y)) for level, label, (x, y), _state in page.bookmarks]
    for number, page in enumerate(document.pages):
        elsewhere = [link for link in page.links if link[0] == "internal" and link[1] not in anchors]
        # WeasyPrint would drop these with an error; `join_parts` points them at the part that has the anchor.
        page.links = [link for link in page.links if link not in elsewhere]
        for _kind, target, (left, top, right, bottom), _box in elsewhere:
            bottom_left, top_right = place(number, left, bottom), place(number, right, top)
            links.append(Link(number, target, (bottom_left.x, bottom_left.y, top_right.x, top_right.y)))
    return Part(
        pdf=document.write_pdf(),
        page_count=len(document.pages),
        anchors=anchors,
        links=links,
        bookmarks=bookmarks,
    )


def render_part(html: str, *, base_url: str, stylesheet: Stylesheet | str = "") -> Part:
    """One part's HTML as a PDF, with a stylesheet parsed already, or as CSS text (in a worker process: parsed
    once for all the parts that come with the same text). WeasyPrint takes the stylesheet as the user's: the UA
    stylesheet gives way to it, and a part's own `<style>` wins over it."""
    if isinstance(stylesheet, str):
        stylesheet = _worker_stylesheet(stylesheet, base_url)
    with cyclic_garbage_collector_paused():
        part = _lay_out_and_draw(html, base_url=base_url, stylesheet=stylesheet)
    # The layout's garbage (WeasyPrint leaves reference cycles), now that the document is gone: the youngest
    # generations only, where the part's objects are, so the older objects are not walked again.
    gc.collect(1)
    return part


def _warm_up() -> None:
    """A worker's first work, before any part: WeasyPrint's imports, fontconfig and Pango, on a line of text."""
    HTML(string="<p>가 A</p>").render()


def _done(part: Part) -> Future[Part]:
    future: Future[Part] = Future()
    future.set_result(part)
    return future


class PartRenderer:
    """Lays out parts: in this process when `workers` is 1, else in that many worker processes, started when
    the renderer is entered so that they import WeasyPrint while the caller still reads its data and writes
    the HTML. `submit` hands over one part's HTML and the CSS text all parts share (in this process the part is
    laid out at once) and returns its future; submit the longest parts first, so that the processes finish
    together."""

    def __init__(self, *, base_url: str, workers: int) -> None:
        self.base_url = base_url
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.stylesheets: dict[str, Stylesheet] = {}  # in this process: each parsed once, for this renderer only

    def __enter__(self) -> PartRenderer:
        if self.workers > 1:
            spawn = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=spawn, initializer=_warm_up)
            for _worker in range(self.workers):  # one process per task submitted to idle ones: all start now
                self.pool.submit(gc.collect, 0)
        return self

    def __exit__(self, *_exception: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def submit(self, html: str, *, stylesheet: str = "") -> Future[Part]:
        if self.pool is None:
            if stylesheet not in self.stylesheets:
                self.stylesheets[stylesheet] = parse_stylesheet(stylesheet, base_url=self.base_url)
            return _done(render_part(html, base_url=self.base_url, stylesheet=self.stylesheets[stylesheet]))
        return self.pool.submit(render_part, html, base_url=self.base_url, stylesheet=stylesheet)


def join_parts(parts: Sequence[Part], *, labels: Sequence[PageLabels]) -> bytes:
    """The parts' pages in one PDF, with the first part's metadata and language, links between parts, one
    outline made of all the parts' bookmarks (shown when the PDF is opened), and each part's page labels.
    With qpdf (pikepdf): it copies 1,000 pages in a quarter of a second, pypdf took four."""
    if len(labels) != len(parts):
        raise ValueError("one PageLabels per part")
    joined = pikepdf.Pdf.new()
    sources = [pikepdf.Pdf.open(io.BytesIO(part.pdf)) for part in parts]  # open until the joined PDF is saved
    try:
        starts = []
        for source in sources:
            starts.append(len(joined.pages))
            joined.pages.extend(source.pages)
        first = sources[0]
        for key, value in first.docinfo.items():
            joined.docinfo[key] = value
        if "/Lang" in first.Root:
            joined.Root.Lang = pikepdf.String(str(first.Root.Lang))

        anchors: dict[str, tuple[int, Place]] = {}
        for start, part in zip(starts, parts, strict=True):
            for name, place in part.anchors.items():
                anchors.setdefault(name, (start + place.page, place))
        for start, part in zip(starts, parts, strict=True):
            for link in part.links:
                if link.target in anchors:
                    page, place = anchors[link.target]
                    destination = pikepdf.make_page_destination(joined, page, "XYZ", left=place.x, top=place.y)
                    annotation = pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=list(link.rectangle),
                        Border=[0, 0, 0], Dest=destination,
                    )  # fmt: skip
                    on = joined.pages[start + link.page].obj
                    if "/Annots" not in on:
                        on.Annots = pikepdf.Array()
                    on.Annots.append(joined.make_indirect(annotation))

        with joined.open_outline() as outline:
            parents: list[tuple[int, pikepdf.OutlineItem]] = []  # the open outline items, by level
            for start, part in zip(starts, parts, strict=True):
                for bookmark in part.bookmarks:
                    while parents and parents[-1][0] >= bookmark.level:
                        parents.pop()
                    item = pikepdf.OutlineItem(
                        bookmark.label, start + bookmark.place.page, "XYZ", left=bookmark.place.x, top=bookmark.place.y
                    )
                    (parents[-1][1].children if parents else outline.root).append(item)
                    parents.append((bookmark.level, item))
        if any(part.bookmarks for part in parts):
            joined.Root.PageMode = pikepdf.Name.UseOutlines

        numbers: list[Any] = []
        for start, part, label in zip(starts, parts, labels, strict=True):
            if part.page_count:
                style = pikepdf.Dictionary(S=pikepdf.Name("/" + label.style))
                if label.prefix:
                    style.P = pikepdf.String(label.prefix)
                numbers += [start, style]
        joined.Root.PageLabels = pikepdf.Dictionary(Nums=numbers)
        output = io.BytesIO()
        joined.save(output)
        return output.getvalue()
    finally:
        for source in sources:
            source.close()

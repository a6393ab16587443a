"""A PostObject body read as it arrives: the form fields in memory (small, bounded), the file part written
straight into the store's directory (a `Spool`) on a worker thread, never held whole and never copied twice.

python-multipart does the parsing (its public `MultipartParser` and callbacks); this module only routes the
parts. Anything it cannot parse, or past the bounds below, is `FormError` (the OSS `MalformedPOSTRequest`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool

from ..domain.files import Spool

MAX_FIELDS = 64
MAX_FIELD_BYTES = 1 << 20  # a form field's value (the policy is a few KB)


class FormError(Exception):
    """The body is not a well-formed multipart/form-data form within the bounds."""


@dataclass
class FilePart:
    """The file part: its form filename, content type and the spool it was written to."""

    filename: str
    content_type: str
    spool: Spool


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    value: bytearray = field(default_factory=bytearray)


@dataclass
class Form:
    """What was read: the text fields and the file part (None when the body had none named `file`)."""

    fields: dict[str, str] = field(default_factory=dict)
    file: FilePart | None = None


async def read_form(chunks: AsyncIterator[bytes], content_type: str, spool: Callable[[], Spool]) -> Form:
    """Read a multipart/form-data body from `chunks`; the part named `file` with a filename goes to a new
    `spool()`. On any failure the spool is discarded and FormError (or the chunks' own error) raised."""
    media, params = parse_options_header(content_type)
    if media == b"application/x-www-form-urlencoded":  # a form with no file (answered "no file field")
        return await _urlencoded(chunks)
    boundary = params.get(b"boundary")
    if not boundary:
        raise FormError("no boundary")
    form = Form()
    events: list[tuple[str, bytes]] = []
    header: list[bytes] = [b"", b""]

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def on_header_end() -> None:
        events.append(("header", header[0].lower() + b"\x00" + header[1]))
        header[0], header[1] = b"", b""

    parser = MultipartParser(boundary, {
        "on_part_begin": lambda: events.append(("begin", b"")),
        "on_part_data": lambda data, start, end: events.append(("data", data[start:end])),
        "on_part_end": lambda: events.append(("end", b"")),
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_headers_finished": lambda: events.append(("headers", b"")),
        "on_end": lambda: events.append(("done", b"")),
    })
    done = False
    part = _Part()
    try:
        async for chunk in chunks:
            try:
                parser.write(chunk)
            except Exception as exc:  # python-multipart's parse errors
                raise FormError(str(exc)) from exc
            pending = bytearray()  # the file data of this network chunk: one write on the worker thread
            for kind, data in events:
                if kind == "begin":
                    part = _Part()
                elif kind == "header":
                    name, _, value = data.partition(b"\x00")
                    part.headers[name] = value
                elif kind == "headers":
                    _start(part, form, spool)
                elif kind == "data":
                    if _is_file(part, form):
                        pending += data
                    elif part.filename is None:
                        part.value += data
                        if len(part.value) > MAX_FIELD_BYTES:
                            raise FormError(f"a field is over {MAX_FIELD_BYTES} bytes")
                elif kind == "end" and part.filename is None:
                    form.fields[part.name] = part.value.decode("utf-8", errors="replace")
                elif kind == "done":
                    done = True
            events.clear()
            if pending and form.file is not None:
                await run_in_threadpool(form.file.spool.write, bytes(pending))
        try:
            parser.finalize()
        except Exception as exc:
            raise FormError(str(exc)) from exc
        if not done:  # the closing boundary never came: a cut body (its file would be truncated)
            raise FormError("the body ended before its closing boundary")
    except BaseException:
        if form.file is not None:
            form.file.spool.discard()
        raise
    return form


async def _urlencoded(chunks: AsyncIterator[bytes]) -> Form:
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > MAX_FIELD_BYTES:
            raise FormError(f"a form without a file over {MAX_FIELD_BYTES} bytes")
    pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
    if len(pairs) > MAX_FIELDS:
        raise FormError(f"more than {MAX_FIELDS} fields")
    return Form(dict(pairs))


def _start(part: _Part, form: Form, spool: Callable[[], Spool]) -> None:
    """The part's headers are in: note its name, and open the spool for the file part."""
    disposition, options = parse_options_header(part.headers.get(b"content-disposition", b""))
    if disposition != b"form-data" or b"name" not in options:
        raise FormError("a part without a form-data name")
    part.name = options[b"name"].decode("utf-8", errors="replace")
    filename = options.get(b"filename")
    if filename is None:
        if len(form.fields) >= MAX_FIELDS:
            raise FormError(f"more than {MAX_FIELDS} fields")
        return
    part.filename = filename.decode("utf-8", errors="replace")
    if form.file is not None:
        raise FormError("more than one file")
    if part.name == "file":
        kind = part.headers.get(b"content-type", b"").decode("latin-1")
        form.file = FilePart(part.filename, kind, spool())


def _is_file(part: _Part, form: Form) -> bool:
    return form.file is not None and part.filename is not None and part.name == "file"

"""Just enough of a PDF reader to test the text of the PDFs WeasyPrint writes.

Reads object streams and Flate streams, maps glyphs back to characters through each font's
ToUnicode CMap, and returns the text of each page in reading order: right-to-left lines are
laid out visually in a PDF, so runs of Arabic are put back in logical order (a ligature such
as lām-alif stays one unit). Not a general PDF parser: no encryption, no other filters.
"""

import re
import unicodedata
import zlib

_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_REF = re.compile(rb"(\d+)\s+0\s+R")


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """{number: (dictionary text, decoded stream or None)} including object streams."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for match in _OBJ.finditer(data):
        start = match.end()
        end = data.find(b"endobj", start)
        body = data[start:end]
        stream = None
        at = body.find(b"stream")
        if at != -1 and body[:at].rstrip().endswith(b">>"):
            header = body[:at]
            raw_start = start + at + len(b"stream")
            raw_start += 2 if data[raw_start : raw_start + 2] == b"\r\n" else 1
            length = re.search(rb"/Length\s+(\d+)(?!\s+0\s+R)", header)
            if length:
                raw = data[raw_start : raw_start + int(length.group(1))]
                end = data.find(b"endobj", raw_start + int(length.group(1)))
            else:
                raw = data[raw_start : data.find(b"endstream", raw_start)]
            stream = zlib.decompress(raw) if b"/FlateDecode" in header else raw
            body = header
        objects[int(match.group(1))] = (body, stream)
    for body, stream in list(objects.values()):
        if stream is not None and b"/ObjStm" in body:
            first = int(re.search(rb"/First\s+(\d+)", body).group(1))
            count = int(re.search(rb"/N\s+(\d+)", body).group(1))
            numbers = [int(n) for n in stream[:first].split()]
            pairs = [(numbers[2 * i], numbers[2 * i + 1]) for i in range(count)]
            for index, (number, offset) in enumerate(pairs):
                stop = pairs[index + 1][1] if index + 1 < count else len(stream) - first
                objects[number] = (stream[first + offset : first + stop], None)
    return objects


def _dict_value(body: bytes, key: bytes) -> bytes | None:
    """The raw value after /Key: a reference, a name, or a balanced << >> / [ ] block."""
    at = re.search(rb"/" + key + rb"(?![A-Za-z])\s*", body)
    if not at:
        return None
    rest = body[at.end() :]
    if rest.startswith(b"<<") or rest.startswith(b"["):
        opening, closing = (b"<<", b">>") if rest.startswith(b"<<") else (b"[", b"]")
        depth, i = 0, 0
        while i < len(rest):
            if rest.startswith(opening, i):
                depth += 1
                i += len(opening)
            elif rest.startswith(closing, i):
                depth -= 1
                i += len(closing)
                if depth == 0:
                    return rest[:i]
            else:
                i += 1
        return rest
    ref = re.match(rb"\d+\s+0\s+R", rest)
    if ref:
        return ref.group(0)
    return re.match(rb"[^\s/<>\[\]]*", rest).group(0)


def _resolve(objects, value: bytes | None) -> bytes:
    if value is None:
        return b""
    ref = _REF.fullmatch(value.strip())
    return objects[int(ref.group(1))][0] if ref else value


def _cmap(stream: bytes) -> dict[bytes, str]:
    mapping: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[bytes.fromhex(src.decode())] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])", block
        ):
            width = len(lo) // 2
            lo_n, hi_n = int(lo, 16), int(hi, 16)
            if dst.startswith(b"["):
                targets = re.findall(rb"<([0-9a-fA-F]+)>", dst)
                for offset, target in enumerate(targets):
                    code = (lo_n + offset).to_bytes(width, "big")
                    mapping[code] = bytes.fromhex(target.decode()).decode("utf-16-be")
            else:
                base = int(dst[1:-1], 16)
                for offset in range(hi_n - lo_n + 1):
                    code = (lo_n + offset).to_bytes(width, "big")
                    mapping[code] = chr(base + offset)
    return mapping


def _fonts(objects, resources: bytes) -> dict[bytes, dict[bytes, str]]:
    fonts = {}
    font_dict = _resolve(objects, _dict_value(resources, b"Font"))
    for name, number in re.findall(rb"/([^\s/<>\[\]]+)\s+(\d+)\s+0\s+R", font_dict):
        body = objects[int(number)][0]
        to_unicode = _dict_value(body, b"ToUnicode")
        ref = _REF.fullmatch(to_unicode.strip()) if to_unicode else None
        fonts[name] = _cmap(objects[int(ref.group(1))][1]) if ref else {}
    return fonts


_NUMBER = re.compile(rb"[-+.\d]+")
_TOKEN = re.compile(
    rb"<([0-9a-fA-F\s]*)>|\((?:\\.|[^\\)])*\)|\[|\]|/[^\s/<>\[\]()]+|[^\s/<>\[\]()]+"
)


def _glyphs(hexstring: bytes, cmap: dict[bytes, str]) -> list[str]:
    raw = bytes.fromhex(hexstring.decode().replace(" ", "").replace("\n", ""))
    width = 2 if any(len(k) == 2 for k in cmap) else 1
    return [cmap.get(raw[i : i + width], "") for i in range(0, len(raw), width)]


def _page_lines(content: bytes, fonts) -> list[tuple[float, list[str]]]:
    """(x where the run starts, its glyphs as text) for each text run of a page."""
    lines: list[tuple[float, list[str]]] = []
    current: list[str] = []
    x = 0.0
    cmap: dict[bytes, str] = {}
    operands: list = []
    for match in _TOKEN.finditer(content):
        token = match.group(0)
        if match.group(1) is not None:
            operands.append(_glyphs(match.group(1), cmap))
        elif token in (b"[", b"]") or token[:1] in (b"/", b"(") or _NUMBER.fullmatch(token):
            operands.append(token)
        else:
            if token == b"Tf" and len(operands) >= 2:
                cmap = fonts.get(operands[-2][1:], {})
            elif token in (b"TJ", b"Tj"):
                for operand in operands:
                    if isinstance(operand, list):
                        current.extend(operand)
            elif token in (b"Tm", b"Td", b"TD", b"T*", b"ET"):
                if current:
                    lines.append((x, current))
                    current = []
                if token == b"Tm" and len(operands) >= 6:
                    x = float(operands[-2])
            operands = []
    if current:
        lines.append((x, current))
    return lines


def _direction(glyph: str) -> str:
    """R for right-to-left letters, L for left-to-right letters and digits, N otherwise."""
    classes = {unicodedata.bidirectional(ch) for ch in glyph}
    if classes & {"R", "AL"}:
        return "R"
    if classes & {"L", "EN", "AN"}:
        return "L"
    return "N"


def _logical(glyphs: list[str]) -> str:
    """A visually ordered line in reading order when it holds right-to-left text: the line
    is read from the right, and runs of left-to-right text (with the spaces and punctuation
    between their words) keep their own order."""
    kinds = [_direction(g) for g in glyphs]
    if "R" not in kinds:
        return "".join(glyphs)
    resolved = []
    for i, kind in enumerate(kinds):
        if kind == "N":
            before = next((k for k in reversed(kinds[:i]) if k != "N"), "R")
            after = next((k for k in kinds[i + 1 :] if k != "N"), "R")
            kind = "L" if before == after == "L" else "R"
        resolved.append(kind)
    runs: list[tuple[str, list[str]]] = []
    for glyph, kind in zip(glyphs, resolved, strict=True):
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(glyph)
        else:
            runs.append((kind, [glyph]))
    return "".join(
        "".join(run) if kind == "L" else "".join(reversed(run)) for kind, run in reversed(runs)
    )


def pdf_runs(data: bytes) -> list[list[tuple[float, str]]]:
    """Per page, each text run as (x where it starts, in CSS pixels from the left; its text
    in reading order)."""
    objects = _objects(data)
    pages = []
    for number in _page_numbers(objects, _pages_root(objects)):
        page = objects[number][0]
        resources = _resolve(objects, _dict_value(page, b"Resources"))
        fonts = _fonts(objects, resources)
        contents = _dict_value(page, b"Contents") or b""
        content = b"\n".join(objects[int(n)][1] or b"" for n in _REF.findall(contents))
        pages.append([(x, _logical(glyphs)) for x, glyphs in _page_lines(content, fonts)])
    return pages


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, one line per text run."""
    return ["\n".join(text for _x, text in runs) for runs in pdf_runs(data)]


def pdf_language(data: bytes) -> str:
    """The document's language as the catalog declares it (/Lang)."""
    objects = _objects(data)
    value = _dict_value(_catalog(objects), b"Lang") or b""
    return value.decode("latin-1").strip("()")


def _catalog(objects) -> bytes:
    return next(body for body, _s in objects.values() if re.search(rb"/Type\s*/Catalog", body))


def _pages_root(objects) -> bytes:
    return _resolve(objects, _dict_value(_catalog(objects), b"Pages"))


def _page_numbers(objects, node: bytes) -> list[int]:
    kids = _dict_value(node, b"Kids") or b""
    numbers = []
    for kid in _REF.findall(kids):
        body = objects[int(kid)][0]
        if re.search(rb"/Type\s*/Pages", body):
            numbers.extend(_page_numbers(objects, body))
        else:
            numbers.append(int(kid))
    return numbers


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))

"""Resource bombs that per-format limits miss (issue 18), made small and byte-exact for the tests and bench/budget.py."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests import docgen

_OFD_NS = "http://www.ofdspec.org/2016"


def write_ofd_composite_bomb(path: Path, levels: int = 7, fanout: int = 10) -> Path:
    """An OFD whose composite graphic unit k places unit k-1 `fanout` times, `levels` deep:
    fanout**levels text objects from ~1.5 KB, no DTD or entity anywhere."""
    units = ['<ofd:CompositeGraphicUnit ID="u0" Width="10" Height="10"><ofd:Content>'
             '<ofd:TextObject ID="t" Boundary="0 0 10 5" Font="1" Size="3"><ofd:TextCode X="0" Y="3">字</ofd:TextCode>'
             '</ofd:TextObject></ofd:Content></ofd:CompositeGraphicUnit>']
    for k in range(1, levels + 1):
        placed = "".join(f'<ofd:CompositeObject ID="c{k}{j}" Boundary="{j} {j} 1 1" ResourceID="u{k - 1}"/>'
                         for j in range(fanout))
        units.append(f'<ofd:CompositeGraphicUnit ID="u{k}" Width="10" Height="10"><ofd:Content>{placed}'
                     '</ofd:Content></ofd:CompositeGraphicUnit>')
    top = "".join(f'<ofd:CompositeObject ID="p{j}" Boundary="{j} {j} 1 1" ResourceID="u{levels}"/>' for j in range(fanout))
    files = {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{_OFD_NS}"><ofd:DocBody><ofd:DocRoot>D/Document.xml</ofd:DocRoot>'
                   "</ofd:DocBody></ofd:OFD>",
        "D/Document.xml": f'<ofd:Document xmlns:ofd="{_OFD_NS}"><ofd:CommonData><ofd:PublicRes>R.xml</ofd:PublicRes>'
                          '</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="P.xml"/></ofd:Pages></ofd:Document>',
        "D/R.xml": f'<ofd:Res xmlns:ofd="{_OFD_NS}"><ofd:CompositeGraphicUnits>{"".join(units)}'
                   "</ofd:CompositeGraphicUnits></ofd:Res>",
        "D/P.xml": f'<ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content><ofd:Layer ID="2">{top}</ofd:Layer></ofd:Content></ofd:Page>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, xml in files.items():
            zf.writestr(name, xml.encode("utf-8"))
    return path


def write_deep_docx(path: Path, depth: int = 3000) -> Path:
    """A real .docx (the seed issue) with one paragraph wrapped in `depth` nested content controls."""
    good = docgen.write_docx(docgen.SEED.read_text("utf-8"), path.with_suffix(".tmp.docx"))
    data = good.read_bytes()
    good.unlink()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    nested = ("<w:sdt><w:sdtContent>" * depth + "<w:p><w:r><w:t>深层内容控件</w:t></w:r></w:p>"
              + "</w:sdtContent></w:sdt>" * depth)
    xml = xml.replace("<w:body>", "<w:body>" + nested, 1)
    path.write_bytes(docgen.rezip(data, {"word/document.xml": xml.encode("utf-8")}))
    return path

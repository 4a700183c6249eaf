"""Real-shaped files whose every metadata field we can reach names the entrant, and a search that looks for
names where they hide: raw bytes, each part of an Office file, a PDF's decoded streams, a PNG's text chunks."""
from __future__ import annotations

import io
import zipfile

import pikepdf
from PIL import Image, PngImagePlugin

NAME = "Zebedee Quorn"
EMAIL = "zebedee@secret-creator.example.org"
COMPANY = "Quornwell Social Enterprise"
SECRETS = ("Zebedee", "Quorn", "secret-creator", "Quornwell", "zquorn")
CONTENT = "Our plan for fewer lonely evenings"  # what the entry says: this must survive cleaning

ARTIST, COPYRIGHT, DESCRIPTION, MAKE, SOFTWARE, USER_COMMENT = 0x013B, 0x8298, 0x010E, 0x010F, 0x0131, 0x9286
ORIENTATION = 0x0112


def _exif(extra: dict | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ARTIST] = NAME
    exif[COPYRIGHT] = f"(c) {COMPANY}"
    exif[DESCRIPTION] = f"Photo by {NAME}"
    exif[SOFTWARE] = f"{NAME}'s laptop"
    for key, value in (extra or {}).items():
        exif[key] = value
    return exif


def _xmp() -> bytes:
    return (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{NAME}</dc:creator>'
            f'</rdf:Description></rdf:RDF></x:xmpmeta>').encode()


def jpeg(orientation: int = 1) -> bytes:
    picture = Image.new("RGB", (40, 20), (200, 30, 30))
    picture.paste((20, 20, 200), (0, 0, 10, 20))  # a blue band on the left, to tell rotations apart
    buf = io.BytesIO()
    picture.save(buf, "JPEG", quality=90, exif=_exif({ORIENTATION: orientation}), comment=f"By {NAME}".encode(),
                 xmp=_xmp())
    return buf.getvalue()


def png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", NAME)
    info.add_text("Copyright", COMPANY, zip=True)  # zTXt: compressed, so a byte search alone would miss it
    info.add_itxt("Description", f"Drawn by {NAME}", lang="en", tkey="Description")
    info.add_itxt("XML:com.adobe.xmp", _xmp().decode())
    buf = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 128, 0, 128)).save(buf, "PNG", pnginfo=info, exif=_exif())
    return buf.getvalue()


def pdf() -> bytes:
    doc = pikepdf.new()
    doc.add_blank_page(page_size=(200, 200))
    page = doc.pages[0]
    font = doc.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = doc.make_stream(f"BT /F1 10 Tf 10 100 Td ({CONTENT}) Tj ET".encode())
    page.obj.Annots = doc.make_indirect(pikepdf.Array([doc.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[10, 10, 30, 30], T=NAME,
        Contents=pikepdf.String("Check the budget")))]))
    page.obj.Metadata = doc.make_stream(_xmp())  # a page-level XMP packet, as some editors write
    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:creator"] = [NAME]
        meta["xmp:CreatorTool"] = f"{COMPANY} template"
        meta["pdf:Producer"] = f"{NAME}'s PDF printer"
    doc.docinfo["/Author"] = NAME
    doc.docinfo["/Creator"] = f"Word for {COMPANY}"
    doc.docinfo["/Producer"] = f"{NAME}'s PDF printer"
    doc.docinfo["/Title"] = f"Plan by {NAME}"
    doc.docinfo["/Subject"] = EMAIL
    doc.docinfo["/Keywords"] = "QuornZQ"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


_TYPES = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}
_CORE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Plan by {NAME}</dc:title>
<dc:creator>{NAME}</dc:creator><cp:lastModifiedBy>{NAME}</cp:lastModifiedBy><cp:keywords>QuornZQ</cp:keywords>
<dc:description>{EMAIL}</dc:description><cp:revision>3</cp:revision>
<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-01T09:00:00Z</dcterms:created></cp:coreProperties>"""
_APP = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
 xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Template>C:\\Users\\zquorn\\Normal.dotm</Template>
<TotalTime>42</TotalTime><Application>Microsoft Office Word</Application><Company>{COMPANY}</Company>
<Manager>{NAME}</Manager><HyperlinkBase>https://secret-creator.example.org/</HyperlinkBase></Properties>"""
_CUSTOM = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
 xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property
 fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="Owner"><vt:lpwstr>{NAME}</vt:lpwstr></property></Properties>"""

_PARTS = {
    "docx": {
        "word/document.xml": f"""<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>{CONTENT}</w:t></w:r></w:p><w:p><w:ins w:id="1" w:author="{NAME}" w:date="2026-11-02T10:00:00Z">
<w:r><w:t>Added later.</w:t></w:r></w:ins></w:p></w:body></w:document>""",
        "word/comments.xml": f"""<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:comment w:id="0" w:author="{NAME}" w:initials="QuornZQ"><w:p><w:r><w:t>Tighten this.</w:t></w:r></w:p></w:comment></w:comments>""",
        "word/people.xml": f"""<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person
 w15:author="{NAME}"><w15:presenceInfo w15:providerId="AD" w15:userId="{EMAIL}"/></w15:person></w15:people>""",
        "word/media/image1.jpeg": None,  # a photograph with EXIF, as phones take them
        "word/_rels/settings.xml.rels": """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
 Target="file:///C:\\Users\\zquorn\\Templates\\Normal.dotm" TargetMode="External"/></Relationships>""",
    },
    "xlsx": {
        "xl/workbook.xml": f"""<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"><fileSharing userName="{NAME}"/>
<x15ac:absPath url="C:\\Users\\zquorn\\Documents\\"/><sheets><sheet name="Budget" sheetId="1"/></sheets></workbook>""",
        "xl/sharedStrings.xml": f"""<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{CONTENT}</t></si></sst>""",
        "xl/comments1.xml": f"""<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors>
<author>{NAME}</author></authors><commentList/></comments>""",
        "xl/persons/person.xml": f"""<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">
<person displayName="{NAME}" id="{{1}}" userId="{EMAIL}" providerId="AD"/></personList>""",
    },
    "pptx": {
        "ppt/presentation.xml": """<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>""",
        "ppt/slides/slide1.xml": f"""<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:t>{CONTENT}</a:t></p:sld>""",
        "ppt/commentAuthors.xml": f"""<p:cmAuthorLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">
<p:cmAuthor id="1" name="{NAME}" initials="QuornZQ" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>""",
        "ppt/authors.xml": f"""<p188:authorLst xmlns:p188="http://schemas.microsoft.com/office/powerpoint/2018/8/main">
<p188:author id="{{1}}" name="{NAME}" initials="QuornZQ" userId="{EMAIL}" providerId="AD"/></p188:authorLst>""",
    },
}


def office(kind: str) -> bytes:
    main, content_type = _TYPES[kind]
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             f'content-types"><Default Extension="jpeg" ContentType="image/jpeg"/>'
             f'<Override PartName="/{main}" ContentType="{content_type}"/></Types>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", "<Relationships/>")
        zf.writestr("docProps/core.xml", _CORE)
        zf.writestr("docProps/app.xml", _APP)
        zf.writestr("docProps/custom.xml", _CUSTOM)
        for name, text in _PARTS[kind].items():
            zf.writestr(name, jpeg() if text is None else text)
    return buf.getvalue()


def archive() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("plan.pdf", pdf())
    return buf.getvalue()


FILES = {"plan.pdf": pdf, "report.docx": lambda: office("docx"), "budget.xlsx": lambda: office("xlsx"),
         "deck.pptx": lambda: office("pptx"), "photo.jpg": jpeg, "drawing.png": png}


# --- looking for the names ------------------------------------------------------------------------------

def readable_texts(data: bytes) -> list[bytes]:
    """The file's bytes and every place a name could hide in a compressed form."""
    texts = [data]
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                texts += readable_texts(zf.read(info))
    elif data.startswith(b"%PDF"):
        with pikepdf.open(io.BytesIO(data)) as doc:
            buf = io.BytesIO()
            doc.save(buf, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.generalized)
            texts.append(buf.getvalue())
            texts += [str(value).encode("utf-8") for value in doc.docinfo.values()] if "/Info" in doc.trailer else []
    elif data.startswith((b"\x89PNG", b"\xff\xd8")):
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            texts += [repr(im.info).encode(), repr(dict(im.getexif())).encode()]
            texts += [repr(getattr(im, "text", {})).encode()]
    return texts


def names_in(data: bytes) -> list[str]:
    """Which of the entrant's names, initials, mailbox or organisation the file still carries."""
    found = set()
    for text in readable_texts(data):
        for secret in SECRETS:
            for encoded in (secret.encode(), secret.encode("utf-16-be"), secret.encode("utf-16-le")):
                if encoded.lower() in text.lower():
                    found.add(secret)
    return sorted(found)

"""The XML namespaces, relationship types and content types of a Word package, defined once.

Element names are written in Clark notation (``W + "p"`` is ``{...wordprocessingml/2006/main}p``), the form
lxml uses, so no code needs a prefix map to find an element.
"""

from __future__ import annotations

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"
XML_NS = "http://www.w3.org/XML/1998/namespace"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"  # a .rels part
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"  # [Content_Types].xml
CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
STRICT_PREFIX = "{http://purl.oclc.org/ooxml/"  # the root tag of a part saved as Strict Open XML

W, R, M, WP, A, PIC = (f"{{{ns}}}" for ns in (W_NS, R_NS, M_NS, WP_NS, A_NS, PIC_NS))
PKG_REL, CT = (f"{{{ns}}}" for ns in (PKG_REL_NS, CT_NS))
XML_SPACE = f"{{{XML_NS}}}space"
W_VAL = W + "val"
R_ID = R + "id"

# relationship types (ECMA-376 part 1, 15.2; part 2, 9.3)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL_OFFICE_DOCUMENT = REL + "officeDocument"
REL_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/"  # the same types in Strict Open XML
REL_STRICT_OFFICE_DOCUMENT = REL_STRICT + "officeDocument"
REL_CUSTOM_XML = REL + "customXml"
REL_CUSTOM_XML_PROPS = REL + "customXmlProps"

# content types
CT_CUSTOM_XML_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"

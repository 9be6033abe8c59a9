"""PDF adapters: the daily paperwork packet and the schedule PDFs (ReportLab, xhtml2pdf, pypdf)."""

from integrations.pdf.packet import PdfPacketRenderer
from integrations.pdf.template_files import ShippedTemplate, shipped_templates

__all__ = ["PdfPacketRenderer", "ShippedTemplate", "shipped_templates"]

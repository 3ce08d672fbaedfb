"""附件 (attachments): upload, list and download files of inquiries, within the limits of config.yaml."""

from gateway.services.attachments.outbound import AttachmentMessages
from gateway.services.attachments.service import AttachmentService, AttachmentSnapshot, Download

__all__ = ["AttachmentMessages", "AttachmentService", "AttachmentSnapshot", "Download"]

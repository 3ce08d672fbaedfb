"""S3-compatible object storage for attachments' bytes, when several gateway instances share them."""

from adapters.objectstore.s3 import S3BlobStore

__all__ = ["S3BlobStore"]

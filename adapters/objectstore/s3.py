"""The blob store over S3-compatible object storage (boto3): one object per SHA-256 under a prefix.

Any S3-compatible service will do (MinIO, Ceph RGW, a cloud's object storage); the tests run it against
moto's server mode. Credentials come from boto3's own environment variables (AWS_ACCESS_KEY_ID, …).
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from gateway.domain.attachments import sha256_of

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3BlobStore:
    """Content-addressed objects: a file sent twice is uploaded once."""

    def __init__(self, client: Any, bucket: str, prefix: str = "attachments/") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix

    @classmethod
    def connect(
        cls, bucket: str, *, endpoint_url: str | None, region: str, prefix: str = "attachments/"
    ) -> S3BlobStore:
        """A store over a new boto3 client (timeouts and retries bounded, path-style addressing)."""
        config = Config(
            connect_timeout=3.05,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            s3={"addressing_style": "path"},
        )
        client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)
        return cls(client, bucket, prefix)

    def _key(self, sha256: str) -> str:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise KeyError(sha256)
        return f"{self.prefix}{sha256[:2]}/{sha256}"

    def put(self, sha256: str, content: bytes, media_type: str) -> bool:
        """Upload the content under its digest unless it is there already."""
        if sha256_of(content) != sha256:
            raise ValueError("the content does not match its SHA-256")
        if self.has(sha256):
            return False
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(sha256),
            Body=content,
            ContentType=media_type,
            Metadata={"sha256": sha256},
        )
        return True

    def get(self, sha256: str) -> bytes:
        """The object's bytes; KeyError if there is none."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in _MISSING:
                raise KeyError(sha256) from None
            raise
        body: bytes = answer["Body"].read()
        return body

    def has(self, sha256: str) -> bool:
        """True if the object exists."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True

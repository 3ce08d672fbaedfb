"""S3-compatible object storage for tests: moto's server mode on a free port, over real HTTP, started once
per session like the simulators; each test gets a bucket of its own and boto3's credentials."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

REGION = "cn-north-1"


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The endpoint URL of a moto server (S3 and the rest of moto's services) on 127.0.0.1."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass(frozen=True)
class S3Bucket:
    endpoint_url: str
    name: str

    def client(self) -> object:
        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=REGION)

    def keys(self) -> list[str]:
        """Every object key in the bucket."""
        listed = self.client().list_objects_v2(Bucket=self.name)  # type: ignore[attr-defined]
        return sorted(o["Key"] for o in listed.get("Contents", []))


@pytest.fixture
def s3_bucket(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> S3Bucket:
    """A fresh bucket on the moto server; boto3 finds its (fake) credentials in the environment."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "gateway-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "gateway-test-secret")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    bucket = S3Bucket(moto_server, f"attachments-{uuid.uuid4().hex[:12]}")
    bucket.client().create_bucket(  # type: ignore[attr-defined]
        Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return bucket

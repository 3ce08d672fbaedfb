"""The blob store port (gateway.domain.attachments.BlobStore) over both stores: files under a directory,
and S3 storage through boto3 against moto's server over real HTTP. Same contract, same tests."""

from __future__ import annotations

import dataclasses
import io

import pytest

from adapters.objectstore import S3BlobStore
from gateway import create_app
from gateway.domain.attachments import BlobStore, sha256_of
from gateway.persistence.blobs import FileBlobStore
from tests.attachment_samples import mp3, png
from tests.conftest import inquiry_payload, settings_for
from tests.s3 import REGION


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path) -> BlobStore:
    if request.param == "filesystem":
        return FileBlobStore(tmp_path / "blobs")
    bucket = request.getfixturevalue("s3_bucket")
    return S3BlobStore.connect(bucket.name, endpoint_url=bucket.endpoint_url, region=REGION)


def test_content_is_kept_once_under_its_sha256(store):
    content = png(1)
    digest = sha256_of(content)
    assert not store.has(digest)
    assert store.put(digest, content, "image/png") is True
    assert store.put(digest, content, "image/png") is False  # sent twice, stored once
    assert store.has(digest) and store.get(digest) == content


def test_missing_content_and_a_wrong_digest(store):
    with pytest.raises(KeyError):
        store.get("0" * 64)
    with pytest.raises(KeyError):
        store.get("../../etc/passwd")  # only a digest names content
    with pytest.raises(ValueError):
        store.put(sha256_of(b"other"), png(2), "image/png")
    assert not store.has(sha256_of(png(2)))


def test_the_filesystem_store_lays_files_out_by_digest(tmp_path):
    store = FileBlobStore(tmp_path)
    digest = sha256_of(mp3())
    store.put(digest, mp3(), "audio/mpeg")
    assert (tmp_path / digest[:2] / digest[2:4] / digest).read_bytes() == mp3()
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [digest]  # no temporary file left


def test_the_gateway_on_s3_stores_a_file_sent_twice_once(db_url, tmp_path, s3_bucket, clock):
    """The whole API over S3 storage, as several instances would run it (storage: s3 in config.yaml)."""
    settings = settings_for(db_url)
    policy = dataclasses.replace(
        settings.attachments, storage="s3", s3_bucket=s3_bucket.name, s3_endpoint_url=s3_bucket.endpoint_url
    )
    app = create_app(dataclasses.replace(settings, attachments=policy), clock=clock, TESTING=True)
    try:
        services = app.extensions["gateway"]
        _, key = services.keys.create("话务员", "operator")
        headers = {"Authorization": f"Bearer {key}"}
        client = app.test_client()
        inquiry = client.post("/api/v1/inquiries", json=inquiry_payload(), headers=headers).get_json()["id"]
        made = []
        for name in ("first.png", "again.png"):
            response = client.post(
                f"/api/v1/inquiries/{inquiry}/attachments",
                data={"files": [(io.BytesIO(png(7)), name)]},
                headers=headers,
            )
            assert response.status_code == 201, response.get_json()
            made.extend(response.get_json())
        digest = sha256_of(png(7))
        assert [a["sha256"] for a in made] == [digest, digest]
        assert s3_bucket.keys() == [f"attachments/{digest[:2]}/{digest}"]
        got = client.get(f"/api/v1/inquiries/{inquiry}/attachments/{made[1]['id']}/content", headers=headers)
        assert got.status_code == 200 and got.data == png(7)
    finally:
        app.extensions["gateway"].close()

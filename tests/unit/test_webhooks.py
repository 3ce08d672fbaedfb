from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from adapters.base.webhooks import SignatureError, new_secret, sign, verify

BODY = '{"msgId":"LY1","content":"你好"}'.encode()
NOW = 1_790_000_000


def headers(secrets, webhook_id="msg_1", timestamp=NOW, body=BODY):
    return sign(secrets, webhook_id, timestamp, body).as_dict()


def test_signature_is_hmac_sha256_over_id_timestamp_body():
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef0123").decode()
    expected = base64.b64encode(
        hmac.new(
            b"0123456789abcdef0123", b"msg_1." + str(NOW).encode() + b"." + BODY, hashlib.sha256
        ).digest()
    ).decode()
    assert headers([secret])["webhook-signature"] == f"v1,{expected}"


def test_rotation_accepts_either_secret_and_senders_may_sign_with_both():
    old, new = new_secret(), new_secret()
    assert verify([old, new], headers([old]), BODY, NOW) == "msg_1"
    assert verify([old, new], headers([new]), BODY, NOW) == "msg_1"
    assert verify([new], headers([old, new]), BODY, NOW) == "msg_1"
    with pytest.raises(SignatureError, match="no valid signature"):
        verify([new], headers([old]), BODY, NOW)


@pytest.mark.parametrize("skew", [-301, 301])
def test_timestamps_more_than_five_minutes_off_are_refused(skew):
    secret = new_secret()
    with pytest.raises(SignatureError, match="tolerance"):
        verify([secret], headers([secret], timestamp=NOW + skew), BODY, NOW)
    assert verify([secret], headers([secret], timestamp=NOW + skew // 2), BODY, NOW) == "msg_1"


def test_tampering_and_missing_headers_are_refused():
    secret = new_secret()
    signed = headers([secret])
    with pytest.raises(SignatureError):
        verify([secret], signed, BODY + b" ", NOW)
    with pytest.raises(SignatureError):
        verify([secret], {**signed, "webhook-id": "msg_2"}, BODY, NOW)
    with pytest.raises(SignatureError, match="missing"):
        verify([secret], {k: v for k, v in signed.items() if k != "webhook-signature"}, BODY, NOW)
    with pytest.raises(SignatureError, match="not an integer"):
        verify([secret], {**signed, "webhook-timestamp": "soon"}, BODY, NOW)

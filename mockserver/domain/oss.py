"""Names the twin's OSS side shares: the bucket, the upload path, the scheme, the (fake) access key id."""

from __future__ import annotations

OSS_SCHEME = "oss://"
UPLOAD_PATH = "/__oss/upload"
BUCKET = "dashscope-file-mgr"
ACCESS_KEY_ID = "mock-access-key"  # never an LTAI... id: the mock has no real credentials

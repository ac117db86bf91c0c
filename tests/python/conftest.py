"""Shared fixtures. BOTO_DISABLE_CRT must be set before botocore is imported anywhere: with
awscrt installed botocore would otherwise switch to the CRT signer (other query order, and it
ignores a patched clock)."""

import json
import os
import pathlib

os.environ["BOTO_DISABLE_CRT"] = "true"
ROOT = pathlib.Path(__file__).resolve().parents[2]
# hypothesis's example database and caches go to the git-ignored .venv, not the work tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(ROOT / ".venv" / "hypothesis"))

import pytest  # noqa: E402

VECTORS = json.loads((ROOT / "tests" / "vectors" / "sigv4.json").read_text(encoding="utf-8"))

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def creds():
    from presigner import Credentials

    return Credentials(AKID, SECRET)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No AWS variables and an empty home: credential/region lookups find nothing."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path

"""The twin's local certificate authority: created once per folder, reused across restarts, key readable by the
owner only; it signs the leaf certificate the TLS listener and the proxy present for the service's host names.

Made with `cryptography` (no `openssl` subprocess). One process at a time makes it (a lock directory), and the
certificate goes into place last, so parallel processes (xdist workers, two `serve`s) end up sharing one CA.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import shutil
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CA_DIR_ENV = "DASHSCOPE_MOCK_CA_DIR"
CA_CERT, CA_KEY, BUNDLE = "ca.pem", "ca-key.pem", "bundle.pem"
_CA_DAYS = 3650
_LEAF_DAYS = 90
_CREATE_WAIT_S = 10.0  # how long a process waits for another that is making the CA
_RENEW_BEFORE = datetime.timedelta(days=7)  # a leaf this close to its end is made again
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def default_ca_dir(data_dir: Path | None = None) -> Path:
    """Where the CA lives: $DASHSCOPE_MOCK_CA_DIR, else `<data_dir>/ca`, else the user's cache dir."""
    if os.environ.get(CA_DIR_ENV):
        return Path(os.environ[CA_DIR_ENV]).expanduser()
    if data_dir is not None:
        return data_dir / "ca"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser() / "dashscope-mock" / "ca"


def _write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` readable by the owner only (0600 from creation: never briefly wider)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(path, 0o600)  # O_CREAT's mode is cut by the umask, and an existing file keeps its mode


def _system_roots() -> bytes:
    """The system's trusted roots (OpenSSL's default file, else certifi's), for a bundle that still trusts the
    rest of the internet; empty when neither is found."""
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.openssl_cafile):
        if candidate and os.path.isfile(candidate):
            return Path(candidate).read_bytes()
    try:
        import certifi
    except ImportError:
        return b""
    return Path(certifi.where()).read_bytes()


@dataclass(frozen=True)
class Leaf:
    """A server certificate (with the CA after it) and its private key, as files uvicorn and ssl load."""

    cert_path: Path
    key_path: Path
    names: tuple[str, ...]


class LocalCA:
    """A CA in `folder`: `ca.pem`, `ca-key.pem` (0600), `bundle.pem` (the CA plus the system roots), leaves."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def cert_path(self) -> Path:
        """The CA certificate (PEM): what clients trust."""
        return self.folder / CA_CERT

    @property
    def key_path(self) -> Path:
        """The CA's private key (PEM, mode 0600)."""
        return self.folder / CA_KEY

    @property
    def bundle_path(self) -> Path:
        """The CA certificate followed by the system's roots: for variables that replace the trust store."""
        return self.folder / BUNDLE

    @classmethod
    def load_or_create(cls, folder: Path) -> LocalCA:
        """The CA in `folder` (which may already hold other files), created there first if it has none; OSError
        when the folder cannot be written."""
        ca = cls(folder)
        if ca.complete():
            return ca
        if not folder.is_dir():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock = folder / ".creating"
        try:
            lock.mkdir()  # atomic: exactly one process makes the CA, the others wait for it
        except FileExistsError:
            deadline = time.monotonic() + _CREATE_WAIT_S
            while not ca.complete():
                if time.monotonic() > deadline:
                    raise OSError(f"another process has been making the CA in {folder} for {_CREATE_WAIT_S:.0f} s; "
                                  f"if none is, remove {lock}") from None
                time.sleep(0.02)
            return ca
        try:
            if not ca.complete():
                cert, key = _new_ca()
                _write_private(lock / CA_KEY, key)
                (lock / BUNDLE).write_bytes(cert + b"\n" + _system_roots())
                (lock / CA_CERT).write_bytes(cert)
                for name in (CA_KEY, BUNDLE, CA_CERT):  # the certificate last: its presence says "complete"
                    os.replace(lock / name, folder / name)
        finally:
            shutil.rmtree(lock, ignore_errors=True)
        return ca

    def complete(self) -> bool:
        """Whether the folder holds a whole CA (key, bundle and certificate)."""
        return self.cert_path.is_file() and self.key_path.is_file() and self.bundle_path.is_file()

    def env(self) -> dict[str, str]:
        """The variables that make the common clients trust this CA."""
        bundle = str(self.bundle_path)
        return {"SSL_CERT_FILE": bundle, "REQUESTS_CA_BUNDLE": bundle, "CURL_CA_BUNDLE": bundle,
                "NODE_EXTRA_CA_CERTS": str(self.cert_path)}

    def leaf(self, names: Iterable[str]) -> Leaf:
        """A leaf certificate for `names` (DNS names or IP addresses) signed by this CA: the one already made for
        exactly these names while it is valid for a week more, else a new one."""
        wanted = tuple(sorted({n.lower().rstrip(".") for n in names if n}))
        tag = hashlib.sha256("\n".join(wanted).encode() + self.cert_path.read_bytes()).hexdigest()[:12]
        leaf = Leaf(self.folder / f"leaf-{tag}.pem", self.folder / f"leaf-{tag}-key.pem", wanted)
        if leaf.cert_path.is_file() and leaf.key_path.is_file() and _still_valid(leaf.cert_path.read_bytes()):
            return leaf
        cert, key = _new_leaf(self.cert_path.read_bytes(), self.key_path.read_bytes(), wanted)
        # each file replaced atomically: a process reading them meanwhile gets the old pair or the new one
        key_tmp = leaf.key_path.with_suffix(f".{os.getpid()}.tmp")
        _write_private(key_tmp, key)
        cert_tmp = leaf.cert_path.with_suffix(f".{os.getpid()}.tmp")
        cert_tmp.write_bytes(cert)
        os.replace(key_tmp, leaf.key_path)
        os.replace(cert_tmp, leaf.cert_path)
        return leaf

    def client_context(self) -> ssl.SSLContext:
        """A client SSL context that trusts this CA only (and checks host names)."""
        return ssl.create_default_context(cafile=str(self.cert_path))


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _still_valid(pem: bytes) -> bool:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificates(pem)[0]
    except ValueError:
        return False
    return cert.not_valid_after_utc - _RENEW_BEFORE > _now()


def _new_ca() -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM) of a new CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dashscope-mock"),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"dashscope-mock local CA {os.urandom(4).hex()}")])
    now = _now()
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=_CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def _new_leaf(ca_pem: bytes, ca_key_pem: bytes, names: tuple[str, ...]) -> tuple[bytes, bytes]:
    """(certificate chain PEM, key PEM) of a server certificate for `names`, signed by the CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca = x509.load_pem_x509_certificate(ca_pem)
    ca_key = serialization.load_pem_private_key(ca_key_pem, password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise ValueError("the CA key is not an EC key made by dashscope-mock")
    key = ec.generate_private_key(ec.SECP256R1())
    sans: list[x509.GeneralName] = []
    for n in names:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            sans.append(x509.DNSName(n))
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0] if names else "dashscope-mock")]))
        .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=_LEAF_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM) + ca_pem, key_pem

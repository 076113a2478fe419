# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A test PKI made at test time: a root and an intermediate CA (standing
for the NCA RK), user certificates valid, expired and revoked, a
certificate of an unknown root, the CRLs of both CAs, and CMS signatures
made with the users' keys (as NCALayer makes them)."""
import datetime as dt
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# The certificate policies NCA RK puts in certificates of individuals and
# of employees of legal entities
INDIVIDUAL = '1.2.398.3.3.4.1.1'
LEGAL_ENTITY = '1.2.398.3.3.4.1.2'


def _now():
    return dt.datetime.now(dt.timezone.utc)


def _key():
    # P-256: quick to make; the verifier takes RSA the same way
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name, iin=None, bin_=None):
    attributes = [
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.COUNTRY_NAME, 'KZ'),
        ]
    if iin:
        attributes.append(
            x509.NameAttribute(NameOID.SERIAL_NUMBER, 'IIN' + iin))
    if bin_:
        attributes.append(x509.NameAttribute(
                NameOID.ORGANIZATIONAL_UNIT_NAME, 'BIN' + bin_))
    return x509.Name(attributes)


class Authority:
    "A certification authority with its key, certificate and CRL"

    def __init__(self, name, issuer=None, not_before=None, not_after=None):
        self.key = _key()
        now = _now()
        subject = _name(name)
        builder = (x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.certificate.subject if issuer else subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - dt.timedelta(days=365))
            .not_valid_after(not_after or now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(
                    ca=True, path_length=None if issuer is None else 0),
                critical=True)
            .add_extension(x509.KeyUsage(
                    digital_signature=False, content_commitment=False,
                    key_encipherment=False, data_encipherment=False,
                    key_agreement=False, key_cert_sign=True, crl_sign=True,
                    encipher_only=False, decipher_only=False),
                critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                    self.key.public_key()), critical=False))
        if issuer:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    issuer.key.public_key()), critical=False)
        self.certificate = builder.sign(
            issuer.key if issuer else self.key, hashes.SHA256())
        self.revoked = []
        self.issued = {}

    def issue(self, common_name, iin, bin_=None, not_before=None,
            not_after=None, purpose='authentication'):
        "Return a User with a certificate of this authority"
        key = _key()
        now = _now()
        if purpose == 'authentication':
            usage = dict(digital_signature=True, content_commitment=False,
                key_encipherment=True)
            extended = [ExtendedKeyUsageOID.CLIENT_AUTH]
        else:
            usage = dict(digital_signature=True, content_commitment=True,
                key_encipherment=False)
            extended = [ExtendedKeyUsageOID.EMAIL_PROTECTION]
        policy = LEGAL_ENTITY if bin_ else INDIVIDUAL
        certificate = (x509.CertificateBuilder()
            .subject_name(_name(common_name, iin, bin_))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - dt.timedelta(days=30))
            .not_valid_after(not_after or now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(
                    ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                    data_encipherment=False, key_agreement=False,
                    key_cert_sign=False, crl_sign=False, encipher_only=False,
                    decipher_only=False, **usage), critical=True)
            .add_extension(x509.ExtendedKeyUsage(extended), critical=False)
            .add_extension(x509.CertificatePolicies([
                        x509.PolicyInformation(
                            x509.ObjectIdentifier(policy), None)]),
                critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.key.public_key()), critical=False)
            # As NCA RK's: an OCSP responder declared (the one asked is
            # the configured [kz_eds] ocsp_url)
            .add_extension(x509.AuthorityInformationAccess([
                        x509.AccessDescription(
                            x509.oid.AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(
                                'http://ocsp.test.invalid/'))]),
                critical=False)
            .sign(self.key, hashes.SHA256()))
        self.issued[certificate.serial_number] = certificate
        return User(key, certificate, self)

    def ocsp_response(self, request):
        "Return the DER OCSP response of this CA to the DER request"
        from cryptography.x509 import ocsp
        request = ocsp.load_der_ocsp_request(request)
        certificate = self.issued.get(request.serial_number)
        if certificate is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(
                serialization.Encoding.DER)
        now = _now()
        revoked = request.serial_number in self.revoked
        return (ocsp.OCSPResponseBuilder()
            .add_response(
                cert=certificate, issuer=self.certificate,
                algorithm=request.hash_algorithm,
                cert_status=(ocsp.OCSPCertStatus.REVOKED if revoked
                    else ocsp.OCSPCertStatus.GOOD),
                this_update=now - dt.timedelta(minutes=5),
                next_update=now + dt.timedelta(hours=1),
                revocation_time=(now - dt.timedelta(days=1)
                    if revoked else None),
                revocation_reason=None)
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self.certificate)
            .sign(self.key, hashes.SHA256())
            .public_bytes(serialization.Encoding.DER))

    def revoke(self, user):
        self.revoked.append(user.certificate.serial_number)

    def crl(self):
        now = _now()
        builder = (x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now - dt.timedelta(hours=1))
            .next_update(now + dt.timedelta(days=7))
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.key.public_key()), critical=False))
        for serial in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(now - dt.timedelta(days=1))
                .build())
        return builder.sign(self.key, hashes.SHA256())


class User:
    "A key pair with its certificate, which signs as NCALayer does"

    def __init__(self, key, certificate, authority):
        self.key = key
        self.certificate = certificate
        self.authority = authority

    def sign(self, data, detached=False):
        """Return the DER CMS SignedData of data: signed attributes with
        the digest, the certificate and its issuing CA included"""
        options = [pkcs7.PKCS7Options.Binary]
        if detached:
            options.append(pkcs7.PKCS7Options.DetachedSignature)
        return (pkcs7.PKCS7SignatureBuilder()
            .set_data(data)
            .add_signer(self.certificate, self.key, hashes.SHA256())
            .add_certificate(self.authority.certificate)
            .sign(serialization.Encoding.DER, options))

    def pkcs12(self, password=b''):
        from cryptography.hazmat.primitives.serialization import pkcs12
        encryption = (serialization.BestAvailableEncryption(password)
            if password else serialization.NoEncryption())
        return pkcs12.serialize_key_and_certificates(
            b'user', self.key, self.certificate,
            [self.authority.certificate], encryption)


IIN_VALID = '880101300123'
IIN_EXPIRED = '750505400453'
IIN_REVOKED = '900202350786'
IIN_UNKNOWN = '810303450118'
IIN_NOBODY = '920404300226'
BIN_COMPANY = '990340001230'
BIN_OTHER = '010140002348'


class OCSPResponder:
    """An OCSP responder of the authority on 127.0.0.1 for the block:

        with OCSPResponder(pki.intermediate) as url: ..."""

    def __init__(self, authority):
        self.authority = authority
        self.requests = 0

    def __enter__(self):
        import http.server
        import threading
        responder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers['Content-Length'])
                answer = responder.authority.ocsp_response(
                    self.rfile.read(length))
                responder.requests += 1
                self.send_response(200)
                self.send_header(
                    'Content-Type', 'application/ocsp-response')
                self.send_header('Content-Length', str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return 'http://127.0.0.1:%s/' % self.server.server_address[1]

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class TestPKI:
    """Every certificate the tests need; write() puts the trusted ones and
    the CRLs in a directory as an administrator would"""

    def __init__(self):
        now = _now()
        self.root = Authority('KZ TEST ROOT CA')
        self.intermediate = Authority('KZ TEST NCA', issuer=self.root)
        self.unknown_root = Authority('UNKNOWN ROOT CA')
        issue = self.intermediate.issue
        self.valid = issue('VALID USER', IIN_VALID)
        self.valid_signing = issue(
            'VALID USER', IIN_VALID, purpose='signature')
        self.legal = issue('VALID USER', IIN_VALID, bin_=BIN_COMPANY)
        self.legal_other = issue('VALID USER', IIN_VALID, bin_=BIN_OTHER)
        self.expired = issue('EXPIRED USER', IIN_EXPIRED,
            not_before=now - dt.timedelta(days=730),
            not_after=now - dt.timedelta(days=365))
        self.revoked = issue('REVOKED USER', IIN_REVOKED)
        self.intermediate.revoke(self.revoked)
        self.nobody = issue('NOBODY', IIN_NOBODY)
        self.unknown = self.unknown_root.issue('UNKNOWN USER', IIN_UNKNOWN)

    def write(self, directory):
        """Write roots.pem, intermediates.pem and crl.pem in directory and
        return their paths"""
        os.makedirs(directory, exist_ok=True)
        pem = serialization.Encoding.PEM
        paths = {}
        for name, content in [
                ('roots.pem', self.root.certificate.public_bytes(pem)),
                ('intermediates.pem',
                    self.intermediate.certificate.public_bytes(pem)),
                ('crl.pem', self.root.crl().public_bytes(pem)
                    + self.intermediate.crl().public_bytes(pem)),
                ]:
            path = os.path.join(directory, name)
            with open(path, 'wb') as fp:
                fp.write(content)
            paths[name.split('.')[0]] = path
        # The root's CRL alone: the users' certificates checked by OCSP
        path = os.path.join(directory, 'root-crl.pem')
        with open(path, 'wb') as fp:
            fp.write(self.root.crl().public_bytes(pem))
        paths['root-crl'] = path
        return paths

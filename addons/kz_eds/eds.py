# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Verification of the CMS signatures NCALayer makes (CAdES-BES).

The signature, its signed attributes and the certificate path up to a
trusted root, with validity dates, key usage and revocation (CRL files,
OCSP where a responder is configured), are checked by pyHanko and its
certificate validator; this module only gathers the configuration and
turns their answer into a reason a person understands.

Configuration ([kz_eds] section of trytond.conf):

- roots: files (PEM or DER, a PEM file may hold several) of the trusted
  root certificates, separated by commas or new lines;
- intermediates: files of the intermediate CA certificates;
- crl: files of the certificate revocation lists (PEM or DER);
- ocsp_url: the OCSP responder asked about the signer's certificate;
- revocation_mode: require (every certificate of the path must be covered
  by a CRL or OCSP answer, the default), hard-fail or soft-fail;
- challenge_timeout: seconds a sign-in challenge stays valid (120).
"""
import asyncio
import base64
import binascii
import datetime as dt
import logging
import urllib.request

from asn1crypto import cms, pem, x509 as asn1_x509, crl as asn1_crl

from trytond import config

logger = logging.getLogger(__name__)

SECTION = 'kz_eds'
# Extended key usage of NCA RK certificates: authentication (client
# authentication), signature (e-mail protection)
LOGIN_USAGE = {'digital_signature'}
LOGIN_EXTENDED_USAGE = {'client_auth'}
SIGN_USAGE = {'non_repudiation'}


class VerificationError(Exception):
    """A signature refused, with its reason: malformed, algorithm,
    signature, expired, not_yet_valid, revoked, unknown_root, usage, chain,
    not_configured"""

    def __init__(self, reason, detail='', certificate=None):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail
        self.certificate = certificate


class Signer:
    "What a verified signature tells about its signer"

    def __init__(self, certificate, content):
        self.certificate = certificate
        self.content = content
        subject = certificate.subject.native
        serial = subject.get('serial_number') or ''
        self.iin = serial[3:] if serial.upper().startswith('IIN') else None
        units = subject.get('organizational_unit_name') or []
        if isinstance(units, str):
            units = [units]
        self.bin = None
        for unit in units:
            if unit.upper().startswith('BIN'):
                self.bin = unit[3:]
        self.common_name = subject.get('common_name') or ''
        self.serial_number = '%x' % certificate.serial_number
        self.issuer = certificate.issuer.human_friendly
        self.not_valid_after = certificate['tbs_certificate']['validity'][
            'not_after'].native


def _paths(option):
    value = config.get(SECTION, option, default='') or ''
    return [p.strip() for p in value.replace('\n', ',').split(',')
        if p.strip()]


def _read_der(path, kind):
    "Return the DER blocks of the PEM or DER file"
    with open(path, 'rb') as fp:
        data = fp.read()
    if pem.detect(data):
        return [der for type_, _, der in pem.unarmor(data, multiple=True)
            if type_ == kind]
    return [data]


def _certificates(option):
    return [asn1_x509.Certificate.load(der) for path in _paths(option)
        for der in _read_der(path, 'CERTIFICATE')]


def _crls():
    return [asn1_crl.CertificateList.load(der) for path in _paths('crl')
        for der in _read_der(path, 'X509 CRL')]


def decode(signature):
    "Return the DER bytes of a signature given as base64 (or PEM) or bytes"
    if isinstance(signature, bytes):
        data = signature
    else:
        text = (signature or '').strip()
        if text.startswith('-----BEGIN'):
            text = ''.join(
                line for line in text.splitlines()
                if not line.startswith('-----'))
        try:
            data = base64.b64decode(''.join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise VerificationError('malformed')
    return data


def _signed_data(data):
    try:
        info = cms.ContentInfo.load(data)
        if info['content_type'].native != 'signed_data':
            raise ValueError(info['content_type'].native)
        signed_data = info['content']
        # Parse it all now: a malformed structure is refused here
        signed_data.native
    except Exception as exception:
        raise VerificationError('malformed', str(exception))
    if len(signed_data['signer_infos']) != 1:
        raise VerificationError('malformed', "one signer expected")
    return signed_data


def _ocsp_responses(certificate, candidates):
    "Return the answer of the configured OCSP responder, if any"
    url = config.get(SECTION, 'ocsp_url', default=None)
    if not url:
        return []
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509 import ocsp
    issuer = next((c for c in candidates
            if c.subject == certificate.issuer), None)
    if issuer is None:
        return []
    request = (ocsp.OCSPRequestBuilder()
        .add_certificate(
            x509.load_der_x509_certificate(certificate.dump()),
            x509.load_der_x509_certificate(issuer.dump()), hashes.SHA1())
        .build().public_bytes(serialization.Encoding.DER))
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=request,
                    headers={'Content-Type': 'application/ocsp-request'}),
                timeout=config.getint(SECTION, 'ocsp_timeout', default=5)
                ) as response:
            return [response.read()]
    except OSError as exception:
        # The revocation mode decides whether the CRLs suffice
        logger.warning("OCSP responder %s: %s", url, exception)
        return []


def verify(signature, content=None, purpose='login', moment=None):
    """Verify the CMS signature (DER bytes or base64) and return its Signer.

    content is the signed data of a detached signature; an attached one
    carries it (Signer.content).  purpose 'login' requires an
    authentication certificate, 'sign' a signing one.  Raise
    VerificationError with the reason of a refusal."""
    from pyhanko.sign.validation.generic_cms import (
        async_validate_cms_signature)
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.ades.report import AdESIndeterminate
    from pyhanko_certvalidator import ValidationContext

    roots = _certificates('roots')
    if not roots:
        raise VerificationError('not_configured')
    intermediates = _certificates('intermediates')
    signed_data = _signed_data(decode(signature))

    encapsulated = signed_data['encap_content_info']['content']
    raw_digest = None
    if content is None:
        if encapsulated.native is None:
            raise VerificationError('malformed', "no signed content")
        content = encapsulated.native
        if not isinstance(content, bytes):
            content = encapsulated.contents
    else:
        if encapsulated.native is not None:
            # An attached signature of the same content is accepted
            if encapsulated.native != content:
                raise VerificationError('signature', "other content")
        else:
            from cryptography.hazmat.primitives import hashes
            algorithm = signed_data['signer_infos'][0]['digest_algorithm'][
                'algorithm'].native
            digest = hashes.Hash(getattr(hashes, algorithm.upper())())
            digest.update(content)
            raw_digest = digest.finalize()

    embedded = [c.chosen for c in signed_data['certificates'] or []
        if c.name == 'certificate']
    signer_info = signed_data['signer_infos'][0]
    try:
        signer_info['signature_algorithm'].signature_algo
        signer_info['digest_algorithm']['algorithm'].native
        algorithm = signer_info['digest_algorithm']['algorithm'].native
        if algorithm.startswith('1.') or algorithm.startswith('2.'):
            # An object identifier asn1crypto does not know (GOST)
            raise ValueError(algorithm)
    except ValueError as exception:
        raise VerificationError('algorithm', str(exception))
    sid = signer_info['sid']
    certificate = None
    for candidate in embedded:
        if sid.name == 'issuer_and_serial_number':
            if (candidate.issuer == sid.chosen['issuer']
                    and candidate.serial_number
                    == sid.chosen['serial_number'].native):
                certificate = candidate
        elif candidate.key_identifier == sid.chosen.native:
            certificate = candidate
    if certificate is None:
        raise VerificationError('malformed', "no signer certificate")

    moment = moment or dt.datetime.now(dt.timezone.utc)
    validity = certificate['tbs_certificate']['validity']
    # The dates first: the clearest reason for the most common refusal
    if validity['not_after'].native < moment:
        raise VerificationError('expired', certificate=certificate)
    if validity['not_before'].native > moment:
        raise VerificationError('not_yet_valid', certificate=certificate)

    context = ValidationContext(
        trust_roots=roots,
        other_certs=intermediates,
        crls=_crls(),
        ocsps=_ocsp_responses(certificate, embedded + intermediates + roots),
        revocation_mode=config.get(
            SECTION, 'revocation_mode', default='require'),
        moment=moment,
        allow_fetching=False)
    if purpose == 'login':
        usage = KeyUsageConstraints(
            key_usage=LOGIN_USAGE, extd_key_usage=LOGIN_EXTENDED_USAGE,
            explicit_extd_key_usage_required=True)
    else:
        usage = KeyUsageConstraints(key_usage=SIGN_USAGE)
    try:
        status = asyncio.run(async_validate_cms_signature(
                signed_data, raw_digest=raw_digest,
                validation_context=context, key_usage_settings=usage))
    except Exception as exception:
        logger.info("CMS signature refused", exc_info=True)
        raise VerificationError(
            'signature', str(exception), certificate=certificate)
    if not (status.intact and status.valid):
        raise VerificationError('signature', certificate=certificate)
    problem = status.trust_problem_indic
    if problem is not None:
        logger.info("certificate %s refused: %s",
            certificate.subject.human_friendly, problem)
        reason = {
            AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND: 'unknown_root',
            AdESIndeterminate.REVOKED_NO_POE: 'revoked',
            AdESIndeterminate.REVOKED_CA_NO_POE: 'revoked',
            AdESIndeterminate.OUT_OF_BOUNDS_NO_POE: 'expired',
            AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE: 'usage',
            }.get(problem, 'chain')
        raise VerificationError(
            reason, str(problem), certificate=certificate)
    return Signer(certificate, content)

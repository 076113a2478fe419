# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the tests of signatures share: the test PKI written once in a
temporary directory, the platform configured to trust it, and a document
signed as NCALayer would sign it."""
import atexit
import base64
import contextlib
import shutil
import tempfile

from trytond.modules.kz_base.tests.tools import config_option
from trytond.transaction import Transaction

from .pki import TestPKI

_PKI = None


def pki():
    "Return the test PKI and the paths of its trusted files"
    global _PKI
    if _PKI is None:
        authority = TestPKI()
        directory = tempfile.mkdtemp(prefix='kz-eds-pki-')
        atexit.register(shutil.rmtree, directory, True)
        _PKI = authority, authority.write(directory), directory
    return _PKI[:2]


@contextlib.contextmanager
def eds_configured(**options):
    "Signatures accepted with the test PKI as trusted roots"
    _, paths = pki()
    values = {
        ('session', 'authentications'): 'eds,password',
        ('kz_eds', 'roots'): paths['roots'],
        ('kz_eds', 'intermediates'): paths['intermediates'],
        ('kz_eds', 'crl'): paths['crl'],
        }
    values.update({('kz_eds', k): v for k, v in options.items()})
    with contextlib.ExitStack() as stack:
        for (section, option), value in values.items():
            stack.enter_context(config_option(section, option, value))
        stack.enter_context(Transaction().set_context(
                _request={'remote_addr': '198.51.100.7'}))
        yield


def sign(record, certificate, content=None):
    "Sign the record as NCALayer would and store the signature"
    Model = record.__class__
    if content is None:
        content = base64.b64decode(Model.kz_eds_data([record])[record.id])
    cms = base64.b64encode(certificate.sign(content, detached=True))
    Model.kz_eds_sign([record], {str(record.id): cms.decode()})

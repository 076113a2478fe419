# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Sign-in with an electronic digital signature (NCALayer).

The client asks with the login parameter ``eds``; the server answers
with a challenge (a LoginException of type ``eds``: sao's login flow asks
the client for ``eds_signature``), the user's NCALayer signs it, and the
CMS comes back as ``eds_signature``.  A refusal is a LoginException of the
same type carrying the translated reason, counted as a failed login."""
import json
import logging


from trytond.exceptions import LoginException
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from . import eds

logger = logging.getLogger(__name__)


class EDSLoginRefused(Exception):
    "A sign-in by signature refused, with its translated message"


class User(metaclass=PoolMeta):
    "Sign-in by the IIN of the certificate (kz_base's res.user.iin)"
    __name__ = 'res.user'

    @classmethod
    def _login_eds(cls, login, parameters):
        if not parameters.get('eds'):
            # A sign-in by password: the next method answers
            return None
        pool = Pool()
        Challenge = pool.get('kz.eds.challenge')
        LoginAttempt = pool.get('res.user.login.attempt')
        signature = parameters.get('eds_signature')
        if not signature:
            raise LoginException('eds_signature', json.dumps({
                        'challenge': Challenge.issue(),
                        }), type='eds')
        try:
            return cls.kz_eds_user(login, signature)
        except EDSLoginRefused as refusal:
            logger.info("EDS sign-in refused for %r: %s", login, refusal)
            # Counted like a wrong password: security.login commits the
            # transaction of a LoginException
            LoginAttempt.add(login or '', parameters.get('device_cookie'))
            raise LoginException('eds_signature', json.dumps({
                        'error': str(refusal),
                        }), type='eds')

    @classmethod
    def kz_eds_user(cls, login, signature):
        """Return the id of the user the signature of a pending challenge
        signs in, or raise EDSLoginRefused"""
        pool = Pool()
        Challenge = pool.get('kz.eds.challenge')
        try:
            signer = eds.verify(signature, purpose='login')
        except eds.VerificationError as error:
            raise EDSLoginRefused(cls.kz_eds_refusal(error))
        try:
            nonce = signer.content.decode('utf-8')
        except UnicodeDecodeError:
            nonce = None
        if not Challenge.consume(nonce):
            raise EDSLoginRefused(gettext('kz_eds.msg_eds_wrong_challenge'))
        if not signer.iin:
            raise EDSLoginRefused(gettext('kz_eds.msg_eds_no_iin'))
        domain = [
            ('iin', '=', signer.iin),
            ('active', '=', True),
            ]
        if login:
            domain.append(('login', '=', login))
        with without_check_access():
            users = cls.search(domain, limit=1)
        if not users:
            raise EDSLoginRefused(gettext(
                    'kz_eds.msg_eds_no_user', iin=signer.iin))
        user, = users
        if signer.bin:
            # A certificate of a legal entity's employee signs in only to
            # the user of that entity
            organization = user.kz_organization
            if not organization or organization.bin != signer.bin:
                raise EDSLoginRefused(gettext(
                        'kz_eds.msg_eds_no_user_bin',
                        iin=signer.iin, bin=signer.bin))
        return user.id

    @classmethod
    def kz_eds_refusal(cls, error):
        "Return the translated message of a VerificationError"
        certificate = error.certificate
        values = {}
        if certificate is not None:
            validity = certificate['tbs_certificate']['validity']
            values['date'] = validity['not_after'].native.date().isoformat()
            values['start'] = (
                validity['not_before'].native.date().isoformat())
        return gettext('kz_eds.msg_eds_%s' % error.reason, **values)

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Password rules of the platform (issue 12).

trytond checks only a length, a forbidden file (as a substring) and that
the password is not exactly the login, name or e-mail.  A password set
through the application must also:

- not be one of the common passwords of the [password] forbidden file
  (compared whole and case-insensitively; config/forbidden-passwords.txt
  ships about 30,000 of them, see scripts/forbidden_passwords.py);
- not contain the login, the name or the e-mail address of the user, nor
  any of their parts of 4 characters or more;
- reach the zxcvbn strength score of [kz] password_min_score (0 to 4,
  default 3), given those words and the platform's own as known inputs.

A user changing his own password in the preferences must give the
current one (``old_password``): a stolen session alone cannot take the
account over.  Wrong current passwords count as failed logins of the IP
address.  Administrators set other users' passwords in the user form
(``write``) as before."""
import functools
import os
import re

from zxcvbn import zxcvbn

from trytond import config
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.res.user import PasswordError, _has_password
from trytond.transaction import Transaction, without_check_access

MIN_PART = 4
# zxcvbn refuses longer passwords; the head decides the score anyway
ZXCVBN_MAX_LENGTH = 72
# What trytond's password getter returns: "unchanged"
UNCHANGED = 'x' * 10
# Words an attacker of this platform tries first
PLATFORM_WORDS = [
    'kazakhstan', 'qazaqstan', 'kazakh', 'qazaq', 'astana', 'almaty',
    'shymkent', 'nursultan', 'karaganda', 'aktobe', 'kazinvest',
    'kazakhinvest', 'invest', 'investment', 'investor', 'tryton',
    'platform', 'akimat', 'ministry', 'damu', 'halyk', 'admin',
    ]
_SEPARATORS = re.compile(r'[\W_]+')


@functools.lru_cache(maxsize=4)
def _read_forbidden(path, mtime):
    passwords = set()
    with open(path, encoding='utf-8', errors='replace') as fp:
        for line in fp:
            line = line.strip().casefold()
            if line and not line.startswith('#'):
                passwords.add(line)
                passwords.add(_SEPARATORS.sub('', line))
    passwords.discard('')
    return frozenset(passwords)


def forbidden_passwords():
    """Return the casefolded passwords of the [password] forbidden file,
    with and without their separators"""
    path = config.get('password', 'forbidden', default=None)
    if not path:
        return frozenset()
    return _read_forbidden(path, os.stat(path).st_mtime)


def user_words(user):
    """Return the casefolded login, name and e-mail of the user, each whole
    without separators and split into its parts, of MIN_PART characters
    or more"""
    words = []
    for name in ['login', 'name', 'email']:
        # getattr: trytond may validate for objects that are not users
        value = getattr(user, name, None)
        if not value:
            continue
        parts = [p for p in _SEPARATORS.split(value.casefold()) if p]
        for word in parts + [''.join(parts)]:
            if len(word) >= MIN_PART and word not in words:
                words.append(word)
    return words


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    old_password = fields.Function(fields.Char(
            "Current Password", strip=False,
            states={
                'invisible': not _has_password,
                },
            help="Your current password, required to set a new one."),
        'get_old_password')

    def get_old_password(self, name):
        # Never read back: only set_preferences receives it
        return None

    @classmethod
    def validate_password(cls, password, users):
        super().validate_password(password, users)
        if isinstance(password, bytes):
            password = password.decode('utf-8')
        folded = password.casefold()
        squeezed = _SEPARATORS.sub('', folded)
        forbidden = forbidden_passwords()
        if folded in forbidden or squeezed in forbidden:
            raise PasswordError(gettext('kz_base.msg_password_common'))
        inputs = list(PLATFORM_WORDS)
        for user in users:
            for word in user_words(user):
                if word in folded or word in squeezed:
                    raise PasswordError(gettext(
                            'kz_base.msg_password_user_part', part=word))
                inputs.append(word)
        minimum = cls.kz_password_min_score()
        if minimum > 0:
            score = zxcvbn(
                password[:ZXCVBN_MAX_LENGTH], user_inputs=inputs)['score']
            if score < minimum:
                raise PasswordError(gettext(
                        'kz_base.msg_password_weak',
                        score=score, minimum=minimum))

    @classmethod
    def kz_password_min_score(cls):
        "The lowest zxcvbn score (0 to 4) a new password may have"
        return config.getint('kz', 'password_min_score', default=3)

    @classmethod
    def set_preferences(cls, values):
        values = dict(values)
        old_password = values.pop('old_password', None)
        password = values.get('password')
        if password and password != UNCHANGED:
            cls.kz_check_old_password(old_password)
        super().set_preferences(values)

    @classmethod
    def kz_check_old_password(cls, old_password):
        """Refuse unless old_password is the current password (or the reset
        password) of the transaction user; a wrong one is a failed login
        of the IP address, which then gets refused like at login."""
        pool = Pool()
        LoginAttempt = pool.get('res.user.login.attempt')
        if not old_password or not isinstance(old_password, str):
            raise PasswordError(gettext('kz_base.msg_password_old_required'))
        if LoginAttempt.kz_count_address() > cls.kz_max_attempt_address():
            raise PasswordError(gettext('kz_base.msg_password_old_too_many'))
        user = cls(Transaction().user)
        # The check of a login: the password hash, else the reset password
        if cls._login_password(
                user.login, {'password': old_password}) != user.id:
            # The error rolls the call back: count it in a transaction of
            # its own
            transaction = Transaction()
            with transaction.new_transaction() as new, \
                    new.set_user(0), without_check_access():
                LoginAttempt.add(user.login)
            raise PasswordError(gettext('kz_base.msg_password_old_wrong'))

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
import secrets

from trytond import config
from trytond.model import Index, ModelSQL, fields
from trytond.transaction import Transaction


class Challenge(ModelSQL):
    """A one-time text the server gives to be signed at sign-in: a
    signature of anything else, or of it twice or late, is refused"""
    __name__ = 'kz.eds.challenge'
    __string__ = "EDS Sign-in Challenge"
    nonce = fields.Char("Nonce", required=True, strip=False)
    expire = fields.DateTime("Expire", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.nonce, Index.Equality(cardinality='high'))))

    @classmethod
    def timeout(cls):
        return config.getint('kz_eds', 'challenge_timeout', default=120)

    @classmethod
    def issue(cls):
        "Store and return a new challenge"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        now = dt.datetime.now()
        cursor.execute(*table.delete(where=table.expire < now))
        nonce = 'kz-platform-sign-in:' + secrets.token_urlsafe(32)
        cls.create([{
                    'nonce': nonce,
                    'expire': now + dt.timedelta(seconds=cls.timeout()),
                    }])
        return nonce

    @classmethod
    def consume(cls, nonce):
        """Return True if nonce is a pending challenge; it is used up
        either way"""
        if not isinstance(nonce, str):
            return False
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.delete(
                where=table.nonce == nonce,
                returning=[table.expire]))
        row = cursor.fetchone()
        return bool(row and row[0] >= dt.datetime.now())

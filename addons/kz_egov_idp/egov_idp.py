# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt

from trytond.model import ModelSQL, Unique, fields
from trytond.transaction import Transaction


class Authorization(ModelSQL):
    """One per sign-in started: the state, nonce and PKCE verifier the
    callback checks, used once and forgotten after a few minutes"""
    __name__ = 'kz.egov_idp.authorization'
    __string__ = "eGov IDP authorization request"

    state = fields.Char("State", required=True, strip=False)
    nonce = fields.Char("Nonce", required=True, strip=False)
    code_verifier = fields.Char("Code Verifier", required=True, strip=False)
    next_url = fields.Char("Next URL", strip=False)

    # Minutes a started sign-in may take at the identity provider
    LIFETIME = dt.timedelta(minutes=10)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('state_unique', Unique(t, t.state),
                'kz_egov_idp.msg_authorization_state_unique'),
            ]

    @classmethod
    def purge(cls):
        "Forget the requests older than their lifetime"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.delete(
                where=table.create_date < dt.datetime.now() - cls.LIFETIME))

    @classmethod
    def pop(cls, state):
        "Return and forget the live request of the state, or None"
        cls.purge()
        if not state:
            return None
        requests = cls.search([('state', '=', state)], limit=1)
        if not requests:
            return None
        request, = requests
        values = {
            'state': request.state,
            'nonce': request.nonce,
            'code_verifier': request.code_verifier,
            'next_url': request.next_url,
            }
        cls.delete(requests)
        return values

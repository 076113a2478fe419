# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
import time

from trytond.cache import Cache
from trytond import config
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    kz_organization = fields.Many2One(
        'kz.organization', "Organisation", ondelete='RESTRICT',
        help="The organisation the user works for; record rules limit "
        "what the user sees to its competence.")
    kz_region = fields.Function(
        fields.Many2One('kz.region', "Region"), 'get_kz_region')

    _kz_rule_context_cache = Cache('res_user.kz_rule_context')

    def get_kz_region(self, name):
        if self.kz_organization and self.kz_organization.region:
            return self.kz_organization.region.id

    @classmethod
    def get_login(cls, login, parameters):
        transaction = Transaction()
        queued = len(transaction._atexit)
        try:
            return super().get_login(login, parameters)
        finally:
            if not config.getboolean(
                    'kz', 'failed_login_sleep', default=False):
                # trytond delays each login by sleeping up to 2**n seconds
                # inside the worker once the request is done: a burst of
                # failed logins then holds every worker and stalls all
                # users.  The attempt counter still refuses the login
                # after [session] max_attempt failures (HTTP 429).
                transaction._atexit[queued:] = [
                    entry for entry in transaction._atexit[queued:]
                    if entry[0] is not time.sleep]

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        cls._kz_rule_context_cache.clear()

    @classmethod
    def kz_rule_context(cls):
        "Return the organisation values record rules may use"
        user_id = Transaction().user
        context = cls._kz_rule_context_cache.get(user_id)
        if context is None:
            with without_check_access():
                context = cls._kz_compute_rule_context(user_id)
            cls._kz_rule_context_cache.set(user_id, context)
        return context

    @classmethod
    def _kz_compute_rule_context(cls, user_id):
        Organization = Pool().get('kz.organization')
        organization = cls(user_id).kz_organization if user_id else None
        if not organization:
            return {
                'kz_organization': -1,
                'kz_organizations': [],
                'kz_region': -1,
                'kz_party': -1,
                }
        organizations = Organization.search([
                ('parent', 'child_of', [organization.id]),
                ])
        return {
            'kz_organization': organization.id,
            'kz_organizations': sorted(o.id for o in organizations),
            'kz_region': (
                organization.region.id if organization.region else -1),
            'kz_party': (
                organization.party.id if organization.party else -1),
            }


class LoginAttempt(metaclass=PoolMeta):
    __name__ = 'res.user.login.attempt'

    @staticmethod
    def delay():
        # trytond counts failed logins over the session timeout (hours
        # here): a locked-out user would wait that long.  [kz]
        # login_attempt_window keeps the count to minutes.
        window = config.getint('kz', 'login_attempt_window', default=None)
        if window is None:
            window = config.getint('session', 'timeout')
        return dt.datetime.now() - dt.timedelta(seconds=window)

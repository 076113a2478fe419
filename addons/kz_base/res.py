# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
import random
import secrets
import time

from sql.aggregate import Count

from trytond.cache import Cache
from trytond import config
from trytond.exceptions import RateLimitException
from trytond.model import Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .identifier import BINMixin
from .tools import without_atexit

_DUMMY_HASH = None


def _dummy_hash(User):
    "Return a hash of a random password made by the configured scheme"
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = User.hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


class User(BINMixin, metaclass=PoolMeta):
    __name__ = 'res.user'
    # The person's IIN: the external sign-in methods (eGov IDP, EDS
    # certificates) find the user by it
    iin = fields.Char(
        "IIN", size=12,
        help="The individual identification number of the person; "
        "signing in with eGov or an electronic signature finds the user "
        "by it.")
    _bin_fields = ('iin',)
    kz_organization = fields.Many2One(
        'kz.organization', "Organisation", ondelete='RESTRICT',
        help="The organisation the user works for; record rules limit "
        "what the user sees to its competence.")
    kz_region = fields.Function(
        fields.Many2One('kz.region', "Region"), 'get_kz_region')
    kz_roles = fields.Function(fields.MultiSelection(
            'get_kz_roles_selection', "Platform Roles",
            help="The platform's role groups of the user, with the groups "
            "they belong to (an akimat officer is also an NCIP body): "
            "pickers offer only the users of the right role."),
        'get_kz_roles', searcher='search_kz_roles')

    _kz_rule_context_cache = Cache('res_user.kz_rule_context')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('iin_unique', Unique(t, t.iin), 'kz_base.msg_user_iin_unique'),
            ]

    @classmethod
    def copy(cls, users, default=None):
        default = default.copy() if default is not None else {}
        # The IIN is the person's: unique
        default.setdefault('iin', None)
        return super().copy(users, default=default)

    @classmethod
    def kz_from_iin(cls, iin):
        "Return the active user of the IIN or None"
        with without_check_access():
            users = cls.search([
                    ('iin', '=', iin),
                    ('active', '=', True),
                    ], limit=1)
        return users[0] if users else None

    def get_kz_region(self, name):
        if self.kz_organization and self.kz_organization.region:
            return self.kz_organization.region.id

    @classmethod
    def _kz_role_groups(cls):
        "Return the role code of each group id of kz_base"
        ModelData = Pool().get('ir.model.data')
        with without_check_access():
            data = ModelData.search([
                    ('module', '=', 'kz_base'),
                    ('model', '=', 'res.group'),
                    ])
        return {d.db_id: d.fs_id[len('group_'):] for d in data
            if d.fs_id.startswith('group_')}

    @classmethod
    def get_kz_roles_selection(cls):
        Group = Pool().get('res.group')
        codes = cls._kz_role_groups()
        with without_check_access():
            groups = Group.browse(list(codes))
            return sorted((codes[g.id], g.rec_name) for g in groups)

    @classmethod
    def _kz_group_parents(cls):
        "Return the parent id of each group id"
        Group = Pool().get('res.group')
        with without_check_access():
            return {g.id: g.parent.id if g.parent else None
                for g in Group.search([])}

    @classmethod
    def get_kz_roles(cls, users, name):
        codes = cls._kz_role_groups()
        parents = cls._kz_group_parents()
        result = {}
        with without_check_access():
            for user in cls.browse(users):
                # The groups and their parents, as the access rights
                roles = set()
                for group in user.groups:
                    group_id = group.id
                    while group_id and group_id not in roles:
                        roles.add(group_id)
                        group_id = parents.get(group_id)
                result[user.id] = sorted(
                    codes[g] for g in roles if g in codes)
        return result

    @classmethod
    def search_kz_roles(cls, name, clause):
        "Users of a group of the roles or of a group below them"
        _, operator, value = clause[:3]
        if isinstance(value, str):
            value = [value]
        groups = {i for i, c in cls._kz_role_groups().items()
            if c in (value or [])}
        parents = cls._kz_group_parents()
        # The groups below them too
        size = None
        while size != len(groups):
            size = len(groups)
            groups |= {g for g, p in parents.items() if p in groups}
        operator = 'not in' if operator in {'not in', '!='} else 'in'
        return [('groups', operator, list(groups))]

    @classmethod
    def get_login(cls, login, parameters):
        """Return the user id if the parameters authenticate the login.

        trytond counts failed logins per login: six wrong passwords from
        anywhere lock the user out.  Here failures count per source
        instead, never per login (issue 12):

        - with a valid device cookie (the browser logged in as this user
          before), only the failures of that cookie count, against
          [session] max_attempt;
        - without one, the failures of the IP address count against [kz]
          login_max_attempt_address, and those of its network ([session]
          ip_network_4/6) against [session] max_attempt_ip_network.

        A source over its limit gets HTTP 429 (RateLimitException) and its
        further tries keep it refused; the user still logs in from a clean
        source or with his device cookie.  trytond's own get_login then
        authenticates ([session] authentications) and records the
        attempt."""
        pool = Pool()
        LoginAttempt = pool.get('res.user.login.attempt')
        UserDevice = pool.get('res.user.device')
        parameters = parameters.copy()

        device_cookie = UserDevice.get_valid_cookie(
            login, parameters.get('device_cookie'))
        parameters['device_cookie'] = device_cookie
        if device_cookie:
            count = LoginAttempt.kz_count_device(device_cookie)
            limit = config.getint('session', 'max_attempt', default=5)
        else:
            if LoginAttempt.count_ip() > config.getint(
                    'session', 'max_attempt_ip_network', default=300):
                # Not added: the goal is to stop a flood
                raise RateLimitException()
            count = LoginAttempt.kz_count_address()
            limit = cls.kz_max_attempt_address()
        if count > limit:
            LoginAttempt.add(login, device_cookie)
            raise RateLimitException()
        transaction = Transaction()
        try:
            # trytond authenticates and records the attempt; its own counts
            # per login are replaced by those of the source made above.
            # trytond queues its sleep after the request (of nothing here:
            # its count is 0)
            with transaction.set_context(_kz_login_counted=True), \
                    without_atexit(time.sleep):
                return super().get_login(login, parameters)
        finally:
            if config.getboolean('kz', 'failed_login_sleep', default=False):
                # trytond's delay of up to 2**n seconds, by the source's
                # count: it sleeps inside the worker once the request is
                # done, so a burst of failed logins holds every worker
                transaction.atexit(
                    time.sleep, random.randint(0, 2 ** min(count, 10) - 1))

    @classmethod
    def kz_max_attempt_address(cls):
        "Failed logins an IP address may make without a device cookie"
        return config.getint('kz', 'login_max_attempt_address',
            default=config.getint('session', 'max_attempt', default=5))

    @classmethod
    def _login_password(cls, login, parameters):
        """An unknown or inactive login verifies the password against a
        dummy hash of the same scheme: the answer takes as long as for an
        existing login, so logins cannot be enumerated by timing."""
        if 'password' in parameters:
            user_id, password_hash, _ = cls._get_login(login)
            if not (user_id and password_hash):
                cls.check_password(parameters['password'], _dummy_hash(cls))
        return super()._login_password(login, parameters)

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

    @classmethod
    def _kz_address(cls):
        ip_address, _ = Transaction().remote_address()
        return str(ip_address) if ip_address else None

    @classmethod
    def kz_count_address(cls):
        """Return the failures of the request's IP address made without a
        valid device cookie, whatever the login"""
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(Count(),
                where=(table.ip_address == cls._kz_address())
                & (table.device_cookie == None)  # noqa: E711
                & (table.create_date >= cls.delay())))
        return cursor.fetchone()[0]

    @classmethod
    def kz_count_device(cls, device_cookie):
        "Return the failures made with the device cookie"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(Count(),
                where=(table.device_cookie == device_cookie)
                & (table.create_date >= cls.delay())))
        return cursor.fetchone()[0]

    @classmethod
    def count(cls, login, device_cookie=None):
        if Transaction().context.get('_kz_login_counted'):
            # User.get_login counted the failures of the source
            return 0
        return super().count(login, device_cookie)

    @classmethod
    def count_ip(cls):
        if Transaction().context.get('_kz_login_counted'):
            return 0
        return super().count_ip()

    @classmethod
    def remove(cls, login, device_cookie=None):
        if Transaction().context.get('_kz_login_counted'):
            cls.kz_remove(login, device_cookie)
        else:
            super().remove(login, device_cookie)

    @classmethod
    def kz_remove(cls, login, device_cookie=None):
        """Forget the failures a successful login made good: those of its
        device cookie, or those of the login from the same IP address.
        The failures of other sources on the login stay counted, and so
        do those of the address on other logins (logging into one's own
        account does not buy more guesses on others)."""
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        if device_cookie:
            where = table.device_cookie == device_cookie
        else:
            where = ((table.login == login[:cls.login.size])
                & (table.device_cookie == None)  # noqa: E711
                & (table.ip_address == cls._kz_address()))
        cursor.execute(*table.delete(where=where))

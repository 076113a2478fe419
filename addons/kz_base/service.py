# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Fair service under load: every client call is bounded.

An attack of 200 concurrent exports, reports and unbounded searches took a
simple read from 23 ms to 12.5 s: every gunicorn thread and every
PostgreSQL backend was busy with them.  Here, every JSON-RPC call of a
database where kz_base is activated (``model.*``, ``wizard.*``,
``report.*``) is served under these rules ([kz] settings):

- **statement timeout**: each SQL statement of the call is cancelled after
  ``client_statement_timeout`` seconds (``set_config('statement_timeout',
  …, true)``, local to the call's transaction, so crons, queue workers and
  ``trytond-admin`` are not concerned).  The user gets a translated error
  asking to filter (``StatementTimeoutError``), not trytond's bare HTTP
  504 nor a traceback;
- **heavy calls**: exports (``export_data``, ``export_data_domain``),
  reports (``report.*.execute``), and ``read``, ``search``,
  ``search_read``, ``search_count`` that may touch more than
  ``heavy_call_limit`` rows (more ids, a ``limit`` above it, or no limit
  on a table the planner estimates above it) are heavy;
- **heavy calls per user**: a user runs ``heavy_calls_per_user`` of them
  at once across every process of the database: each takes a PostgreSQL
  advisory lock ``pg_try_advisory_xact_lock(HEAVY_LOCK, user * 64 +
  slot)`` in its own transaction (released when the call ends, whatever
  happens).  One more is refused at once (``HeavyCallRefused``, HTTP 429
  outside JSON-RPC) instead of queuing work; other users are not affected;
- **heavy calls per process and per database**: a process runs at most
  ``heavy_calls_per_process`` heavy calls, the database (every process of
  every server) ``heavy_calls_per_database`` (advisory locks
  ``(HEAVY_LOCK_DATABASE, slot)``), so that simple reads always find a
  free gunicorn thread, a database connection and a CPU.  Counts
  (``search_count``) run only SQL, bounded by the statement timeout: they
  count against the user's cap only (sao counts every list of more than
  1000 records);
- **records**: a heavy ``read``, ``search_read`` or export of more than
  ``client_max_records`` records is refused before it reads them
  (``TooManyRecords``): the statement timeout bounds the SQL of a call,
  not the Python that turns rows into records;
- **priority**: a heavy call runs at a lower CPU priority
  (``heavy_call_nice``): its thread and, when PostgreSQL runs on the same
  host, the backend of its connection are reniced for the call and put
  back after it, so that the scheduler serves the simple reads of other
  users first when the cores are busy.  Linux lets a process lower the
  priority of one of its threads; putting it back needs the right to raise
  a priority (root or CAP_SYS_NICE, docker-compose's ``cap_add``) and, for
  the backend, the right to renice the PostgreSQL processes: without it
  that part is left out (checked once per process, logged).

The hook: trytond's dispatcher calls ``rpc.decorate(method)`` for every
call (``RPC.decorator``).  The service mixins, registered in tryton.cfg
[register_mixin] on Model, Wizard and Report, present each class's
``__rpc__`` with every entry's ``decorate`` wrapped by ``serve``; trytond
itself is not patched, and databases without kz_base are not concerned."""
import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Sized
from functools import wraps

from trytond import backend
from trytond.config import config
from trytond.exceptions import RateLimitException, UserError
from trytond.i18n import gettext
from trytond.rpc import RPC
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

# Key spaces of the advisory locks (two-int form): "KZHV" for the slots
# of the users, "KZHD" for the slots of the database
HEAVY_LOCK = 0x4B5A4856
HEAVY_LOCK_DATABASE = 0x4B5A4844
MAX_SLOTS = 64
HEAVY_METHODS = {'export_data', 'export_data_domain'}
SIZED_METHODS = {'search', 'search_read', 'search_count'}
ESTIMATE_TTL = 300
# A count is heavy for the user's cap only: it runs SQL (bounded by the
# statement timeout), not Python over the records, and sao counts every
# list of more than 1000 records
COUNT = 'count'


class StatementTimeoutError(UserError):
    "A statement of a client call ran longer than the statement timeout"


class HeavyCallRefused(UserError, RateLimitException):
    "Too many heavy calls at once for the user, the process or the database"


class TooManyRecords(UserError):
    "A client call or an export asks for more records than allowed"


def statement_timeout():
    "Return the statement timeout of client calls in seconds (0: none)"
    return max(config.getfloat('kz', 'client_statement_timeout',
            default=30), 0)


def heavy_call_limit():
    return config.getint('kz', 'heavy_call_limit', default=1000)


def heavy_calls_per_user():
    return min(config.getint('kz', 'heavy_calls_per_user', default=2),
        MAX_SLOTS)


def heavy_calls_per_process():
    return config.getint('kz', 'heavy_calls_per_process', default=1)


def client_max_records():
    return config.getint('kz', 'client_max_records', default=50000)


def heavy_call_nice():
    "Return how much a heavy call lowers its priority (0: not at all)"
    return min(max(config.getint('kz', 'heavy_call_nice', default=10), 0),
        19)


def heavy_calls_per_database():
    return min(config.getint('kz', 'heavy_calls_per_database', default=0),
        MAX_SLOTS)


def _postgresql():
    return backend.name == 'postgresql'


def _argument(args, kwargs, index, name, default=None):
    if name in kwargs:
        return kwargs[name]
    if len(args) > index:
        return args[index]
    return default


# Row estimates of the tables, from the planner's statistics
_estimates = {}


def estimated_rows(Model):
    """Return the planner's estimate of the rows of the model's table, or
    None for a model without a table of its own"""
    from trytond.model import ModelSQL
    if (not issubclass(Model, ModelSQL) or Model._is_table_query()
            or not _postgresql()):
        return None
    transaction = Transaction()
    key = (transaction.database.name, Model._table)
    now = time.monotonic()
    cached = _estimates.get(key)
    if cached and cached[0] > now:
        return cached[1]
    cursor = transaction.connection.cursor()
    cursor.execute('SELECT reltuples, relpages FROM pg_class '
        'WHERE oid = to_regclass(%s)', (Model._table,))
    row = cursor.fetchone()
    if not row:
        estimate = None
    elif row[0] >= 0:
        estimate = int(row[0])
    else:
        # Never analysed: count about 50 rows a page
        estimate = int(row[1]) * 50
    _estimates[key] = (now + ESTIMATE_TTL, estimate)
    return estimate


def is_heavy(kind, Model, method, args, kwargs):
    """Tell whether the client call is a heavy one: False, COUNT (a count,
    which runs only SQL: the user's cap) or True (every cap)"""
    if kind == 'report':
        return method == 'execute'
    if kind != 'model':
        return False
    if method in HEAVY_METHODS:
        return True
    limit = heavy_call_limit()
    if method == 'read':
        ids = _argument(args, kwargs, 0, 'ids')
        return isinstance(ids, Sized) and len(ids) > limit
    if method in SIZED_METHODS:
        heavy = COUNT if method == 'search_count' else True
        # The offset does not count: sao pages lists by 1000 records and
        # a deep offset is bounded by the statement timeout
        rows = _argument(args, kwargs, 2, 'limit')
        if isinstance(rows, int) and rows <= limit:
            return False
        # Without a limit, or above it: as many rows as the table has
        estimate = estimated_rows(Model)
        if estimate is None:
            # A model without a table of its own: only an explicit limit
            return heavy if rows is not None else False
        return heavy if estimate > limit else False
    return False


# Where search_read and export_data_domain take offset and limit
OFFSET_LIMIT = {'search_read': (1, 2), 'export_data_domain': (2, 3)}


def check_records(Model, method, args, kwargs):
    """Refuse a heavy call over [kz] client_max_records records before it
    reads them: the statement timeout bounds its SQL, this its Python"""
    maximum = client_max_records()
    if maximum <= 0:
        return
    if method in {'read', 'export_data'}:
        ids = _argument(args, kwargs, 0,
            'ids' if method == 'read' else 'records')
        count = len(ids) if isinstance(ids, Sized) else 0
    elif method in OFFSET_LIMIT:
        offset_index, limit_index = OFFSET_LIMIT[method]
        offset = _argument(args, kwargs, offset_index, 'offset') or 0
        limit = _argument(args, kwargs, limit_index, 'limit')
        if (isinstance(limit, int) and limit <= maximum) or not isinstance(
                offset, int):
            return
        domain = _argument(args, kwargs, 0, 'domain') or []
        count = Model.search_count(domain, offset=offset, limit=maximum + 1)
    else:
        return
    if count > maximum:
        raise TooManyRecords(gettext(
                'kz_base.msg_service_too_many_records', maximum=maximum))


class _Slots:
    """The heavy calls running in this process, by user; the slots of a
    user and of the database across processes are PostgreSQL advisory
    locks of the call's transaction"""
    lock = threading.Lock()
    running = 0
    by_user = defaultdict(int)

    @classmethod
    def acquire(cls, database, user, shared=True):
        """Take a slot of the user and, if shared, one of the process and
        one of the database, or refuse the call"""
        per_user = heavy_calls_per_user()
        per_process = heavy_calls_per_process() if shared else 0
        per_database = heavy_calls_per_database() if shared else 0
        key = (database, user)
        with cls.lock:
            if per_user > 0 and cls.by_user.get(key, 0) >= per_user:
                raise _refused('user', per_user)
            if per_process > 0 and cls.running >= per_process:
                raise _refused('process', per_process)
            if shared:
                cls.running += 1
            cls.by_user[key] += 1
        try:
            if (per_user > 0 or per_database > 0) and _postgresql():
                cls._lock_slots(user, per_user, per_database)
        except BaseException:
            cls.release(database, user, shared=shared)
            raise

    @classmethod
    def release(cls, database, user, shared=True):
        key = (database, user)
        with cls.lock:
            if shared:
                cls.running -= 1
            cls.by_user[key] -= 1
            if cls.by_user[key] <= 0:
                del cls.by_user[key]

    @staticmethod
    def _tries(key, base, count):
        "A CASE taking the first free of count locks: its slot or -1"
        # CASE evaluates in order: at most one lock is taken
        tries = ' '.join(
            f'WHEN pg_try_advisory_xact_lock({key}, {base + slot}) '
            f'THEN {slot}' for slot in range(count))
        return f'CASE {tries} ELSE -1 END'

    @classmethod
    def _lock_slots(cls, user, per_user, per_database):
        """Take a free slot of the user, then one of the database, for the
        transaction (the other processes of the server count too) or
        refuse the call"""
        base = (user % (2 ** 31 // MAX_SLOTS)) * MAX_SLOTS
        user_slot = (cls._tries(HEAVY_LOCK, base, per_user)
            if per_user > 0 else '0')
        database_slot = (cls._tries(HEAVY_LOCK_DATABASE, 0, per_database)
            if per_database > 0 else '0')
        cursor = Transaction().connection.cursor()
        # OFFSET 0 keeps the user's slot a subquery evaluated once, first
        cursor.execute(f'SELECT CASE WHEN s.slot < 0 THEN -2 '
            f'ELSE {database_slot} END '
            f'FROM (SELECT {user_slot} AS slot OFFSET 0) AS s')
        result, = cursor.fetchone()
        if result == -2:
            raise _refused('user', per_user)
        elif result < 0:
            raise _refused('database', per_database)


def _refused(scope, count):
    logger.info("heavy call refused: %s cap of %s reached (user %s)",
        scope, count, Transaction().user)
    if scope == 'user':
        return HeavyCallRefused(gettext(
                'kz_base.msg_service_user_busy', count=count))
    # The process or every process of the database is busy
    return HeavyCallRefused(gettext('kz_base.msg_service_server_busy'))


class _Priority:
    """Lower the CPU priority of the current thread and of the PostgreSQL
    backend of the transaction for a heavy call, and put them back"""
    lock = threading.Lock()
    # Whether this process may put a thread's priority back, and renice
    # the local PostgreSQL backends: probed once
    thread_allowed = None
    backend_allowed = None

    @classmethod
    def _probe_thread(cls):
        "Tell whether a lowered thread priority can be put back"
        result = []

        def probe():
            tid = threading.get_native_id()
            base = os.getpriority(os.PRIO_PROCESS, tid)
            try:
                os.setpriority(os.PRIO_PROCESS, tid, min(base + 1, 19))
                os.setpriority(os.PRIO_PROCESS, tid, base)
                result.append(True)
            except OSError:
                result.append(False)
        # A thread of its own: a refusal would leave it lowered
        thread = threading.Thread(target=probe, daemon=True)
        thread.start()
        thread.join()
        return bool(result and result[0])

    @classmethod
    def _allowed(cls):
        if cls.thread_allowed is None:
            with cls.lock:
                if cls.thread_allowed is None:
                    cls.thread_allowed = (hasattr(os, 'setpriority')
                        and hasattr(threading, 'get_native_id')
                        and cls._probe_thread())
                    if not cls.thread_allowed:
                        logger.info("heavy calls keep their priority: "
                            "this process may not put it back")
        return cls.thread_allowed

    @staticmethod
    def _local_backend(transaction):
        """Return the process id of the transaction's PostgreSQL backend
        when it runs on this host, else None"""
        if not _postgresql():
            return None
        connection = transaction.connection
        info = getattr(connection, 'info', None)
        host = getattr(info, 'host', None) or ''
        # A socket directory or the loopback: the same host and the same
        # process ids (not a container of its own)
        if not (host.startswith('/')
                or host in {'localhost', '127.0.0.1', '::1'}):
            return None
        pid = getattr(info, 'backend_pid', None)
        try:
            with open(f'/proc/{pid}/comm') as fp:
                if not fp.read().startswith('postgres'):
                    return None
        except OSError:
            return None
        return pid

    @classmethod
    def lower(cls, transaction, nice):
        """Lower the priority of the thread and the backend by nice; return
        what to put back: [(pid or tid, priority)]"""
        if nice <= 0 or not cls._allowed():
            return []
        restore = []
        tid = threading.get_native_id()
        base = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(base + nice, 19))
        restore.append((tid, base))
        if cls.backend_allowed is not False:
            pid = cls._local_backend(transaction)
            if pid:
                try:
                    base = os.getpriority(os.PRIO_PROCESS, pid)
                    os.setpriority(os.PRIO_PROCESS, pid, min(base + nice, 19))
                    restore.append((pid, base))
                    cls.backend_allowed = True
                except OSError:
                    if cls.backend_allowed is None:
                        logger.info("heavy calls keep the priority of their "
                            "database backend: this process may not "
                            "renice PostgreSQL")
                    cls.backend_allowed = False
        return restore

    @staticmethod
    def restore(restore):
        for pid, priority in reversed(restore):
            try:
                os.setpriority(os.PRIO_PROCESS, pid, priority)
            except OSError:
                logger.warning("priority of %s not put back to %s", pid,
                    priority, exc_info=True)


_local = threading.local()


def _set_statement_timeout(transaction, seconds):
    "Set the statement timeout of the transaction once"
    marker = (id(transaction), transaction.started_at)
    if getattr(_local, 'timeout_set', None) == marker:
        return
    cursor = transaction.connection.cursor()
    cursor.execute("SELECT set_config('statement_timeout', %s, true)",
        (f'{max(int(seconds * 1000), 1)}ms',))
    _local.timeout_set = marker


def serve(func, kind, Model, name, method, rpc_timeout=None):
    "Wrap the procedure of a client call with the rules of fair service"
    @wraps(func)
    def wrapper(*args, **kwargs):
        transaction = Transaction()
        if (not transaction.user or not transaction.database
                or getattr(_local, 'serving', False)):
            return func(*args, **kwargs)
        seconds = statement_timeout()
        if rpc_timeout:
            seconds = min(seconds, rpc_timeout) if seconds else rpc_timeout
        if seconds and _postgresql():
            _set_statement_timeout(transaction, seconds)
        heavy = is_heavy(kind, Model, method, args, kwargs)
        database, user = transaction.database.name, transaction.user
        lowered = []
        if heavy:
            # Lowered first: a refusal is served at the lower priority too.
            # A count as well: it is not capped but scans the table
            lowered = _Priority.lower(transaction, heavy_call_nice())
            try:
                _Slots.acquire(database, user, shared=heavy is not COUNT)
            except BaseException:
                _Priority.restore(lowered)
                raise
        _local.serving = True
        # The audit trail records through which call a value changed
        _local.call = (kind, name, method)
        started = time.monotonic()
        try:
            if heavy and kind == 'model':
                check_records(Model, method, args, kwargs)
            return func(*args, **kwargs)
        except backend.DatabaseTimeoutError:
            logger.warning("%s.%s of user %s cancelled by the statement "
                "timeout of %s s after %.1f s", name, method, user,
                seconds, time.monotonic() - started)
            # The transaction is aborted: roll back to read the message
            try:
                transaction.rollback()
            except Exception:
                logger.debug("rollback after the statement timeout failed",
                    exc_info=True)
            raise StatementTimeoutError(gettext(
                    'kz_base.msg_service_statement_timeout',
                    seconds=_format_seconds(seconds)))
        finally:
            _local.serving = False
            _local.call = None
            _Priority.restore(lowered)
            if heavy:
                _Slots.release(database, user, shared=heavy is not COUNT)
    return wrapper


def current_call():
    "Return (kind, name, method) of the client call being served or None"
    return getattr(_local, 'call', None)


def _format_seconds(seconds):
    return ('%d' % seconds) if float(seconds).is_integer() else (
        '%g' % seconds)


class ServiceRPC(RPC):
    "An RPC whose procedure is served by the rules of fair service"
    __slots__ = ('kz_rpc', 'kz_kind', 'kz_model', 'kz_method')

    def __init__(self, rpc, kind, Model, method):
        for slot in RPC.__slots__:
            setattr(self, slot, getattr(rpc, slot))
        self.kz_rpc = rpc
        self.kz_kind = kind
        self.kz_model = Model
        self.kz_method = method

    def convert(self, obj, *args, **kwargs):
        return self.kz_rpc.convert(obj, *args, **kwargs)

    def decorate(self, func):
        return serve(self.kz_rpc.decorate(func), self.kz_kind,
            self.kz_model, self.kz_model.__name__, self.kz_method,
            rpc_timeout=self.kz_rpc.timeout)


class _ServedRPCs:
    """The __rpc__ of the class below the mixin, each entry a ServiceRPC;
    built once per class (again if the class's entries change)"""

    def __init__(self, kind):
        self.kind = kind
        self.cache = {}

    def __get__(self, instance, owner):
        try:
            original = super(ServiceMixin, owner).__rpc__
        except (AttributeError, TypeError):
            return {}
        cached = self.cache.get(owner)
        if (cached is not None and cached[0] is original
                and cached[1] == len(original)):
            return cached[2]
        served = {
            method: (rpc if isinstance(rpc, ServiceRPC)
                else ServiceRPC(rpc, self.kind, owner, method))
            for method, rpc in original.items()}
        self.cache[owner] = (original, len(original), served)
        return served


class ServiceMixin:
    __slots__ = ()


class ModelServiceMixin(ServiceMixin):
    "Fair service of the client calls of every model"
    __slots__ = ()
    __rpc__ = _ServedRPCs('model')


class WizardServiceMixin(ServiceMixin):
    "Fair service of the client calls of every wizard"
    __slots__ = ()
    __rpc__ = _ServedRPCs('wizard')


class ReportServiceMixin(ServiceMixin):
    "Fair service of the client calls of every report"
    __slots__ = ()
    __rpc__ = _ServedRPCs('report')

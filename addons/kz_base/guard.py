# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The trust boundary of the platform.

trytond enforces ``readonly``, ``states`` and hidden buttons only in the
client: a JSON-RPC ``write`` may set any field the user's model access
allows, ``export_data`` checks record rules in Python (where a rule on a
dotted path always passes) and any readable field may be searched, even a
password hash.  ClientGuardMixin is registered (tryton.cfg
[register_mixin]) on every ModelStorage of a database where kz_base is
activated, so every model of every addon, and the core ones, is covered
without code of its own:

- a create or write that comes from a client may not set a read-only field
  (statically or by its states for that record), the Workflow state, nor
  the fields server code sets (they are declared read-only); writing the
  value a field already has, or its default on create, is harmless and
  allowed.  Fields a client legitimately writes while they look read-only
  are listed in the model's ``_client_writable``.  One2Many and Many2Many
  values are checked on their target model the same way;
- ``export_data`` returns only what ``read`` returns: the records and every
  record reached through the exported paths are read under the record
  rules in SQL, with the resource access of attachments, notes and logs;
- a client may not search or order on a field it may not read (field
  access, password hashes and other secrets);
- error messages do not name records the user may not read.

Server code (buttons, transitions, wizards, crons, demo data) runs without
access checks and is not concerned."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Model, ModelStorage, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import PYSON
from trytond.transaction import (
    Transaction, check_access, without_check_access)

from .exceptions import ClientWriteError

# Fields no client may search, order or group on, whatever its access
SECRET_FIELDS = {
    'res.user': {'password_hash', 'password_reset', 'password_reset_expire'},
    'res.user.application': {'key'},
    'res.user.device': {'cookie'},
    'res.user.login.attempt': {'login', 'device_cookie'},
    'ir.session': {'key'},
    'ir.session.wizard': {'data'},
    }
LOG_FIELDS = {'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}
X2MANY = {'one2many', 'many2many'}


def client_call():
    "Tell whether the current call comes from a client and is not checked"
    transaction = Transaction()
    return bool(transaction.user and transaction.check_access
        and not transaction.context.get('_kz_guarded'))


def guarded():
    "The values of the client call are checked: the server code runs on"
    return Transaction().set_context(_kz_guarded=True)


def _empty(value):
    return value is None or value is False or value == '' or value == []


def _normalise(field, value):
    if isinstance(value, Model):
        if field._type == 'reference':
            return str(value)
        return value.id
    if isinstance(value, (list, tuple)) and field._type in X2MANY:
        return sorted(r.id if isinstance(r, Model) else r for r in value)
    if isinstance(value, float) and field._type == 'numeric':
        return Decimal(str(value))
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return value


def _same(field, value, other):
    if _empty(value) and _empty(other):
        return True
    try:
        return _normalise(field, value) == _normalise(field, other)
    except (TypeError, ValueError):
        return False


def user_may_read(record):
    """Tell whether the user of the transaction may read the record, by
    its model access and record rules"""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    Rule = pool.get('ir.rule')
    transaction = Transaction()
    Model_ = record.__class__
    if not transaction.user or record.id is None or record.id < 0:
        return True
    with check_access():
        if not ModelAccess.check(
                Model_.__name__, 'read', raise_exception=False):
            return False
        try:
            Rule.check(Model_.__name__, [record.id], mode='read')
        except AccessError:
            return False
    return True


class ClientGuardMixin:
    "Refuse on the server what a client could not do in the screens"
    __slots__ = ()

    @classmethod
    def create(cls, vlist):
        if not client_call():
            return super().create(vlist)
        if Transaction().context.get('_kz_copy'):
            vlist = [cls._kz_copy_values(v) for v in vlist]
        else:
            cls.kz_check_client_create(vlist)
        with guarded():
            return super().create(vlist)

    @classmethod
    def write(cls, *args):
        if not client_call():
            return super().write(*args)
        actions = iter(args)
        for records, values in zip(actions, actions):
            cls.kz_check_client_write(records, values)
        with guarded():
            return super().write(*args)

    @classmethod
    def copy(cls, records, default=None):
        # A copy made by a client is a new record: the protected values of
        # the original (its state, decisions, numbers) are not copied.
        if not client_call():
            return super().copy(records, default=default)
        with Transaction().set_context(_kz_copy=True):
            return super().copy(records, default=default)

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            **kwargs):
        if client_call():
            cls.kz_check_client_domain(domain)
            cls.kz_check_client_order(order)
        return super().search(domain, offset=offset, limit=limit,
            order=order, count=count, **kwargs)

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        if client_call():
            cls.kz_check_export(records,
                [name.split('/') for name in fields_names])
        return super().export_data(records, fields_names, header=header)

    @classmethod
    def __names__(cls, field=None, record=None):
        names = super().__names__(field=field, record=record)
        if record is not None and isinstance(record, Model):
            if not user_may_read(record):
                names['record'] = str(record.id)
            if field and 'value' in names:
                value = getattr(record, field, None)
                if isinstance(value, (list, tuple)):
                    if not all(user_may_read(v) for v in value
                            if isinstance(v, ModelStorage)):
                        names['value'] = ', '.join(
                            str(getattr(v, 'id', v)) for v in value)
                elif (isinstance(value, ModelStorage)
                        and not user_may_read(value)):
                    names['value'] = str(value.id)
        return names

    # Writes

    @classmethod
    def _kz_client_writable(cls):
        return set(getattr(cls, '_client_writable', ()))

    @classmethod
    def kz_protection(cls, name, record):
        """Return why a client may not set the field on the record
        ('readonly', 'states', 'state') or None"""
        field = cls._fields[name]
        if name in cls._kz_client_writable():
            return None
        if name in LOG_FIELDS:
            return 'readonly'
        if issubclass(cls, Workflow) and name == cls._transition_state:
            return 'state'
        if field.readonly:
            return 'readonly'
        readonly = field.states.get('readonly') if field.states else None
        if readonly is None:
            return None
        if isinstance(readonly, PYSON):
            User = Pool().get('res.user')
            from trytond.model.modelstorage import _record_eval_pyson
            with Transaction().set_context(groups=User.get_groups()):
                try:
                    readonly = _record_eval_pyson(record, readonly)
                except Exception:
                    # A condition that cannot be evaluated protects
                    readonly = True
        return 'states' if readonly else None

    @classmethod
    def _kz_refuse(cls, name, record, value):
        pool = Pool()
        IrModel = pool.get('ir.model')
        IrModelField = pool.get('ir.model.field')
        names = {
            'field': IrModelField.get_name(cls.__name__, name),
            'model': IrModel.get_name(cls.__name__),
            }
        if record.id is None or record.id < 0:
            raise ClientWriteError(gettext(
                    'kz_base.msg_client_create_readonly', **names))
        raise ClientWriteError(gettext('kz_base.msg_client_write_readonly',
                record=(record.rec_name if user_may_read(record)
                    else record.id), **names))

    @classmethod
    def _kz_preview(cls, values, base=None):
        "An unsaved record of the values (over base) to evaluate states"
        scalar = {k: v for k, v in values.items()
            if k in cls._fields and k not in LOG_FIELDS
            and cls._fields[k]._type not in X2MANY
            and not isinstance(cls._fields[k], fields.Function)}
        try:
            if base is not None:
                record = cls(base.id)
                for key, value in scalar.items():
                    setattr(record, key, value)
                return record
            return cls(**scalar)
        except Exception:
            return base if base is not None else cls()

    @classmethod
    def kz_check_client_create(cls, vlist):
        # The states of a new record read the defaults of every field
        defaults = cls.default_get(list(cls._fields), with_rec_name=False)
        for values in vlist:
            record = cls._kz_preview({**defaults, **values})
            for name, value in values.items():
                if name not in cls._fields:
                    continue
                field = cls._fields[name]
                reason = cls.kz_protection(name, record)
                changed = not _same(field, value, defaults.get(name))
                if field._type in X2MANY:
                    if reason and not _empty(value):
                        cls._kz_refuse(name, record, value)
                    cls._kz_check_x2many(field, value)
                elif reason and changed:
                    cls._kz_refuse(name, record, value)
                if changed:
                    cls._kz_check_links(field, value)

    @classmethod
    def kz_check_client_write(cls, records, values):
        names = [n for n in values if n in cls._fields]
        if not names:
            return
        linked = {}
        for original in records:
            record = cls._kz_preview(values, base=original)
            for name in names:
                field = cls._fields[name]
                value = values[name]
                # States are those of the record as the form shows it:
                # stored values with the client's changes
                reason = (cls.kz_protection(name, record)
                    and cls.kz_protection(name, original))
                if field._type in X2MANY:
                    if reason and not _empty(value):
                        cls._kz_refuse(name, original, value)
                    continue
                with without_check_access():
                    current = getattr(original, name)
                if _same(field, value, current):
                    continue
                if reason:
                    cls._kz_refuse(name, original, value)
                linked.setdefault(name, value)
        for name, value in linked.items():
            cls._kz_check_links(cls._fields[name], value)
        for name in names:
            field = cls._fields[name]
            if field._type in X2MANY:
                cls._kz_check_links(field, values[name])
                cls._kz_check_x2many(field, values[name])

    @classmethod
    def _kz_check_links(cls, field, value):
        """A client links only records it may read, as the search of the
        form offers them"""
        pool = Pool()
        targets = {}
        if field._type in {'many2one', 'one2one'}:
            if isinstance(value, int) and value >= 0:
                targets[field.get_target()] = [value]
        elif field._type == 'reference':
            if isinstance(value, str) and ',' in value:
                model, id_ = value.split(',', 1)
                try:
                    id_ = int(id_)
                    Target = pool.get(model)
                except (ValueError, KeyError):
                    return
                if id_ >= 0:
                    targets[Target] = [id_]
        elif field._type in X2MANY and isinstance(value, (list, tuple)):
            ids = []
            for action in value:
                if isinstance(action, int):
                    ids.append(action)
                elif (isinstance(action, (list, tuple)) and action
                        and action[0] in {'add', 'set'}
                        and len(action) > 1):
                    ids.extend(i for i in action[1] if isinstance(i, int))
            if ids:
                targets[field.get_target()] = [i for i in ids if i >= 0]
        for Target, ids in targets.items():
            if ids and issubclass(Target, ModelStorage):
                with check_access():
                    Target.read(ids, ['id'])

    @classmethod
    def _kz_check_x2many(cls, field, actions):
        "Check the create and write actions of a x2many value on its target"
        if not isinstance(actions, (list, tuple)):
            return
        Target = field.get_target()
        if not hasattr(Target, 'kz_check_client_create'):
            return
        for action in actions:
            if not isinstance(action, (list, tuple)) or not action:
                continue
            if action[0] == 'create':
                Target.kz_check_client_create(list(action[1]))
            elif action[0] == 'write':
                rest = iter(action[1:])
                for ids, values in zip(rest, rest):
                    Target.kz_check_client_write(Target.browse(ids), values)

    @classmethod
    def _kz_copy_values(cls, values):
        "Drop from copied values what a client could not set on create"
        defaults = cls.default_get(list(cls._fields), with_rec_name=False)
        record = cls._kz_preview({**defaults, **values})
        copied = {}
        for name, value in values.items():
            if (name in cls._fields
                    and cls._fields[name]._type not in X2MANY
                    and cls.kz_protection(name, record)
                    and not _same(cls._fields[name], value,
                        defaults.get(name))):
                if name in defaults:
                    copied[name] = defaults[name]
                continue
            copied[name] = value
        return copied

    # Searches and exports

    @classmethod
    def kz_may_search(cls, name):
        "Tell whether the client may search or order on the field"
        ModelFieldAccess = Pool().get('ir.model.field.access')
        if name in SECRET_FIELDS.get(cls.__name__, ()):
            return False
        with check_access():
            return ModelFieldAccess.check(
                cls.__name__, [name], 'read', raise_exception=False)

    @classmethod
    def _kz_check_path(cls, path, domain=None, target=None):
        Model_ = cls
        parts = path.split('.')
        for i, part in enumerate(parts):
            part = part.split(':lang=')[0]
            field = Model_._fields.get(part)
            if field is None:
                return
            if (hasattr(Model_, 'kz_may_search')
                    and not Model_.kz_may_search(part)):
                raise AccessError(gettext(
                        'kz_base.msg_client_search_forbidden',
                        field=path))
            if field._type == 'reference':
                if not target:
                    return
                Model_ = Pool().get(target)
            elif hasattr(field, 'get_target'):
                Model_ = field.get_target()
            else:
                return
        if domain is not None and hasattr(Model_, 'kz_check_client_domain'):
            Model_.kz_check_client_domain(domain)

    @classmethod
    def kz_check_client_domain(cls, domain):
        if not isinstance(domain, (list, tuple)):
            return
        if (domain and isinstance(domain[0], str)
                and domain[0] not in {'AND', 'OR'}):
            # A clause: (path, operator, value[, model])
            if len(domain) < 2:
                return
            operator = domain[1]
            if operator in {'where', 'not where'}:
                target = domain[3] if len(domain) > 3 else None
                cls._kz_check_path(domain[0], domain=domain[2],
                    target=target)
            else:
                target = domain[3] if len(domain) > 3 else None
                cls._kz_check_path(domain[0], target=target)
            return
        for clause in domain:
            if isinstance(clause, (list, tuple)):
                cls.kz_check_client_domain(clause)

    @classmethod
    def kz_check_client_order(cls, order):
        for item in order or []:
            if isinstance(item, (list, tuple)) and item:
                cls._kz_check_path(str(item[0]))

    @classmethod
    def kz_check_export(cls, records, paths):
        """Read the records and every record reached through the paths as
        the user: record rules in SQL, resource access, field access"""
        ids = [r.id for r in records if r.id is not None and r.id >= 0]
        if not ids:
            return
        with check_access():
            cls.read(ids, ['id'])
        followed = {}
        for path in paths:
            if len(path) < 2:
                continue
            name = path[0].split('.')[0].split(':lang=')[0]
            followed.setdefault(name, []).append(path[1:])
        for name, subpaths in followed.items():
            field = cls._fields.get(name)
            if field is None or not (field._type in X2MANY
                    or field._type in {'many2one', 'one2one', 'reference'}):
                continue
            targets = {}
            with without_check_access():
                for record in cls.browse(ids):
                    value = getattr(record, name)
                    if isinstance(value, ModelStorage):
                        value = [value]
                    for target in value or []:
                        if isinstance(target, ModelStorage):
                            targets.setdefault(
                                target.__class__, set()).add(target.id)
            for Target, target_ids in targets.items():
                Target = Pool().get(Target.__name__)
                if hasattr(Target, 'kz_check_export'):
                    Target.kz_check_export(
                        Target.browse(sorted(target_ids)), subpaths)

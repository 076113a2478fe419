# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The audit trail: who changed which field of which record, when, from
which value to which, and through which action.

trytond's ir.model.log records that a client wrote some fields, clicked a
button or ran a wizard, but neither the values nor the writes of server
code (a button's transition, a cron).  AuditMixin is registered on every
ModelSQL (tryton.cfg [register_mixin]); for the models an addon kz_*
defines it reads the written fields before the write and again after it
(ModelStorage.on_write), and records one kz.audit.entry per changed
value.

The trail is read-only for everyone: no group has a write, create or
delete access, and a client call that would modify it is refused whatever
the access records say (check_modification).  Only the retention cron
removes entries older than the configured retention."""
import datetime as dt
import decimal
from contextlib import contextmanager

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from . import service

X2MANY = {'one2many', 'many2many'}
# Fields trytond maintains itself
SKIPPED = {'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}
_AUDITED = {}


def defining_module(Model):
    """Return the addon that defines the model (not one that extends it):
    the module of the deepest class of its MRO that sets its name"""
    original = None
    for klass in Model.__mro__:
        if vars(klass).get('__name__') == Model.__name__:
            original = klass
    if original is None:
        return None
    parts = original.__module__.split('.')
    if parts[:2] == ['trytond', 'modules'] and len(parts) > 2:
        return parts[2]
    return None


def audited(Model):
    "Tell whether the changes of the model are recorded"
    result = _AUDITED.get(Model)
    if result is None:
        result = _AUDITED[Model] = bool(
            issubclass(Model, ModelSQL)
            and Model.__name__ != 'kz.audit.entry'
            and not Model._is_table_query()
            and (defining_module(Model) or '').startswith('kz_'))
    return result


def audited_fields(Model, names):
    result = []
    for name in names:
        field = Model._fields.get(name)
        if (field is None or name in SKIPPED or field._type in X2MANY
                or field._type == 'binary'):
            continue
        if isinstance(field, fields.Function) and not field.setter:
            continue
        result.append(name)
    return result


def _format(Model, name, value, row):
    "Return the value as the user reads it"
    field = Model._fields[name]
    if value is None or value == '':
        return ''
    if field._type == 'many2one':
        related = row.get(f'{name}.') or {}
        return related.get('rec_name') or str(value)
    if field._type == 'selection':
        selection = field.selection
        if isinstance(selection, (list, tuple)):
            return str(dict(
                    Model.fields_get([name])[name]['selection']).get(
                    value, value))
        return str(value)
    if field._type == 'boolean':
        return gettext('kz_base.msg_list_xlsx_yes' if value
            else 'kz_base.msg_list_xlsx_no')
    if isinstance(value, decimal.Decimal):
        return format(value, 'f')
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=' ') if isinstance(value, dt.datetime) \
            else value.isoformat()
    return str(value)


def snapshot(Model, ids, names):
    "Return {id: {name: text}} of the fields of the records"
    read_names = list(names) + [
        f'{n}.rec_name' for n in names
        if Model._fields[n]._type == 'many2one']
    with without_check_access():
        rows = Model.read(ids, read_names)
        return {row['id']: {n: _format(Model, n, row[n], row) for n in names}
            for row in rows}


def action():
    "Return the label and the technical name of the current action"
    pool = Pool()
    call = service.current_call()
    if call is None:
        return gettext('kz_base.msg_audit_action_system'), None
    kind, name, method = call
    technical = f'{kind}.{name}.{method}'
    if kind == 'model':
        if method in {'write', 'create', 'delete'}:
            return gettext(f'kz_base.msg_audit_action_{method}'), technical
        Button = pool.get('ir.model.button')
        with without_check_access():
            string = Button.get_view_attributes(name, method).get('string')
        return gettext('kz_base.msg_audit_action_button',
            button=string or method), technical
    if kind == 'wizard':
        Wizard = pool.get('ir.action.wizard')
        context = Transaction().context
        with without_check_access():
            string = Wizard.get_name(name, context.get('active_model'))
        return gettext('kz_base.msg_audit_action_wizard',
            wizard=string), technical
    return technical, technical


# Types whose SQL text is the text _format gives
_SQL_TEXT_TYPES = {'char', 'text', 'integer', 'bigint', 'numeric', 'float',
    'date'}


@contextmanager
def audited_sql_update(Model, names, source, source_id,
        record_name=None):
    """Record in the audit trail what SQL in the block changes in the fields
    names of the records of Model whose ids are the column source_id of the
    table source: for the bulk updates that bypass the ORM (the Annex 4
    debts), whose on_write hook does not run.  record_name is an SQL
    expression of the table's row "t" that names the record."""
    if not audited(Model):
        yield
        return
    names = [n for n in audited_fields(Model, names)
        if Model._fields[n]._type in _SQL_TEXT_TYPES]
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    columns = ', '.join('t."%s"' % n for n in names)
    cursor.execute('CREATE TEMPORARY TABLE kz_audit_before '
        'ON COMMIT DROP AS SELECT t.id, %s FROM "%s" AS t '
        'JOIN "%s" AS s ON t.id = s."%s"' % (
            columns, Model._table, source, source_id))
    yield
    label, call = action()
    Entry = Pool().get('kz.audit.entry')
    now = dt.datetime.now()
    user = transaction.user or None
    for name in names:
        cursor.execute('INSERT INTO "%s" (create_uid, create_date, '
            'date, "user", model, record_id, record_name, field, '
            'old_value, new_value, action, call) '
            'SELECT %%s, %%s, %%s, %%s, %%s, t.id, %s, %%s, '
            'COALESCE(CAST(b."%s" AS VARCHAR), \'\'), '
            'COALESCE(CAST(t."%s" AS VARCHAR), \'\'), %%s, %%s '
            'FROM kz_audit_before AS b JOIN "%s" AS t ON t.id = b.id '
            'WHERE b."%s" IS DISTINCT FROM t."%s"' % (
                Entry._table, record_name or 'NULL', name, name,
                Model._table, name, name),
            (transaction.user, now, now, user, Model.__name__, name,
                label, call))
    # (an error in the block rolls the table back with the transaction)
    cursor.execute('DROP TABLE kz_audit_before')


class AuditMixin:
    "Record the changes of the fields of the kz_* models (kz.audit.entry)"
    __slots__ = ()

    @classmethod
    def on_write(cls, records, values):
        callbacks = super().on_write(records, values)
        if not records or not audited(cls):
            return callbacks
        names = audited_fields(cls, values.keys())
        if not names:
            return callbacks
        ids = [r.id for r in records]
        old = snapshot(cls, ids, names)

        def record():
            Entry = Pool().get('kz.audit.entry')
            Entry.kz_record(cls, ids, names, old, snapshot(cls, ids, names))
        callbacks.append(record)
        return callbacks


class AuditEntry(ModelSQL, ModelView):
    "One changed value of a record"
    __name__ = 'kz.audit.entry'
    __string__ = "Audit Trail Entry"

    date = fields.Timestamp("Date", readonly=True, required=True)
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='RESTRICT')
    model = fields.Char("Model", readonly=True, required=True)
    model_string = fields.Function(
        fields.Char("Document Type"), 'get_model_string')
    record_id = fields.Integer("Record ID", readonly=True, required=True)
    resource = fields.Function(
        fields.Reference("Record", selection='get_models'), 'get_resource')
    record_name = fields.Char(
        "Record Name", readonly=True,
        help="The name of the record when it was changed.")
    field = fields.Char("Field Name", readonly=True, required=True)
    field_string = fields.Function(
        fields.Char("Field"), 'get_field_string')
    old_value = fields.Text("Old Value", readonly=True)
    new_value = fields.Text("New Value", readonly=True)
    action = fields.Char(
        "Action", readonly=True,
        help="Through which action the value changed: an edit, a button, "
        "a wizard or a task of the server.")
    call = fields.Char(
        "Call", readonly=True,
        help="The call of the client that made the change.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.model, Index.Equality()),
                    (t.record_id, Index.Equality())),
                Index(t, (t.date, Index.Range())),
                })

    @classmethod
    def get_models(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        return [(None, '')] + sorted(
            (name, Model.get_name(name))
            for name, klass in pool.iterobject() if audited(klass))

    def get_model_string(self, name):
        return Pool().get('ir.model').get_name(self.model)

    def get_resource(self, name):
        return f'{self.model},{self.record_id}'

    def get_field_string(self, name):
        Field = Pool().get('ir.model.field')
        return Field.get_name(self.model, self.field)

    def get_rec_name(self, name):
        return f'{self.record_name or self.resource}: {self.field_string}'

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        # Whatever the access records say (an administrator may change
        # them): no client creates, edits or deletes the trail
        if external:
            raise AccessError(gettext('kz_base.msg_audit_readonly'))

    @classmethod
    def kz_record(cls, Model, ids, names, old, new):
        "Record the changed values of the records of Model"
        transaction = Transaction()
        label, call = action()
        now = dt.datetime.now()
        vlist = []
        changed = [i for i in ids
            if any(old.get(i, {}).get(n) != new.get(i, {}).get(n)
                for n in names)]
        if not changed:
            return
        with without_check_access():
            record_names = {r.id: r.rec_name for r in Model.browse(changed)}
        for id_ in changed:
            for name in names:
                before = old.get(id_, {}).get(name)
                after = new.get(id_, {}).get(name)
                if before == after:
                    continue
                vlist.append({
                        'date': now,
                        'user': transaction.user or None,
                        'model': Model.__name__,
                        'record_id': id_,
                        'record_name': record_names.get(id_),
                        'field': name,
                        'old_value': before,
                        'new_value': after,
                        'action': label,
                        'call': call,
                        })
        if vlist:
            with without_check_access():
                cls.create(vlist)

    @classmethod
    def purge(cls):
        "Remove the entries older than the retention (cron)"
        Configuration = Pool().get('kz.configuration')
        days = Configuration(1).audit_retention_days
        if not days:
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(where=table.date
                < dt.datetime.now() - dt.timedelta(days=days)))

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"The audit trail (audit.py): the changes of every kz_* model, read-only"
import datetime as dt
import io
import unittest
from unittest.mock import patch

from openpyxl import load_workbook

from trytond.model.exceptions import AccessError
from trytond.modules.kz_base.exceptions import ClientWriteError
from trytond.modules.kz_base import service
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access


class AuditTestCase(unittest.TestCase):
    "Test the audit trail of kz_base"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_base')

    def entries(self, record, field=None):
        Entry = Pool().get('kz.audit.entry')
        domain = [
            ('model', '=', record.__name__),
            ('record_id', '=', record.id),
            ]
        if field:
            domain.append(('field', '=', field))
        return Entry.search(domain, order=[('id', 'ASC')])

    @with_transaction()
    def test_write_recorded(self):
        "Who changed which field from which value to which, and how"
        pool = Pool()
        Organization = pool.get('kz.organization')
        Region = pool.get('kz.region')
        User = pool.get('res.user')
        astana, = Region.search([('code', '=', '710000000')])
        almaty, = Region.search([('code', '=', '750000000')])
        user, = User.create([{'login': 'clerk', 'name': "Clerk"}])
        akimat, = Organization.create([{
                    'name': "Akimat", 'kind': 'akimat',
                    'region': astana.id}])
        self.assertEqual(self.entries(akimat), [])
        with Transaction().set_user(user.id), patch.object(
                service, 'current_call',
                return_value=('model', 'kz.organization', 'write')):
            Organization.write([akimat], {
                    'name': "Akimat of Almaty", 'region': almaty.id,
                    'kind': 'akimat'})
        name, = self.entries(akimat, 'name')
        region, = self.entries(akimat, 'region')
        self.assertEqual((name.field, name.old_value, name.new_value),
            ('name', "Akimat", "Akimat of Almaty"))
        self.assertEqual(name.user, user)
        self.assertEqual(name.action, "Edited")
        self.assertEqual(name.call, 'model.kz.organization.write')
        self.assertEqual(name.field_string, "Name")
        self.assertEqual(name.resource, akimat)
        # A Many2One shows the name of the record
        self.assertEqual(region.field, 'region')
        self.assertEqual(region.old_value, astana.rec_name)
        self.assertEqual(region.new_value, almaty.rec_name)
        # The unchanged kind is not recorded
        self.assertEqual(len(self.entries(akimat)), 2)
        # Server code (a cron, a transition) is recorded as such
        Organization.write([akimat], {'name': "Akimat 2"})
        last = self.entries(akimat, 'name')[-1]
        self.assertEqual(last.action, "Task of the server")
        self.assertIsNone(last.call)

    @with_transaction()
    def test_trail_read_only(self):
        "No one, not even the administrator, changes the trail as a client"
        pool = Pool()
        Organization = pool.get('kz.organization')
        Entry = pool.get('kz.audit.entry')
        Access = pool.get('ir.model.access')
        User = pool.get('res.user')
        organization, = Organization.create([{
                    'name': "Bank", 'kind': 'bank'}])
        Organization.write([organization], {'name': "Bank 2"})
        entry, = self.entries(organization)
        admin, = User.search([('login', '=', 'admin')])
        # Even with an access record that allows it
        ModelData = pool.get('ir.model.data')
        Access.create([{'model': 'kz.audit.entry',
                    'group': ModelData.get_id('kz_base', 'group_kz_audit'),
                    'perm_read': True, 'perm_write': True,
                    'perm_delete': True, 'perm_create': True}])
        with Transaction().set_user(admin.id), check_access():
            self.assertEqual(Entry.search([('id', '=', entry.id)]), [entry])
            # write and create may be refused first by the guard (the
            # fields are read-only), delete by the trail itself
            with self.assertRaises((AccessError, ClientWriteError)):
                Entry.write([Entry(entry.id)], {'new_value': "forged"})
            with self.assertRaisesRegex(AccessError, 'audit trail'):
                Entry.delete([Entry(entry.id)])
            with self.assertRaises((AccessError, ClientWriteError)):
                Entry.create([{'date': dt.datetime.now(),
                            'model': 'kz.organization',
                            'record_id': organization.id, 'field': 'name'}])
        self.assertEqual(Entry(entry.id).new_value, "Bank 2")

    @with_transaction()
    def test_trail_hidden_without_group(self):
        "A user outside the Audit Trail group does not read it"
        pool = Pool()
        Entry = pool.get('kz.audit.entry')
        User = pool.get('res.user')
        user, = User.create([{'login': 'nosy', 'name': "Nosy"}])
        with Transaction().set_user(user.id), check_access():
            with self.assertRaises(AccessError):
                Entry.search([])

    @with_transaction()
    def test_history_relate(self):
        "The History is in the relate menu of a kz model for the group"
        pool = Pool()
        Keyword = pool.get('ir.action.keyword')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        action_id = ModelData.get_id('kz_base', 'act_audit_entry_relate')
        admin, = User.search([('login', '=', 'admin')])
        user, = User.create([{'login': 'plain', 'name': "Plain"}])
        with Transaction().set_user(admin.id):
            ids = [k['id'] for k in Keyword.get_keyword(
                    'form_relate', ('kz.organization', -1))]
            self.assertIn(action_id, ids)
            ids = [k['id'] for k in Keyword.get_keyword(
                    'form_relate', ('res.user', -1))]
            self.assertNotIn(action_id, ids)
        with Transaction().set_user(user.id):
            ids = [k['id'] for k in Keyword.get_keyword(
                    'form_relate', ('kz.organization', -1))]
            self.assertNotIn(action_id, ids)

    @with_transaction()
    def test_retention_purge(self):
        "The cron removes the entries older than the retention only"
        pool = Pool()
        Organization = pool.get('kz.organization')
        Entry = pool.get('kz.audit.entry')
        Configuration = pool.get('kz.configuration')
        organization, = Organization.create([{
                    'name': "Bank", 'kind': 'bank'}])
        Organization.write([organization], {'name': "Bank 2"})
        Organization.write([organization], {'name': "Bank 3"})
        old, new = self.entries(organization)
        table = Entry.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.date],
                [dt.datetime.now() - dt.timedelta(days=40)],
                where=table.id == old.id))
        config = Configuration(1)
        config.audit_retention_days = 0
        config.save()
        Entry.purge()
        self.assertEqual(len(self.entries(organization)), 2)
        config.audit_retention_days = 30
        config.save()
        Entry.purge()
        self.assertEqual(self.entries(organization), [new])

    @with_transaction()
    def test_export_xlsx(self):
        "The trail exports to Excel like every list, old and new values"
        pool = Pool()
        Organization = pool.get('kz.organization')
        ListXlsx = pool.get('kz.list.xlsx', type='report')
        organization, = Organization.create([{
                    'name': "Bank", 'kind': 'bank'}])
        Organization.write([organization], {'name': "Bank 2"})
        entry, = self.entries(organization)
        oext, content, _, _ = ListXlsx.execute(
            [entry.id], {'model': 'kz.audit.entry'})
        self.assertEqual(oext, 'xlsx')
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertIn("Old Value", rows[0])
        self.assertIn("New Value", rows[0])
        self.assertIn("Bank", rows[1])
        self.assertIn("Bank 2", rows[1])

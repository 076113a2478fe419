# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"The audit trail of the NCIP: a passport's cost, a task's deadline"
import datetime as dt
import unittest
from decimal import Decimal
from unittest.mock import patch

from trytond.model.exceptions import AccessError
from trytond.modules.kz_base.exceptions import ClientWriteError
from trytond.modules.kz_base import service
from trytond.modules.kz_base.tests.tools import as_user
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from .tools import create_project, project_with_roadmap, setup_world


def client_call(model, method):
    "Act as if the client called model.method (kz_base service.py)"
    return patch.object(service, 'current_call',
        return_value=('model', model, method))


class NcipAuditTestCase(unittest.TestCase):
    "Test the audit trail of kz_ncip"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_ncip')

    def entries(self, record, field):
        Entry = Pool().get('kz.audit.entry')
        return Entry.search([
                ('model', '=', record.__name__),
                ('record_id', '=', record.id),
                ('field', '=', field),
                ], order=[('id', 'ASC')])

    @with_transaction()
    def test_passport_cost_history(self):
        "The cost of a passport: who, when, old and new value, the action"
        pool = Pool()
        Project = pool.get('ncip.project')
        w = setup_world()
        project = create_project(w)
        self.assertEqual(project.state, 'passport')
        before = dt.datetime.now()
        with as_user(w.akimat), client_call('ncip.project', 'write'):
            Project.write([Project(project.id)],
                {'cost': Decimal('1500000000.00')})
        entry, = self.entries(project, 'cost')
        self.assertEqual(Decimal(entry.old_value), Decimal('1000000000'))
        self.assertEqual(Decimal(entry.new_value), Decimal('1500000000'))
        self.assertEqual(entry.user, w.akimat)
        self.assertGreaterEqual(entry.date, before.replace(microsecond=0))
        self.assertEqual(entry.action, "Edited")
        self.assertEqual(entry.field_string, "Estimated Cost")
        self.assertEqual(entry.record_name, Project(project.id).rec_name)

    @with_transaction()
    def test_task_deadline_history(self):
        "A roadmap task's deadline changed by an approved deadline change"
        pool = Pool()
        Task = pool.get('ncip.roadmap.task')
        Change = pool.get('ncip.roadmap.deadline_change')
        w = setup_world()
        project = project_with_roadmap(w)
        task = project.tasks[0]
        old = task.deadline
        new = old + dt.timedelta(days=10)
        with as_user(w.akimat):
            change, = Change.create([{
                        'task': task.id, 'new_deadline': new,
                        'reason': "Late equipment delivery",
                        'investor_agreed': True}])
            Change.request([Change(change.id)])
        with as_user(w.authorized), client_call(
                'ncip.roadmap.deadline_change', 'approve'):
            Change.approve([Change(change.id)])
        entry = self.entries(task, 'deadline')[-1]
        self.assertEqual(entry.old_value, old.isoformat())
        self.assertEqual(entry.new_value, new.isoformat())
        self.assertEqual(entry.user, w.authorized)
        self.assertEqual(entry.action, 'Button "Approve"')
        self.assertEqual(
            entry.call, 'model.ncip.roadmap.deadline_change.approve')

    @with_transaction()
    def test_trail_not_written_by_any_role(self):
        "No role of the platform creates, edits or deletes the trail"
        pool = Pool()
        Project = pool.get('ncip.project')
        Entry = pool.get('kz.audit.entry')
        w = setup_world()
        project = create_project(w)
        Project.write([project], {'cost': Decimal('1200000000')})
        entry, = self.entries(project, 'cost')
        for user in [w.akimat, w.akimat2, w.chamber, w.authorized,
                w.investor_user, w.ministry, w.embassy]:
            with self.subTest(user=user.login), as_user(user):
                with self.assertRaises((AccessError, ClientWriteError)):
                    Entry.write([Entry(entry.id)], {'new_value': "1"})
                with self.assertRaises(AccessError):
                    Entry.delete([Entry(entry.id)])
                with self.assertRaises((AccessError, ClientWriteError)):
                    Entry.create([{'date': dt.datetime.now(),
                                'model': 'ncip.project',
                                'record_id': project.id, 'field': 'cost'}])
        self.assertEqual(
            Decimal(Entry(entry.id).new_value), Decimal('1200000000'))

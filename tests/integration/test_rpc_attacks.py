# This file is part of the KZ Investment Platform.
"""The attacks of issue 12, replayed over JSON-RPC against a running server
on PostgreSQL, each as the demo user who tried it.  Every call must be
refused and leave the data as it was.

The generic checks of every model (read-only fields, exports under record
rules) are in test_guard_every_model.py; this file keeps the reproductions
as the attacker made them."""
import base64
import io
import json
import os
import time
import unittest
import zipfile

import openpyxl

from bench.rpc import Client, RPCError
from tests import support

DATABASE = 'test_integration_demo'


class RPCAttackTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        support.demo_database(DATABASE)
        cls._server = support.running_server(DATABASE)
        cls.url = cls._server.__enter__()
        cls._clients = {}
        cls.admin = cls.client('admin')
        cls.users = {u['login']: u['id'] for u in cls.admin.call(
                'model.res.user.search_read', [], 0, None, None,
                ['login'], {})}

    @classmethod
    def tearDownClass(cls):
        cls._server.__exit__(None, None, None)

    @classmethod
    def client(cls, login):
        if login not in cls._clients:
            client = Client(cls.url, DATABASE)
            client.login(login, support.ADMIN_PASSWORD if login == 'admin'
                else support.DEMO_PASSWORD)
            cls._clients[login] = client
        return cls._clients[login]

    def call(self, login, method, *params):
        return self.client(login).call(method, *params, {})

    def assertRefused(self, login, method, *params, message=None):
        "The call fails with a user error, not a traceback"
        with self.assertRaises(RPCError) as context:
            self.call(login, method, *params)
        error = context.exception.args[0]
        text = str(error)
        self.assertNotIn('Traceback', text)
        if message:
            self.assertRegex(text, message)
        return error

    def find(self, model, domain, fields=('id',), login='admin'):
        return self.call(login, f'model.{model}.search_read', domain, 0,
            None, None, list(fields))

    def one(self, model, domain, fields=('id',)):
        records = self.find(model, domain, fields)
        self.assertEqual(len(records), 1, msg=f"{model} {domain}")
        return records[0]

    # Workflow shortcuts

    def test_measure_approved_by_issuer(self):
        "An akimat approves its own restrictive measure by write or create"
        measure = self.one('prosecutor.measure',
            [('kind', '=', 'permit_suspension')],
            ['state', 'project', 'investor', 'issuer', 'region'])
        self.assertEqual(measure['state'], 'submitted')
        self.assertRefused('akimat.astana', 'model.prosecutor.measure.write',
            [measure['id']], {'state': 'approved'}, message='read-only')
        self.assertRefused('akimat.astana', 'model.prosecutor.measure.create',
            [{'kind': 'permit_suspension', 'state': 'approved',
                    'project': measure['project'],
                    'investor': measure['investor'],
                    'issuer': measure['issuer'],
                    'region': measure['region'],
                    'legal_grounds': "x"}])
        measure = self.one('prosecutor.measure',
            [('id', '=', measure['id'])], ['state', 'in_effect'])
        self.assertEqual(
            (measure['state'], measure['in_effect']), ('submitted', False))
        self.assertEqual(len(self.find('prosecutor.measure',
                    [('state', '=', 'approved')])), 0)

    def test_assessment_only_by_prosecutor(self):
        "The issuer does not fill the prosecutor's assessment"
        measure = self.one('prosecutor.measure',
            [('kind', '=', 'permit_suspension')], ['assessment'])
        self.assertRefused('akimat.astana', 'model.prosecutor.measure.write',
            [measure['id']], {'return_reason': "mine"})
        self.call('prosecutor.astana', 'model.prosecutor.measure.write',
            [measure['id']], {'return_reason': "Attach the act"})

    def test_project_verified_by_akimat(self):
        "An akimat marks its project verified in the authorized body's name"
        project = self.one('ncip.project',
            [('name', '=', "Wind farm 50 MW")], ['state'])
        for values in [{'state': 'with_roadmap'},
                {'verified_by': self.users['authorized']},
                {'state': 'with_roadmap',
                    'verified_by': self.users['authorized']}]:
            with self.subTest(values=values):
                self.assertRefused('akimat.astana',
                    'model.ncip.project.write', [project['id']], values)
        after = self.one('ncip.project', [('id', '=', project['id'])],
            ['state', 'verified_by'])
        self.assertEqual(after['state'], project['state'])
        self.assertIsNone(after['verified_by'])

    def test_task_validated_by_akimat(self):
        "Validating a task is the National Chamber's decision"
        task = self.find('ncip.roadmap.task',
            [('project.name', '=', "Glass container line")],
            ['state'])[0]
        for values in [{'state': 'validated'},
                {'validated_by': self.users['atameken']}]:
            with self.subTest(values=values):
                self.assertRefused('akimat.astana',
                    'model.ncip.roadmap.task.write', [task['id']], values)
        self.assertEqual(self.one('ncip.roadmap.task',
                [('id', '=', task['id'])], ['state'])['state'],
            task['state'])

    def test_plan_approved_by_officer(self):
        "The annual plan is approved by the Damu manager's button only"
        plan = self.find('damu.plan', [], ['state'])[0]
        self.assertRefused('damu.officer', 'model.damu.plan.write',
            [plan['id']], {'state': 'approved'})
        self.assertEqual(self.one('damu.plan', [('id', '=', plan['id'])],
                ['state'])['state'], plan['state'])

    def test_bank_report_state(self):
        "A bank does not move its report's state"
        halyk = self.one('kz.organization', [('name', '=', "Halyk Bank")])
        self.call('admin', 'model.damu.bank.report.create',
            [{'bank': halyk['id'], 'period': {
                        '__class__': 'date', 'year': 2026, 'month': 1,
                        'day': 1}}])
        reports = self.find('damu.bank.report', [], ['state'], login='bank')
        self.assertTrue(reports)
        for report in reports:
            other = 'received' if report['state'] == 'expected' \
                else 'expected'
            self.assertRefused('bank', 'model.damu.bank.report.write',
                [report['id']], {'state': other})

    # Approval lines

    def _pending_line(self):
        measure = self.one('prosecutor.measure',
            [('kind', '=', 'permit_suspension')])
        return self.one('kz.approval', [
                ('origin', '=', f"prosecutor.measure,{measure['id']}"),
                ('state', '=', 'pending')],
            ['origin', 'round', 'sequence', 'organization', 'group'])

    def test_approval_line_decided_in_another_name(self):
        "An approver may not decide by write, nor in another user's name"
        line = self._pending_line()
        for values in [{'state': 'approved'},
                {'decided_by': self.users['genprosecutor']},
                {'decided_on': {'__class__': 'datetime', 'year': 2026,
                        'month': 1, 'day': 1, 'hour': 0, 'minute': 0,
                        'second': 0, 'microsecond': 0}},
                {'round': 9}, {'sequence': 1},
                {'organization': None}, {'group': self.one('res.group',
                        [('name', '=', "Administration")])['id']}]:
            with self.subTest(values=values):
                self.assertRefused('prosecutor.astana',
                    'model.kz.approval.write', [line['id']], values)
        after = self.one('kz.approval', [('id', '=', line['id'])],
            ['state', 'decided_by', 'round', 'organization'])
        self.assertEqual(after['state'], 'pending')
        self.assertIsNone(after['decided_by'])

    def test_approval_line_moved(self):
        """An approver may not move his line to another measure and reject
        it there"""
        line = self._pending_line()
        lawsuit = self.one('prosecutor.measure', [('kind', '=', 'lawsuit')],
            ['state'])
        self.assertRefused('prosecutor.astana', 'model.kz.approval.write',
            [line['id']], {'origin': f"prosecutor.measure,{lawsuit['id']}"})
        after = self.one('kz.approval', [('id', '=', line['id'])],
            ['origin'])
        self.assertEqual(after['origin'], line['origin'])
        self.assertEqual(self.one('prosecutor.measure',
                [('id', '=', lawsuit['id'])], ['state'])['state'],
            lawsuit['state'])

    # Exports under the read rules

    def _foreign_resources(self):
        "An attachment, a note and a log entry of a Shymkent project"
        project = self.one('ncip.project', [('name', '=', "Cement plant")])
        resource = f"ncip.project,{project['id']}"
        attachment, = self.call('admin', 'model.ir.attachment.create',
            [{'name': "secret.txt", 'resource': resource,
                    'type': 'data', 'data': {'__class__': 'bytes',
                        'base64': 'c2VjcmV0'}}])
        note, = self.call('admin', 'model.ir.note.create',
            [{'resource': resource, 'message': "Confidential"}])
        # A change of the project logged by the server
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        if DATABASE not in Pool.database_list():
            # Alone, this test is the first of the process to use it
            Pool(DATABASE).init()
        with Transaction().start(DATABASE, 0) as transaction:
            Log = Pool().get('ir.model.log')
            Log.create([{'resource': resource, 'event': 'write',
                        'user': self.users['admin'], 'target': 'name'}])
            transaction.commit()
        logs = self.find('ir.model.log', [('resource', '=', resource)])
        self.assertTrue(logs)
        return {'ir.attachment': [attachment], 'ir.note': [note],
            'ir.model.log': [l['id'] for l in logs]}

    def test_resource_export(self):
        """Attachments, notes and logs of a record the user may not read do
        not come out of export_data"""
        fields = {'ir.attachment': ['name', 'data'],
            'ir.note': ['message'], 'ir.model.log': ['event', 'target']}
        for model, ids in self._foreign_resources().items():
            for login in ['akimat.astana', 'bank', 'investor.qazaqglass']:
                with self.subTest(model=model, login=login):
                    try:
                        rows = self.call(login,
                            f'model.{model}.export_data', ids,
                            fields[model])
                    except RPCError:
                        continue
                    self.assertEqual(rows, [])
            # The akimat of the region reads them
            self.assertEqual(len(self.call('akimat.shymkent',
                        f'model.{model}.export_data', ids,
                        fields[model][:1])), len(ids))

    def test_dotted_rule_export(self):
        """Record rules on dotted paths hold in export_data: tasks of
        another region, approval lines of another investor"""
        astana_tasks = [t['id'] for t in self.find('ncip.roadmap.task',
                [('project.region.code', '=', '710000000')])]
        self.assertTrue(astana_tasks)
        self.assertRefused('akimat.shymkent',
            'model.ncip.roadmap.task.export_data', astana_tasks, ['name'])
        rows = self.call('akimat.shymkent',
            'model.ncip.roadmap.task.export_data_domain',
            [('id', 'in', astana_tasks)], ['name'])
        self.assertEqual(rows, [])
        glass = self.find('ncip.project',
            [('investor.name', '=', "Qazaq Glass LLP")])
        lines = [l['id'] for l in self.find('kz.approval', [
                    ('origin', 'in',
                        [f"ncip.project,{p['id']}" for p in glass])])]
        self.assertTrue(lines)
        self.assertRefused('investor.steppe', 'model.kz.approval.export_data',
            lines, ['state', 'origin'])
        pending = [self._pending_line()['id']]
        self.assertRefused('investor.steppe', 'model.kz.approval.export_data',
            pending, ['state'])
        # Following a relation to records the user may not read: the
        # monitorings of another bank's contract
        bcc = self.find('damu.contract',
            [('bank.name', '=', "Bank CenterCredit")])
        monitorings = self.find('damu.monitoring',
            [('contract', 'in', [c['id'] for c in bcc])],
            ['contract'])
        for monitoring in monitorings:
            self.assertRefused('bank', 'model.damu.monitoring.export_data',
                [monitoring['id']], ['contract/number'])

    # Searches on what the user may not read

    def test_hash_oracle(self):
        "No user searches or sorts users by their password hash"
        for login in ['embassy', 'bank', 'investor.steppe']:
            for domain in [[('password_hash', 'like', '$argon2%')],
                    [('password_reset', 'like', '%')],
                    [('create_uid.password_hash', 'like', '$%')]]:
                with self.subTest(login=login, domain=domain):
                    self.assertRefused(login, 'model.res.user.search',
                        domain, 0, None, None)
            with self.subTest(login=login, order='password_hash'):
                self.assertRefused(login, 'model.res.user.search',
                    [], 0, None, [['password_hash', 'ASC']])

    def test_iin_personal(self):
        "Only user administrators read, search or set a user's IIN"
        admin_id = self.users['admin']
        self.call('admin', 'model.res.user.write', [admin_id],
            {'iin': '880101300010'})
        try:
            for login in ['akimat.astana', 'embassy', 'bank',
                    'investor.steppe']:
                with self.subTest(login=login):
                    self.assertRefused(login, 'model.res.user.read',
                        [admin_id], ['iin'])
                    self.assertRefused(login, 'model.res.user.search',
                        [('iin', '=', '880101300010')], 0, None, None)
                    self.assertRefused(login, 'model.res.user.export_data',
                        [admin_id], ['iin'])
                    self.assertRefused(login, 'model.res.user.write',
                        [self.users[login]], {'iin': '880101300010'})
            self.assertEqual(self.call('admin', 'model.res.user.read',
                    [admin_id], ['iin'])[0]['iin'], '880101300010')
        finally:
            self.call('admin', 'model.res.user.write', [admin_id],
                {'iin': None})

    # Spreadsheets

    def test_formula_not_exported(self):
        """A project named as a formula comes out of the Excel list as a
        text cell"""
        formula = '=HYPERLINK("http://example.invalid","click")'
        project = self.one('ncip.project', [('name', '=', "Float glass plant")],
            ['state'])
        self.call('akimat.astana', 'model.ncip.project.write',
            [project['id']], {'name': formula})
        try:
            ext, content, _, _ = self.call('akimat.astana',
                'report.kz.list.xlsx.execute', [project['id']],
                {'model': 'ncip.project'})
        finally:
            self.call('akimat.astana', 'model.ncip.project.write',
                [project['id']], {'name': "Float glass plant"})
        self.assertEqual(ext, 'xlsx')
        workbook = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(content['base64'])))
        cells = [c for row in workbook.active.iter_rows() for c in row
            if c.value == formula]
        self.assertTrue(cells)
        for cell in cells:
            self.assertEqual(cell.data_type, 's')

    def export_list(self, login, model, ids):
        "Return the rows of the Excel export of the listed ids"
        ext, content, _, name = self.call(login,
            'report.kz.list.xlsx.execute', ids, {'model': model})
        self.assertEqual(ext, 'xlsx')
        workbook = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(content['base64'])))
        return name, [list(r) for r in workbook.active.values]

    def test_list_export_readable_rows(self):
        """The Excel export of the project list holds the rows the user's
        search lists, in its order, and refuses a record the user may not
        read"""
        fields = self.call('ministry', 'model.ncip.project.fields_get',
            ['number', 'name', 'state'])
        for login in ['ministry', 'akimat.shymkent']:
            with self.subTest(login=login):
                listed = self.call(login, 'model.ncip.project.search_read',
                    [('state', '!=', 'excluded')], 0, None,
                    [('name', 'DESC')], ['name'])
                name, rows = self.export_list(login, 'ncip.project',
                    [p['id'] for p in listed])
                # Named after the list and the day
                self.assertRegex(
                    name, r'^Investment Project \d{4}-\d{2}-\d{2}$')
                header = rows[0]
                self.assertEqual(header[:2], [fields['number']['string'],
                        fields['name']['string']])
                self.assertEqual(header[-1], fields['state']['string'])
                self.assertEqual([r[1] for r in rows[1:]],
                    [p['name'] for p in listed])
        every = [p['id'] for p in self.find('ncip.project', [])]
        shymkent = [p['id'] for p in self.find('ncip.project', [],
                login='akimat.shymkent')]
        self.assertLess(len(shymkent), len(every))
        self.assertRefused('akimat.shymkent', 'report.kz.list.xlsx.execute',
            every, {'model': 'ncip.project'})

    def _annex4(self, data):
        "Run the Annex 4 import as the bank; return the wizard's answer"
        halyk = self.one('kz.organization', [('name', '=', "Halyk Bank")])
        client = self.client('bank')
        session, _, _ = client.call(
            'wizard.damu.bank.report.import.create', {})
        try:
            return client.call('wizard.damu.bank.report.import.execute',
                session, {'start': {
                        'bank': halyk['id'],
                        'period': {'__class__': 'date', 'year': 2025,
                            'month': 3, 'day': 1},
                        'file': {'__class__': 'bytes',
                            'base64': base64.b64encode(data).decode()},
                        'filename': 'annex4.xlsx', 'replace': False}},
                'check', {})
        finally:
            client.call('wizard.damu.bank.report.import.delete', session, {})

    def test_annex4_not_finite(self):
        "NaN and Infinity in Annex 4 are row errors naming row and column"
        from trytond.modules.kz_damu_monitoring.tests.test_module import (
            annex4_row)
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["No."])
        sheet.append(annex4_row('HB-G-2024-001', '990140000384',
                c10="NaN"))
        sheet.append(annex4_row('HB-G-2024-002', '000740001307',
                c16="Infinity"))
        output = io.BytesIO()
        workbook.save(output)
        answer = json.dumps(self._annex4(output.getvalue()),
            ensure_ascii=False)
        self.assertRegex(answer, r'Row 2: column J')
        self.assertRegex(answer, r'Row 3: column P')
        self.assertNotIn('Traceback', answer)

    def test_annex4_million_rows(self):
        """A sheet of 1,048,576 rows is refused at the row limit while it is
        read, quickly and with a short answer"""
        workbook = openpyxl.Workbook()
        workbook.active.append([1])
        source = io.BytesIO()
        workbook.save(source)
        rows = ''.join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>'
            for i in range(1, 1048577))
        sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
            '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData>{rows}</sheetData></worksheet>')
        output = io.BytesIO()
        with zipfile.ZipFile(source) as original, zipfile.ZipFile(
                output, 'w', zipfile.ZIP_DEFLATED) as target:
            for info in original.infolist():
                content = original.read(info.filename)
                if info.filename == 'xl/worksheets/sheet1.xml':
                    content = sheet.encode()
                target.writestr(info.filename, content)
        start = time.monotonic()
        with self.assertRaises(RPCError) as context:
            self._annex4(output.getvalue())
        elapsed = time.monotonic() - start
        text = str(context.exception.args[0])
        self.assertRegex(text, '100[ ,.\u00a0]?000')
        self.assertLess(len(text), 2000)
        self.assertLess(elapsed, 120)

    # No leak in errors

    def test_error_names_no_foreign_record(self):
        """A domain error about a record of another organisation names its
        id, not its name"""
        cement = self.one('ncip.project', [('name', '=', "Cement plant")])
        error = self.assertRefused('akimat.astana',
            'model.prosecutor.measure.create',
            [{'kind': 'permit_suspension', 'project': cement['id'],
                    'legal_grounds': "x"}])
        self.assertNotIn("Cement plant", str(error))


if os.environ.get('KZ_SKIP_INTEGRATION'):
    del RPCAttackTestCase

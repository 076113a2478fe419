# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
import io
import os
from decimal import Decimal
from unittest.mock import patch

import openpyxl

from trytond.exceptions import UserError
from trytond.model.exceptions import (
    AccessError, DomainValidationError, RequiredValidationError,
    SQLConstraintError)
from trytond.modules.kz_base import deadline as deadline_module
from trytond.modules.kz_base.exceptions import InvalidBIN, UploadError
from trytond.modules.kz_base.tests.tools import (
    as_user, create_user, first_column_links, pdf_text as raw_pdf_text,
    today)
from trytond.modules.kz_damu_monitoring import annex4
from trytond.modules.kz_damu_monitoring.exceptions import (
    ContractValidationError, ImportBankAccessError, ImportFileError,
    MonitoringError, PlanError)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction, without_check_access

from .seed import pdf_text
from .tools import BINS, contract_values, create_monitoring, setup_orgs

HERE = os.path.dirname(__file__)


def annex4_row(number, bin_, outstanding='1000', overdue='0', days=0,
        **changes):
    row = [1, "Halyk Bank", "Astana", f"Entrepreneur {number}", bin_,
        "LLP", number, dt.date(2024, 3, 1), 36, 100000000, 12, 0, 0,
        dt.date(2024, 3, 5), 100000000, outstanding, "", None, None, None,
        overdue, days, 0, "investment", "10.11", "active", "6",
        dt.date(2024, 2, 10), "1"]
    for index, value in changes.items():
        row[int(index[1:]) - 1] = value
    return row


class DamuMonitoringTestCase(ModuleTestCase):
    "Test kz_damu_monitoring module"
    module = 'kz_damu_monitoring'

    def _contracts(self, orgs, *values):
        Contract = Pool().get('damu.contract')
        return Contract.create([contract_values(orgs, **v) for v in values])

    @with_transaction()
    def test_contract_validation(self):
        "BIN/IIN, kind and sub-kind, amounts are validated"
        Contract = Pool().get('damu.contract')
        orgs = setup_orgs()
        contract, = self._contracts(orgs, {
                'number': 'S-1', 'entrepreneur_bin': '9901 4000 0384'})
        self.assertEqual(contract.entrepreneur_bin, BINS[0])
        self.assertEqual(contract.state, 'active')
        with self.assertRaises(InvalidBIN):
            self._contracts(orgs, {
                    'number': 'S-2', 'entrepreneur_bin': '990140000385'})
        with self.assertRaises(DomainValidationError):
            self._contracts(orgs, {'number': 'S-3', 'sub_kind': 'portfolio'})
        with self.assertRaises(DomainValidationError):
            self._contracts(orgs, {'number': 'S-4', 'amount': Decimal(-1)})
        with self.assertRaises(RequiredValidationError):
            self._contracts(orgs, {
                    'number': 'G-1', 'kind': 'guarantee',
                    'sub_kind': 'individual'})
        with self.assertRaises(ContractValidationError):
            self._contracts(orgs, {
                    'number': 'G-2', 'kind': 'guarantee',
                    'sub_kind': 'individual',
                    'guarantee_amount': Decimal('200000000')})
        # Workflow: repaid, back to active; grants are returned
        Contract.repay([contract])
        self.assertEqual(contract.state, 'repaid')
        Contract.reactivate([contract])
        self.assertEqual(contract.state, 'active')
        # Last: a failed SQL statement aborts the PostgreSQL transaction
        with self.assertRaises(SQLConstraintError):
            self._contracts(orgs, {'number': 'S-1'})

    @with_transaction()
    def test_growth_reporting_date(self):
        "The +10 % obligation is checked at the start of the fiscal year "
        "after 2 fiscal years from the decision (D§12.5)"
        orgs = setup_orgs()
        contract, = self._contracts(orgs, {
                'number': 'S-1', 'decision_date': dt.date(2022, 5, 10)})
        self.assertEqual(contract.growth_due_date, dt.date(2025, 1, 1))

    @with_transaction()
    def test_plan_selection_rules(self):
        "D§8, 11, 22: ended projects and quiet portfolio guarantees are out"
        pool = Pool()
        Contract = pool.get('damu.contract')
        Plan = pool.get('damu.plan')
        orgs = setup_orgs()
        guarantee = {'kind': 'guarantee', 'sub_kind': 'individual',
            'guarantee_amount': Decimal('50000000')}
        (active, repaid, terminated, returned, individual, portfolio_quiet,
                portfolio_late, portfolio_edge, future, grant) = (
            self._contracts(orgs,
                {'number': 'S-1'},
                {'number': 'S-2'},
                dict(guarantee, number='G-1'),
                {'number': 'R-1', 'kind': 'grant',
                    'sub_kind': 'business_idea', 'purpose': None,
                    'bank': orgs['grantor'].id},
                dict(guarantee, number='G-2'),
                dict(guarantee, number='G-3', sub_kind='portfolio',
                    principal_overdue_days=30),
                dict(guarantee, number='G-4', sub_kind='portfolio',
                    principal_overdue_days=61),
                dict(guarantee, number='G-5', sub_kind='portfolio',
                    principal_overdue_days=60),
                {'number': 'S-3', 'contract_date': dt.date(2026, 2, 1),
                    'decision_date': dt.date(2026, 1, 20)},
                {'number': 'R-2', 'kind': 'grant',
                    'sub_kind': 'business_idea', 'purpose': None,
                    'bank': orgs['grantor'].id},
                ))
        Contract.repay([repaid])
        Contract.terminate([terminated])
        Contract.return_grant([returned])
        plan, = Plan.create([{
                    'name': "2026", 'year': 2026,
                    'period_start': dt.date(2026, 1, 1),
                    'period_end': dt.date(2026, 12, 31)}])
        # Approved 20 working days before the period (D§7), skipping
        # Independence Day on 16 December 2025
        self.assertEqual(plan.due_date, dt.date(2025, 12, 3))
        Plan.select_projects([plan])
        selected = {m.contract for m in plan.monitorings}
        self.assertEqual(selected,
            {active, individual, portfolio_late, grant})
        self.assertTrue(all(m.origin == 'planned' for m in plan.monitorings))
        # Selecting again adds nothing
        Plan.select_projects([plan])
        self.assertEqual(len(plan.monitorings), 4)
        # A project repaid before approval is left out
        Contract.repay([active])
        with today(dt.date(2025, 12, 1)):
            Plan.approve([plan])
        self.assertEqual(plan.state, 'approved')
        self.assertEqual({m.contract for m in plan.monitorings},
            {individual, portfolio_late, grant})
        empty, = Plan.create([{
                    'name': "2027", 'year': 2027,
                    'period_start': dt.date(2027, 1, 1),
                    'period_end': dt.date(2027, 12, 31)}])
        with self.assertRaises(PlanError):
            Plan.approve([empty])

    @with_transaction()
    def test_plan_deadline_flagged(self):
        "A plan not approved in time is flagged by the daily cron"
        pool = Pool()
        Plan = pool.get('damu.plan')
        Deadline = pool.get('kz.deadline')
        setup_orgs()
        plan, = Plan.create([{
                    'name': "2026", 'year': 2026,
                    'period_start': dt.date(2026, 1, 1),
                    'period_end': dt.date(2026, 12, 31)}])
        with today(dt.date(2025, 12, 4)):
            Deadline.check_deadlines()
            self.assertEqual(Plan(plan.id).deadline_state, 'overdue')
        self.assertTrue(Plan(plan.id).overdue)

    def _monitoring(self, orgs, start=dt.date(2025, 4, 1), **contract):
        return create_monitoring(orgs, start, **contract)

    @with_transaction()
    def test_notice_dates_across_holidays(self):
        "Notices counted back in KZ working days over Nauryz and 8 March"
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs)
        # 21-25 March 2025 (Nauryz) and 10 March (8 March observed) are off
        self.assertEqual(monitoring.entrepreneur_notice_date,
            dt.date(2025, 3, 13))
        self.assertEqual(monitoring.bank_notice_date, dt.date(2025, 2, 26))
        self.assertEqual(monitoring.documents_date, dt.date(2025, 3, 31))
        self.assertIsNone(monitoring.grant_notice_date)
        grant = self._monitoring(orgs, number='R-1', kind='grant',
            sub_kind='business_idea', purpose=None,
            bank=orgs['grantor'].id)
        self.assertEqual(grant.grant_notice_date, dt.date(2025, 3, 13))
        self.assertIsNone(grant.bank_notice_date)

    @with_transaction()
    def test_checklist_and_subjects(self):
        "Annex 1/2/3 checklists and the D§12-14 subjects per kind"
        orgs = setup_orgs()
        subsidy = self._monitoring(orgs)
        self.assertEqual([d.item for d in subsidy.documents],
            ['a1_1', 'a1_2', 'a1_3', 'a1_4', 'a1_5'])
        self.assertEqual(subsidy.missing_documents, 5)
        # Decision in 2024: the growth is checked from 2027 only
        self.assertEqual([s.subject for s in subsidy.subjects],
            ['intended_use', 'payment_discipline', 'implementation',
                'compliance'])
        portfolio = self._monitoring(orgs, number='G-1', kind='guarantee',
            sub_kind='portfolio', guarantee_amount=Decimal(1000),
            decision_date=dt.date(2021, 6, 1), start=dt.date(2025, 4, 1))
        self.assertEqual(len(portfolio.documents), 10)
        # No check of the intended use of portfolio loans (D§11), growth
        # checked from 1 January 2024
        self.assertEqual([s.subject for s in portfolio.subjects],
            ['payment_discipline', 'growth', 'compliance'])
        grant = self._monitoring(orgs, number='R-1', kind='grant',
            sub_kind='business_idea', purpose=None,
            bank=orgs['grantor'].id)
        self.assertEqual(len(grant.documents), 6)
        self.assertEqual([s.subject for s in grant.subjects],
            ['grant_use', 'grant_activity', 'grant_jobs', 'grant_terms'])
        Document = Pool().get('damu.monitoring.document')
        Document.write(list(grant.documents[:2]), {'received': True})
        self.assertEqual(grant.missing_documents, 4)

    @with_transaction()
    def test_growth_obligation(self):
        "Revenue and jobs must grow by 10 %"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs, decision_date=dt.date(2021, 6, 1),
            revenue_base=Decimal(1000), jobs_base=10)
        self.assertIsNone(monitoring.growth_met)
        Monitoring.write([monitoring], {
                'revenue_actual': Decimal(1100), 'jobs_actual': 11})
        self.assertTrue(monitoring.growth_met)
        Monitoring.write([monitoring], {'jobs_actual': 10})
        self.assertFalse(monitoring.growth_met)

    @with_transaction()
    def test_site_visit_rule(self):
        "Desk monitoring of working capital, visit of investments (D§9)"
        pool = Pool()
        Tranche = pool.get('damu.contract.tranche')
        orgs = setup_orgs()
        desk = self._monitoring(orgs)
        self.assertFalse(desk.site_visit)
        self.assertIsNone(desk.site_visit_due)
        visit = self._monitoring(orgs, number='S-2', purpose='investment',
            investment_end_date=dt.date(2025, 12, 31))
        Tranche.create([{'contract': visit.contract.id,
                    'date': dt.date(2024, 4, 1),
                    'amount': Decimal(1000)}])
        self.assertTrue(visit.site_visit)
        # At most one year after the loan is issued
        self.assertEqual(visit.site_visit_due, dt.date(2025, 4, 1))

    @with_transaction()
    def test_notify_too_late(self):
        "Notices after the lead time are refused with the earliest start"
        Monitoring = Pool().get('damu.monitoring')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs)
        with today(dt.date(2025, 3, 3)):
            with self.assertRaisesRegex(MonitoringError, '2025-02-26'):
                Monitoring.notify([monitoring])
        self.assertEqual(monitoring.state, 'draft')

    def _run_to_report(self, monitoring, result='compliant',
            refusal_reason=None, **values):
        Monitoring = Pool().get('damu.monitoring')
        with today(dt.date(2025, 2, 20)):
            Monitoring.notify([monitoring])
        with today(dt.date(2025, 4, 1)):
            Monitoring.start([monitoring])
        Monitoring.write([monitoring], dict(result=result, **values))
        with today(dt.date(2025, 4, 10)):
            Monitoring.submit_report([monitoring])
        if refusal_reason:
            Monitoring.write([monitoring], {'refusal_reason': refusal_reason})

    @with_transaction()
    def test_monitoring_signed(self):
        "Notices, documents, report signed within 5 wd; cron flags misses"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Deadline = pool.get('kz.deadline')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs)
        with today(dt.date(2025, 2, 20)):
            Monitoring.notify([monitoring])
        deadlines = {d.kind: d for d in monitoring.deadlines}
        self.assertEqual(set(deadlines),
            {'bank_notice', 'entrepreneur_notice', 'documents'})
        self.assertEqual(deadlines['bank_notice'].state, 'done')
        self.assertEqual(deadlines['entrepreneur_notice'].due_date,
            dt.date(2025, 3, 13))
        # The bank did not confirm its notice to the entrepreneur in time
        with today(dt.date(2025, 3, 14)), patch.object(
                deadline_module, 'notify_users') as notify:
            Deadline.check_deadlines()
        entrepreneur = deadlines['entrepreneur_notice']
        self.assertTrue(type(entrepreneur)(entrepreneur.id).overdue)
        self.assertTrue(notify.called)
        with today(dt.date(2025, 4, 1)):
            Monitoring.start([monitoring])
        with self.assertRaises(MonitoringError):
            Monitoring.submit_report([monitoring])
        Monitoring.write([monitoring], {'result': 'compliant'})
        with today(dt.date(2025, 4, 10)):
            Monitoring.submit_report([monitoring])
        signing, = [d for d in monitoring.deadlines if d.kind == 'signing']
        self.assertEqual(signing.due_date, dt.date(2025, 4, 17))
        Monitoring.write([monitoring], {
                'counterparty_signed_date': dt.date(2025, 4, 14)})
        with today(dt.date(2025, 4, 15)):
            Monitoring.sign([monitoring])
        self.assertEqual(monitoring.state, 'signed')
        self.assertEqual(monitoring.signed_date, dt.date(2025, 4, 15))
        self.assertEqual(type(signing)(signing.id).state, 'done')
        with self.assertRaises(MonitoringError):
            Monitoring.delete([monitoring])

    @with_transaction()
    def test_monitoring_refused(self):
        "Refusal to sign: Act of refusal (Annex 7) due within 1 wd"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Act = pool.get('damu.act')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs)
        self._run_to_report(monitoring, result='comments')
        # The reason of D§39 must be chosen first
        with today(dt.date(2025, 4, 18)):
            with self.assertRaisesRegex(MonitoringError, 'not signed'):
                Monitoring.refuse([monitoring])
        self.assertEqual(monitoring.state, 'reporting')
        self.assertEqual(monitoring.acts, ())
        Monitoring.write([monitoring], {'refusal_reason': 'no_information'})
        with today(dt.date(2025, 4, 18)):
            Monitoring.refuse([monitoring])
        self.assertEqual(monitoring.state, 'refused')
        self.assertEqual(monitoring.refusal_reason, 'no_information')
        self.assertEqual(monitoring.refusal_date, dt.date(2025, 4, 18))
        act, = monitoring.acts
        self.assertEqual((act.kind, act.state), ('refusal', 'draft'))
        self.assertEqual(act.counterparty, "Halyk Bank")
        self.assertEqual(act.sign_by_date, dt.date(2025, 4, 17))
        refusal, = [d for d in monitoring.deadlines
            if d.kind == 'refusal_act']
        self.assertEqual(refusal.due_date, dt.date(2025, 4, 21))
        with today(dt.date(2025, 4, 21)):
            Act.issue([act])
        self.assertEqual(act.date, dt.date(2025, 4, 21))
        self.assertEqual(type(refusal)(refusal.id).state, 'done')

    @with_transaction()
    def test_monitoring_remediation(self):
        "Additional period for one of the D§40 reasons"
        pool = Pool()
        Deadline = pool.get('damu.monitoring.deadline')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs)
        with self.assertRaises(MonitoringError):
            Deadline.create([{'monitoring': monitoring.id,
                        'kind': 'remediation',
                        'base_date': dt.date(2025, 4, 10), 'days': 20}])
        deadline, = Deadline.create([{'monitoring': monitoring.id,
                    'kind': 'remediation', 'reason': 'works_unfinished',
                    'base_date': dt.date(2025, 4, 10), 'days': 20,
                    'unit': 'working'}])
        self.assertEqual(deadline.due_date, dt.date(2025, 5, 13))
        Deadline.complete([deadline])
        self.assertEqual(deadline.state, 'done')

    @with_transaction()
    def test_grant_impossible_and_commission(self):
        "Act of impossibility (Annex 6); commission decides once"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        grant = {'number': 'R-1', 'kind': 'grant',
            'sub_kind': 'business_idea', 'purpose': None,
            'bank': orgs['grantor'].id, 'amount': Decimal(5000000)}
        monitoring = self._monitoring(orgs, **grant)
        with today(dt.date(2025, 3, 1)):
            Monitoring.notify([monitoring])
        with today(dt.date(2025, 4, 2)):
            Monitoring.declare_impossible([monitoring])
        self.assertEqual(monitoring.state, 'impossible')
        act, = monitoring.acts
        self.assertEqual((act.kind, act.state, act.date),
            ('impossibility', 'issued', dt.date(2025, 4, 2)))
        self.assertEqual(monitoring.deadlines_pending, ('misuse_notice',))
        with today(dt.date(2025, 4, 3)):
            Monitoring.notify_commission([monitoring])
        decision, = [d for d in monitoring.deadlines
            if d.kind == 'commission_decision']
        self.assertEqual(decision.due_date, dt.date(2025, 4, 17))
        with today(dt.date(2025, 4, 10)):
            Monitoring.commission_extend([monitoring])
        self.assertEqual(monitoring.commission_decision, 'extension')
        self.assertEqual(monitoring.extensions, 1)
        notice, = [d for d in monitoring.deadlines
            if d.kind == 'commission_notice']
        self.assertEqual(notice.due_date, dt.date(2025, 4, 15))
        Monitoring.commission_notified([monitoring])
        # A second additional period is not allowed
        Monitoring.write([monitoring], {'extensions': 1})
        Deadline = pool.get('damu.monitoring.deadline')
        Deadline.create([{'monitoring': monitoring.id,
                    'kind': 'commission_decision',
                    'base_date': dt.date(2025, 5, 20), 'days': 10}])
        with self.assertRaises(MonitoringError):
            Monitoring.commission_extend([monitoring])

    @with_transaction()
    def test_grant_misuse_refund(self):
        "Misuse notified within 5 wd of signing; refund of the misuse only"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        grant = {'number': 'R-1', 'kind': 'grant',
            'sub_kind': 'business_idea', 'purpose': None,
            'bank': orgs['grantor'].id, 'amount': Decimal(5000000)}
        monitoring = self._monitoring(orgs, **grant)
        self._run_to_report(monitoring, result='violation', misuse=True,
            misused_amount=Decimal(1200000),
            site_visit_date=dt.date(2025, 4, 3))
        Monitoring.write([monitoring], {
                'counterparty_signed_date': dt.date(2025, 4, 11)})
        with today(dt.date(2025, 4, 11)):
            Monitoring.sign([monitoring])
        misuse, = [d for d in monitoring.deadlines
            if d.kind == 'misuse_notice']
        self.assertEqual(misuse.due_date, dt.date(2025, 4, 18))
        with today(dt.date(2025, 4, 14)):
            Monitoring.notify_commission([monitoring])
            Monitoring.commission_terminate([monitoring])
        self.assertEqual(monitoring.commission_decision, 'termination')
        self.assertEqual(monitoring.refund_amount, Decimal(1200000))
        self.assertEqual(monitoring.contract.state, 'terminated')
        with self.assertRaises(MonitoringError):
            Monitoring.write([monitoring], {
                    'misused_amount': Decimal(6000000)})

    @with_transaction()
    def test_overdue_guarantee_unplanned(self):
        "An overdue guarantee gets an unplanned monitoring once (D§4)"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        guarantee = {'kind': 'guarantee', 'guarantee_amount': Decimal(1000)}
        late, quiet, portfolio = self._contracts(orgs,
            dict(guarantee, number='G-1', sub_kind='individual',
                principal_overdue_days=5),
            dict(guarantee, number='G-2', sub_kind='individual'),
            dict(guarantee, number='G-3', sub_kind='portfolio',
                principal_overdue_days=30))
        with today(dt.date(2025, 3, 3)):
            created = Monitoring.create_overdue_monitorings()
            self.assertEqual([m.contract for m in created], [late])
            self.assertEqual(created[0].origin, 'overdue')
            self.assertEqual(created[0].start_date, dt.date(2025, 4, 4))
            self.assertEqual(Monitoring.create_overdue_monitorings(), [])

    def _import(self, bank, data, filename='annex4.xlsx', valid=False,
            period=dt.date(2025, 3, 1), replace=False):
        pool = Pool()
        Wizard = pool.get('damu.bank.report.import', type='wizard')
        session_id, _, _ = Wizard.create()
        session = Wizard(session_id)
        session.start.bank = bank
        session.start.period = period
        session.start.file = data
        session.start.filename = filename
        session.start.replace = replace
        # Wizard.execute runs the transitions as server code: the access
        # checks are those of Wizard.create and of the wizard itself
        with without_check_access():
            state = session.transition_check()
            if state == 'errors' and valid:
                state = session.transition_import_valid()
        return state, session

    @with_transaction()
    def test_annex4_import_valid_xlsx(self):
        "A valid .xlsx updates the contracts' debt and receives the report"
        pool = Pool()
        Report = pool.get('damu.bank.report')
        orgs = setup_orgs()
        subsidy, guarantee = self._contracts(orgs, {'number': 'S-1'},
            {'number': 'G-1', 'kind': 'guarantee', 'sub_kind': 'individual',
                'entrepreneur_bin': BINS[1],
                'guarantee_amount': Decimal('50000000')})
        with today(dt.date(2025, 4, 2)):
            expected, = Report.create_expected()
        self.assertEqual(expected.due_date, dt.date(2025, 4, 5))
        data = annex4.write_xlsx([
                annex4_row('S-1', BINS[0], outstanding='70 000 000,50'),
                annex4_row('G-1', BINS[1], outstanding=50000000,
                    overdue=1000000, days=15, c20=10000000),
                ])
        with today(dt.date(2025, 4, 3)):
            state, session = self._import(orgs['halyk'], data)
        self.assertEqual(state, 'done')
        self.assertEqual(session.done.imported, 2)
        report = Report(expected.id)
        self.assertEqual(report.state, 'received')
        self.assertEqual(report.line_count, 2)
        self.assertEqual(len(report.lines[0].__class__._fields) >= 29, True)
        self.assertEqual(subsidy.outstanding_debt, Decimal('70000000.50'))
        self.assertEqual(guarantee.principal_overdue_days, 15)
        # Column 20 is what Damu paid under the guarantee; the remaining
        # guarantee is the guarantee amount less it (Annex 4, 5)
        self.assertEqual(guarantee.guarantee_paid, Decimal(10000000))
        self.assertEqual(guarantee.guarantee_balance, Decimal(40000000))
        self.assertEqual(report.lines[1].guarantee_paid, Decimal(10000000))
        self.assertIsNone(subsidy.guarantee_paid)
        self.assertEqual(guarantee.debt_date, dt.date(2025, 3, 31))
        # The overdue guarantee got an unplanned monitoring (D§4)
        self.assertEqual([m.origin for m in guarantee.monitorings],
            ['overdue'])
        # Importing again needs the replace option
        with self.assertRaises(UserError):
            self._import(orgs['halyk'], data)

    @with_transaction()
    def test_annex4_import_progress(self):
        "A big file reports its progress on an upload record as it is read"
        pool = Pool()
        Upload = pool.get('damu.bank.report.upload')
        orgs = setup_orgs()
        self._contracts(orgs, *({'number': f'S-{i}'} for i in range(4)))
        # saved by Excel (not write-only), so it declares its dimension
        workbook = openpyxl.load_workbook(io.BytesIO(annex4.write_xlsx(
                    [annex4_row(f'S-{i}', BINS[0], outstanding=5000)
                        for i in range(4)])))
        content = io.BytesIO()
        workbook.save(content)
        data = content.getvalue()
        with patch.object(annex4, 'PROGRESS_ROWS', 2), \
                patch.object(Upload, 'start', return_value=42) as start, \
                patch.object(Upload, 'update') as update:
            state, _ = self._import(orgs['halyk'], data)
        self.assertEqual(state, 'done')
        start.assert_called_once_with(
            orgs['halyk'], dt.date(2025, 3, 1), 'annex4.xlsx')
        # header rows 1-2, data rows 3-6: rows 4 and 6 of 6 reported
        self.assertEqual([c.kwargs['rows_read'] for c in
                update.call_args_list[:-1]], [4, 6])
        self.assertEqual(update.call_args_list[0].kwargs['progress'], 4 / 6)
        update.assert_called_with(42, state='done', progress=1,
            rows_read=4, rows_total=4)
        # a small file makes no upload record
        with patch.object(Upload, 'start') as start:
            self._import(orgs['halyk'], data, period=dt.date(2025, 4, 1))
        start.assert_not_called()

    @with_transaction()
    def test_annex4_import_bad_rows(self):
        "Every bad row is listed; nothing imported unless asked"
        pool = Pool()
        Report = pool.get('damu.bank.report')
        orgs = setup_orgs()
        subsidy, other = self._contracts(orgs, {'number': 'S-1'},
            {'number': 'S-2', 'entrepreneur_bin': BINS[2]})
        data = annex4.write_xlsx([
                annex4_row('S-1', BINS[0], outstanding=5000),
                annex4_row('S-2', '990140000385'),
                annex4_row('S-2', BINS[2], outstanding=-5, c8='31.02.2025'),
                annex4_row('X-9', BINS[2]),
                annex4_row('S-2', BINS[3]),
                ])
        state, session = self._import(orgs['halyk'], data)
        self.assertEqual(state, 'errors')
        self.assertEqual(session.done.valid, 1)
        self.assertEqual(session.done.rejected, 4)
        errors = session.done.errors.splitlines()
        self.assertEqual(len(errors), 4)
        self.assertIn('Row 4: column E (5. IIN/BIN) is not a valid IIN/BIN',
            errors[0])
        self.assertIn('column H (8. Agreement Date) is not a date', errors[1])
        self.assertIn('column P (16. Outstanding Debt) is negative',
            errors[1])
        self.assertIn('no contract "X-9"', errors[2])
        self.assertIn('is not the borrower', errors[3])
        self.assertEqual(Report.search([]), [])
        self.assertIsNone(subsidy.outstanding_debt)
        state, session = self._import(orgs['halyk'], data, valid=True)
        self.assertEqual(state, 'done')
        self.assertEqual(session.done.imported, 1)
        self.assertEqual(subsidy.outstanding_debt, Decimal(5000))
        self.assertIsNone(other.outstanding_debt)

    @with_transaction()
    def test_annex4_import_xls(self):
        "A legacy .xls file of a bank"
        orgs = setup_orgs()
        subsidy, guarantee = self._contracts(orgs, {'number': 'S-1'},
            {'number': 'G-1', 'kind': 'guarantee', 'sub_kind': 'individual',
                'entrepreneur_bin': BINS[1],
                'guarantee_amount': Decimal('50000000')})
        with open(os.path.join(HERE, 'annex4_sample.xls'), 'rb') as fp:
            data = fp.read()
        state, session = self._import(orgs['halyk'], data, 'annex4.xls')
        self.assertEqual(state, 'done')
        self.assertEqual(session.done.imported, 2)
        self.assertEqual(guarantee.outstanding_debt, Decimal(50000000))
        self.assertEqual(guarantee.overdue_principal, Decimal(1000000))
        self.assertEqual(subsidy.outstanding_debt, Decimal(70000000))
        line = session.done.report.lines[0]
        self.assertEqual(line.agreement_date, dt.date(2024, 3, 1))

    @with_transaction()
    def test_annex4_malformed_files(self):
        "Malformed, foreign and oversized files give a clear error"
        pool = Pool()
        Configuration = pool.get('kz.configuration')
        orgs = setup_orgs()
        with self.assertRaisesRegex(ImportFileError, 'neither'):
            self._import(orgs['halyk'], b'hello', 'annex4.csv')
        with self.assertRaisesRegex(UploadError, 'damaged'):
            self._import(orgs['halyk'], b'PK\x03\x04garbage')
        with self.assertRaisesRegex(ImportFileError, 'damaged'):
            self._import(orgs['halyk'],
                b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\0' * 100, 'a.xls')
        config = Configuration(1)
        config.damu_max_upload_mb = 0
        config.save()
        with self.assertRaisesRegex(UploadError, 'too big'):
            self._import(orgs['halyk'], annex4.write_xlsx([]))
        # A zip bomb: small file, big uncompressed size
        config.damu_max_upload_mb = 1
        config.damu_max_uncompressed_mb = 1
        config.save()
        import zipfile
        output = io.BytesIO()
        with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as archive:
            archive.writestr('xl/big.xml', b'0' * (3 * 1024 * 1024))
        with self.assertRaisesRegex(UploadError, 'too big'):
            self._import(orgs['halyk'], output.getvalue())
        # The shared check of kz_base also refuses XML entities
        output = io.BytesIO()
        with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as archive:
            archive.writestr('xl/workbook.xml', b'<?xml version="1.0"?>'
                b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
        with self.assertRaisesRegex(UploadError, 'entities'):
            self._import(orgs['halyk'], output.getvalue())

    @with_transaction()
    def test_missing_bank_report_flagged(self):
        "A report not received by the 5th is flagged overdue"
        pool = Pool()
        Report = pool.get('damu.bank.report')
        Deadline = pool.get('kz.deadline')
        orgs = setup_orgs()
        g = {'kind': 'guarantee', 'sub_kind': 'individual',
            'guarantee_amount': Decimal(1000)}
        self._contracts(orgs, dict(g, number='G-1'),
            dict(g, number='G-2', bank=orgs['bcc'].id))
        with today(dt.date(2025, 4, 1)):
            reports = Report.create_expected()
            self.assertEqual(len(reports), 2)
            self.assertEqual(Report.create_expected(), [])
        with today(dt.date(2025, 4, 6)), patch.object(
                deadline_module, 'notify_users'):
            Deadline.check_deadlines()
            self.assertEqual(
                len(Report.search([('deadline_state', '=', 'overdue')])), 2)

    @with_transaction()
    def test_annex5_totals(self):
        "The guarantee report sums per region, with totals"
        pool = Pool()
        Tranche = pool.get('damu.contract.tranche')
        Report = pool.get('damu.guarantee.report.xlsx', type='report')
        DocReport = pool.get('damu.guarantee.report', type='report')
        from trytond.modules.kz_damu_monitoring.guarantee_report import (
            annex5_lines, due_date)
        orgs = setup_orgs()
        g = {'kind': 'guarantee', 'sub_kind': 'individual'}
        a1, a2, s1, _ = self._contracts(orgs,
            dict(g, number='G-1', amount=Decimal(1000),
                guarantee_amount=Decimal(500),
                outstanding_debt=Decimal(800)),
            dict(g, number='G-2', amount=Decimal(2000),
                guarantee_amount=Decimal(1000), guarantee_paid=Decimal(100),
                outstanding_debt=Decimal(1500)),
            dict(g, number='G-3', amount=Decimal(4000),
                region=orgs['shymkent'].id,
                guarantee_amount=Decimal(2000), outstanding_debt=Decimal(10)),
            {'number': 'S-1'})
        Tranche.create([
                {'contract': a1.id, 'date': dt.date(2024, 3, 5),
                    'amount': Decimal(600)},
                {'contract': a1.id, 'date': dt.date(2025, 6, 5),
                    'amount': Decimal(400)},
                {'contract': s1.id, 'date': dt.date(2024, 4, 5),
                    'amount': Decimal(4000)},
                ])
        lines, totals = annex5_lines(dt.date(2025, 3, 31))
        self.assertEqual([l['region'] for l in lines], ['Astana', 'Shymkent'])
        astana = lines[0]
        self.assertEqual(astana['loan_amount'], Decimal(3000))
        self.assertEqual(astana['disbursed'], Decimal(600))
        self.assertEqual(astana['debt'], Decimal(2300))
        self.assertEqual(astana['guarantee_amount'], Decimal(1500))
        # Without Annex 4 lines: the figures recorded on the contracts;
        # the remaining guarantee is the amount less what was paid
        self.assertEqual(astana['guarantee_balance'], Decimal(1400))
        self.assertEqual(astana['guarantee_paid'], Decimal(100))
        self.assertEqual(totals['loan_amount'], Decimal(7000))
        self.assertEqual(totals['disbursed'], Decimal(4600))
        self.assertEqual(totals['guarantee_amount'], Decimal(3500))
        self.assertEqual(due_date(dt.date(2025, 3, 31)), dt.date(2025, 4, 25))
        oext, content, _, name = Report.execute([], {'date': '2025-03-31'})
        self.assertEqual(oext, 'xlsx')
        import openpyxl
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[3][:3], (1, 'Astana', 3000))
        self.assertEqual(rows[-1][1], 'Total')
        self.assertEqual(rows[-1][2], 7000)
        oext, content, _, name = DocReport.execute([], {'date': '2025-03-31'})
        # Rendered to PDF for real
        self.assertEqual(oext, 'pdf')
        # A landscape page with column widths: names are not broken
        self.assertRegex(raw_pdf_text(content), r'\bAstana\b')

    @with_transaction()
    def test_act_documents(self):
        "Acts 6 and 7 print as PDF documents"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Refusal = pool.get('damu.act.refusal', type='report')
        Impossibility = pool.get('damu.act.impossibility', type='report')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs)
        self._run_to_report(monitoring, refusal_reason='disagreement')
        with today(dt.date(2025, 4, 18)):
            Monitoring.refuse([monitoring])
        act, = monitoring.acts
        oext, content, _, _ = Refusal.execute([act.id], {})
        self.assertEqual(oext, 'pdf')
        text = pdf_text(content)
        self.assertIn('Halyk Bank', text)
        self.assertIn('Entrepreneur S-1', text)
        oext, content, _, _ = Impossibility.execute([act.id], {})
        self.assertEqual(oext, 'pdf')

    @with_transaction()
    def test_access_per_role(self):
        "Banks see their own contracts and reports; roles are enforced"
        pool = Pool()
        Contract = pool.get('damu.contract')
        Monitoring = pool.get('damu.monitoring')
        Report = pool.get('damu.bank.report')
        Plan = pool.get('damu.plan')
        orgs = setup_orgs()
        halyk_c, bcc_c, grant_c = self._contracts(orgs,
            {'number': 'S-1'},
            {'number': 'S-2', 'bank': orgs['bcc'].id,
                'region': orgs['shymkent'].id},
            {'number': 'R-1', 'kind': 'grant', 'sub_kind': 'business_idea',
                'purpose': None, 'bank': orgs['grantor'].id})
        guarantee_c, = self._contracts(orgs, {'number': 'G-9',
                'kind': 'guarantee', 'sub_kind': 'individual',
                'entrepreneur_bin': BINS[4], 'guarantee_amount': Decimal(1)})
        Monitoring.create([{'contract': c.id,
                    'start_date': dt.date(2025, 4, 1),
                    'end_date': dt.date(2025, 4, 15),
                    'requester': 'court'} for c in [halyk_c, bcc_c, grant_c]])
        Report.create([
                {'bank': orgs['halyk'].id, 'period': dt.date(2025, 3, 1)},
                {'bank': orgs['bcc'].id, 'period': dt.date(2025, 3, 1)}])
        bank = create_user('bank', 'kz_base.group_bank', orgs['halyk'])
        officer = create_user('officer', 'kz_base.group_damu_officer')
        coordinator = create_user('coordinator',
            'kz_damu_monitoring.group_regional_coordinator',
            orgs['grantor'])
        commission = create_user('commission',
            'kz_damu_monitoring.group_competition_commission')
        nobody = create_user('nobody', 'kz_base.group_kz_user')
        with as_user(bank):
            self.assertEqual(Contract.search([('kind', '=', 'subsidy')]),
                [halyk_c])
            self.assertEqual(
                [m.contract for m in Monitoring.search([])], [halyk_c])
            self.assertEqual([r.bank for r in Report.search([])],
                [orgs['halyk']])
            with self.assertRaises(AccessError):
                Contract.write([Contract(halyk_c.id)], {'entrepreneur': "X"})
            with self.assertRaises(AccessError):
                Contract.read([bcc_c.id], ['number'])
            with self.assertRaises(AccessError):
                Plan.search([])
            with self.assertRaises(AccessError):
                Report.create([{'bank': orgs['bcc'].id,
                            'period': dt.date(2025, 2, 1)}])
            # The bank imports its report; its overdue guarantee gets an
            # unplanned monitoring by Damu
            data = annex4.write_xlsx([annex4_row('G-9', BINS[4],
                        overdue=1000, days=3)])
            state, session = self._import(orgs['halyk'], data,
                period=dt.date(2025, 2, 1))
            self.assertEqual(state, 'done')
        self.assertEqual(guarantee_c.principal_overdue_days, 3)
        self.assertEqual([m.origin for m in guarantee_c.monitorings],
            ['overdue'])
        with as_user(officer):
            self.assertEqual(len(Contract.search([])), 4)
            Contract.write([Contract(bcc_c.id)], {'entrepreneur': "Renamed"})
            plan, = Plan.create([{'name': "2026", 'year': 2026,
                        'period_start': dt.date(2026, 1, 1),
                        'period_end': dt.date(2026, 12, 31)}])
            Plan.select_projects([plan])
            with self.assertRaises(UserError):
                Plan.approve([plan])
        with as_user(coordinator):
            self.assertEqual(set(Contract.search([])),
                {halyk_c, grant_c, guarantee_c})
        with as_user(commission):
            self.assertEqual(Contract.search([]), [grant_c])
            monitorings = Monitoring.search([])
            self.assertEqual({m.contract for m in monitorings}, {grant_c})
            monitoring = monitorings[0]
            with self.assertRaises(UserError):
                Monitoring.notify([monitoring])
        with as_user(nobody):
            with self.assertRaises(AccessError):
                Contract.search([])
            with self.assertRaises(AccessError):
                Monitoring.search([])


    def _execute_import(self, session_id, bank, data, state='check',
            period=dt.date(2025, 3, 1), filename='annex4.xlsx'):
        "Run a state of the import wizard as the client does (RPC execute)"
        Wizard = Pool().get('damu.bank.report.import', type='wizard')
        # RPC runs execute with check_access off; Wizard.check_access
        # turns the checks on for the access of the wizard itself
        with without_check_access():
            return Wizard.execute(session_id, {'start': {
                        'bank': bank.id,
                        'period': period,
                        'file': data,
                        'filename': filename,
                        'replace': False,
                        }}, state)

    @with_transaction()
    def test_annex4_import_other_bank_refused(self):
        "A bank imports only its own report; Damu imports any bank's"
        pool = Pool()
        Wizard = pool.get('damu.bank.report.import', type='wizard')
        Report = pool.get('damu.bank.report')
        Line = pool.get('damu.bank.report.line')
        Upload = pool.get('damu.bank.report.upload')
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        halyk_c, bcc_c = self._contracts(orgs,
            {'number': 'G-1', 'kind': 'guarantee', 'sub_kind': 'individual',
                'guarantee_amount': Decimal(1000)},
            {'number': 'G-2', 'kind': 'guarantee', 'sub_kind': 'individual',
                'guarantee_amount': Decimal(1000), 'bank': orgs['bcc'].id,
                'entrepreneur_bin': BINS[1]})
        bank = create_user('bank', 'kz_base.group_bank', orgs['halyk'])
        officer = create_user('officer', 'kz_base.group_damu_officer')
        coordinator = create_user('coordinator',
            'kz_damu_monitoring.group_regional_coordinator',
            orgs['grantor'])
        bcc_data = annex4.write_xlsx([annex4_row('G-2', BINS[1],
                    outstanding=5000, overdue=100, days=3)])
        bad_bcc_data = annex4.write_xlsx([
                annex4_row('G-2', BINS[1], outstanding=5000),
                annex4_row('X-1', BINS[1])])
        transaction = Transaction()
        # The wizard's transitions run without access checks through RPC
        # (Wizard.execute has check_access=False): refused either way
        for context in [{}, {'_check_access': True}]:
            with self.subTest(context=context), \
                    transaction.set_user(bank.id), \
                    transaction.set_context(**context):
                session_id, _, _ = Wizard.create()
                view = Wizard.execute(session_id, {}, 'start')['view']
                defaults = view['defaults']
                self.assertEqual(defaults['bank'], orgs['halyk'].id)
                # The client offers the bank's own organisations only
                self.assertEqual(defaults['bank_restricted'], True)
                self.assertEqual(defaults['allowed_banks'],
                    [orgs['halyk'].id])
                with self.assertRaisesRegex(ImportBankAccessError,
                        'not those of "Bank CenterCredit"'):
                    self._execute_import(session_id, orgs['bcc'], bcc_data)
                with self.assertRaises(ImportBankAccessError):
                    self._execute_import(session_id, orgs['bcc'],
                        bad_bcc_data, state='import_valid')
                Wizard.delete(session_id)
        # Nothing changed for BCC
        self.assertEqual(Report.search([]), [])
        self.assertEqual(Line.search([]), [])
        self.assertEqual(Upload.search([]), [])
        self.assertIsNone(bcc_c.outstanding_debt)
        self.assertIsNone(bcc_c.principal_overdue_days)
        self.assertEqual(Monitoring.search([]), [])
        # The bank imports its own report through the same path
        halyk_data = annex4.write_xlsx([annex4_row('G-1', BINS[0],
                    outstanding=7000)])
        with transaction.set_user(bank.id):
            session_id, _, _ = Wizard.create()
            view = self._execute_import(
                session_id, orgs['halyk'], halyk_data)['view']
            self.assertEqual(view['state'], 'done')
            self.assertEqual(view['defaults']['imported'], 1)
        self.assertEqual(halyk_c.outstanding_debt, Decimal(7000))
        # A Damu officer imports the report of any bank
        with as_user(officer):
            session_id, _, _ = Wizard.create()
            defaults = Wizard.execute(session_id, {}, 'start')['view'][
                'defaults']
            self.assertEqual(defaults['bank_restricted'], False)
            view = self._execute_import(
                session_id, orgs['bcc'], bcc_data)['view']
            self.assertEqual(view['state'], 'done')
        self.assertEqual(bcc_c.outstanding_debt, Decimal(5000))
        # The wizard action is restricted to the groups that import
        with transaction.set_user(coordinator.id):
            with self.assertRaises(AccessError):
                Wizard.create()

    @with_transaction()
    def test_bank_report_lines_read_only_for_banks(self):
        "A bank reads its imported lines but cannot change or delete them"
        pool = Pool()
        Line = pool.get('damu.bank.report.line')
        orgs = setup_orgs()
        contract, _ = self._contracts(orgs, {'number': 'S-1'},
            {'number': 'S-2', 'bank': orgs['bcc'].id})
        bank = create_user('bank', 'kz_base.group_bank', orgs['halyk'])
        officer = create_user('officer', 'kz_base.group_damu_officer')
        # The lines of another bank are not even seen
        state, bcc_session = self._import(orgs['bcc'], annex4.write_xlsx(
                [annex4_row('S-2', BINS[0])]))
        self.assertEqual(state, 'done')
        bcc_line, = bcc_session.done.report.lines
        with as_user(bank):
            state, session = self._import(orgs['halyk'], annex4.write_xlsx(
                    [annex4_row('S-1', BINS[0], outstanding=5000)]))
            self.assertEqual(state, 'done')
            report = session.done.report
            line, = Line.search([])
            self.assertEqual(line.report, report)
            with self.assertRaises(AccessError):
                Line.read([bcc_line.id], ['outstanding_debt'])
            self.assertEqual(line.outstanding_debt, Decimal(5000))
            with self.assertRaises(AccessError):
                Line.write([line], {'outstanding_debt': Decimal(1)})
            with self.assertRaises(AccessError):
                Line.delete([line])
            with self.assertRaises(AccessError):
                Line.create([{'report': report.id, 'sheet_row': 9}])
            # Importing the report again replaces the lines
            state, _ = self._import(orgs['halyk'], annex4.write_xlsx(
                    [annex4_row('S-1', BINS[0], outstanding=4000)]),
                replace=True)
            self.assertEqual(state, 'done')
            line, = Line.search([])
            self.assertEqual(line.report, report)
            self.assertEqual(line.outstanding_debt, Decimal(4000))
        self.assertEqual(contract.outstanding_debt, Decimal(4000))
        # Damu still corrects a line
        with as_user(officer):
            Line.write([Line(line.id)], {'outstanding_debt': Decimal(3000)})

    @with_transaction()
    def test_annex4_duplicate_agreements(self):
        "Rows of the same agreement are all refused, with their numbers"
        orgs = setup_orgs()
        first, second = self._contracts(orgs, {'number': 'S-1'},
            {'number': 'S-2', 'entrepreneur_bin': BINS[2]})
        data = annex4.write_xlsx([
                annex4_row('S-1', BINS[0], outstanding=1000),
                annex4_row('S-2', BINS[2], outstanding=2000),
                annex4_row('S-1', BINS[0], outstanding=3000),
                annex4_row('X-9', BINS[2]),
                annex4_row('X-9', BINS[2]),
                ])
        state, session = self._import(orgs['halyk'], data)
        self.assertEqual(state, 'errors')
        self.assertEqual(session.done.valid, 1)
        self.assertEqual(session.done.rejected, 4)
        self.assertEqual(session.done.errors.splitlines(), [
                'Row 3: the agreement "S-1" is in several rows of the file '
                '(rows 3, 5)',
                'Row 5: the agreement "S-1" is in several rows of the file '
                '(rows 3, 5)',
                'Row 6: no contract "X-9" of this bank; the agreement "X-9" '
                'is in several rows of the file (rows 6, 7)',
                'Row 7: no contract "X-9" of this bank; the agreement "X-9" '
                'is in several rows of the file (rows 6, 7)',
                ])
        self.assertIsNone(first.outstanding_debt)
        state, session = self._import(orgs['halyk'], data, valid=True)
        self.assertEqual(state, 'done')
        self.assertEqual(session.done.imported, 1)
        self.assertEqual([l.agreement_number
                for l in session.done.report.lines], ['S-2'])
        self.assertIsNone(first.outstanding_debt)
        self.assertEqual(second.outstanding_debt, Decimal(2000))

    @with_transaction()
    def test_annex4_every_column_stored_xlsx(self):
        "Each of the 29 columns of a valid .xlsx row is stored on its line"
        orgs = setup_orgs()
        self._contracts(orgs, {'number': 'S-1'})
        # (cell written in the file, value stored) in the column order
        table = [
            (7, 7),
            ("Halyk Bank", "Halyk Bank"),
            ("Astana", "Astana"),
            ("Entrepreneur S-1", "Entrepreneur S-1"),
            ('9901 4000 0384', BINS[0]),
            ("LLP", "LLP"),
            ('S-1', 'S-1'),
            (dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
            (36, 36),
            ('100 000 000,25', Decimal('100000000.25')),
            (12.5, Decimal('12.50')),
            (6, 6),
            (3, 3),
            ('05.03.2024', dt.date(2024, 3, 5)),
            (90000000, Decimal(90000000)),
            (70000000.5, Decimal('70000000.50')),
            ('GA-7', 'GA-7'),
            (dt.date(2024, 3, 2), dt.date(2024, 3, 2)),
            (50000000, Decimal(50000000)),
            ('35000000', Decimal(35000000)),
            (1500000, Decimal(1500000)),
            (15, 15),
            (4, 4),
            ("investment", "investment"),
            ('10.11', '10.11'),
            ("start-up", "start-up"),
            ('12', '12'),
            (dt.date(2024, 2, 10), dt.date(2024, 2, 10)),
            ('2', '2'),
            ]
        self.assertEqual(len(table), len(annex4.COLUMNS))
        state, session = self._import(orgs['halyk'],
            annex4.write_xlsx([[cell for cell, _ in table]]))
        self.assertEqual(state, 'done')
        line, = session.done.report.lines
        self.assertEqual(line.sheet_row, 3)
        for (name, _, _), (_, expected) in zip(annex4.COLUMNS, table):
            with self.subTest(column=name):
                self.assertIsNotNone(expected)
                self.assertEqual(getattr(line, name), expected)

    @with_transaction()
    def test_annex4_every_column_stored_xls(self):
        "Each column of a legacy .xls row is stored on its line"
        orgs = setup_orgs()
        self._contracts(orgs, {'number': 'S-1'},
            {'number': 'G-1', 'kind': 'guarantee', 'sub_kind': 'individual',
                'entrepreneur_bin': BINS[1],
                'guarantee_amount': Decimal('50000000')})
        # The row of G-1 in tests/make_xls_fixture.py
        expected = [1, "Halyk Bank", "Astana", "Entrepreneur G-1",
            "880101300010", "LLP", "G-1", dt.date(2024, 3, 1), 60,
            Decimal(100000000), Decimal('12.50'), 6, 0,
            dt.date(2024, 3, 10), Decimal(100000000), Decimal(50000000),
            "GA-1", dt.date(2024, 3, 1), Decimal(50000000),
            Decimal(25000000), Decimal(1000000), 15, 3, "investment",
            "10.11", "active", "12", dt.date(2024, 2, 15), "1"]
        self.assertEqual(len(expected), len(annex4.COLUMNS))
        with open(os.path.join(HERE, 'annex4_sample.xls'), 'rb') as fp:
            data = fp.read()
        state, session = self._import(orgs['halyk'], data, 'annex4.xls')
        self.assertEqual(state, 'done')
        line = session.done.report.lines[0]
        for (name, _, _), value in zip(annex4.COLUMNS, expected):
            with self.subTest(column=name):
                self.assertEqual(getattr(line, name), value)

    @with_transaction()
    def test_plan_approval_late_refused(self):
        "A plan is not approved later than 20 wd before its period (D§7)"
        pool = Pool()
        Plan = pool.get('damu.plan')
        Calendar = pool.get('kz.calendar')
        orgs = setup_orgs()
        self._contracts(orgs, {'number': 'S-1'})
        plan, = Plan.create([{
                    'name': "2026", 'year': 2026,
                    'period_start': dt.date(2026, 1, 1),
                    'period_end': dt.date(2026, 12, 31)}])
        Plan.select_projects([plan])
        self.assertEqual(plan.due_date, dt.date(2025, 12, 3))
        late = dt.date(2025, 12, 4)
        earliest = Calendar.add_working_days(late, 20)
        with today(late):
            with self.assertRaisesRegex(PlanError,
                    'approved by 2025-12-03.*to %s or later' % earliest):
                Plan.approve([plan])
        self.assertEqual(plan.state, 'draft')
        self.assertIsNone(plan.approved_date)
        # A late plan covers a shorter period
        Plan.write([plan], {'period_start': earliest})
        self.assertEqual(plan.due_date, late)
        with today(late):
            Plan.approve([plan])
        self.assertEqual(plan.state, 'approved')
        self.assertEqual(plan.approved_date, late)

    @with_transaction()
    def test_grant_new_jobs(self):
        "The new jobs of a grant are compared with the planned ones (D§14)"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        grant = self._monitoring(orgs, number='R-1', kind='grant',
            sub_kind='business_idea', purpose=None,
            bank=orgs['grantor'].id, jobs_planned=3)
        self.assertEqual(grant.jobs_planned, 3)
        self.assertIsNone(grant.jobs_met)
        Monitoring.write([grant], {'jobs_created': 2})
        self.assertEqual(grant.jobs_met, False)
        Monitoring.write([grant], {'jobs_created': 3})
        self.assertEqual(grant.jobs_met, True)
        Monitoring.write([grant], {'jobs_created': 5})
        self.assertEqual(grant.jobs_met, True)
        # No obligation on subsidies, nor on grants planning no job
        subsidy = self._monitoring(orgs, number='S-1')
        Monitoring.write([subsidy], {'jobs_created': 3})
        self.assertIsNone(subsidy.jobs_met)
        no_jobs = self._monitoring(orgs, number='R-2', kind='grant',
            sub_kind='business_idea', purpose=None,
            bank=orgs['grantor'].id)
        Monitoring.write([no_jobs], {'jobs_created': 1})
        self.assertIsNone(no_jobs.jobs_met)
        with self.assertRaises(DomainValidationError):
            Monitoring.write([grant], {'jobs_created': -1})

    @with_transaction()
    def test_monitoring_back_to_work(self):
        "Back to work cancels the signing deadline; a new report follows"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs)
        self._run_to_report(monitoring, refusal_reason='disagreement')
        signing, = [d for d in monitoring.deadlines if d.kind == 'signing']
        self.assertEqual(signing.state, 'open')
        Monitoring.back_to_work([monitoring])
        self.assertEqual(monitoring.state, 'in_progress')
        self.assertEqual(type(signing)(signing.id).state, 'cancelled')
        self.assertIsNone(monitoring.refusal_reason)
        self.assertNotIn('signing', monitoring.deadlines_pending)
        with today(dt.date(2025, 4, 14)):
            Monitoring.submit_report([monitoring])
        self.assertEqual(monitoring.state, 'reporting')
        self.assertEqual(monitoring.report_date, dt.date(2025, 4, 14))
        signings = [d for d in monitoring.deadlines if d.kind == 'signing']
        self.assertEqual(sorted(d.state for d in signings),
            ['cancelled', 'open'])

    @with_transaction()
    def test_monitoring_cancel(self):
        "Cancelling closes the open deadlines; only then may it be deleted"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs)
        with today(dt.date(2025, 2, 20)):
            Monitoring.notify([monitoring])
        self.assertEqual(set(monitoring.deadlines_pending),
            {'entrepreneur_notice', 'documents'})
        with self.assertRaises(MonitoringError):
            Monitoring.delete([monitoring])
        Monitoring.cancel([monitoring])
        self.assertEqual(monitoring.state, 'cancelled')
        self.assertEqual(monitoring.deadlines_pending, ())
        self.assertEqual({d.state for d in monitoring.deadlines},
            {'done', 'cancelled'})
        # Not a transition from in progress: nothing happens
        started = self._monitoring(orgs, number='S-2')
        self._run_to_report(started)
        Monitoring.back_to_work([started])
        Monitoring.cancel([started])
        self.assertEqual(started.state, 'in_progress')
        Monitoring.delete([monitoring])
        self.assertEqual(Monitoring.search([('id', '=', monitoring.id)]),
            [])

    @with_transaction()
    def test_submit_report_needs_site_visit(self):
        "An investment project is reported only once visited (D§9)"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs, purpose='investment')
        self.assertTrue(monitoring.site_visit)
        with today(dt.date(2025, 2, 20)):
            Monitoring.notify([monitoring])
        self.assertIn('site_visit', monitoring.deadlines_pending)
        with today(dt.date(2025, 4, 1)):
            Monitoring.start([monitoring])
        Monitoring.write([monitoring], {'result': 'compliant'})
        with today(dt.date(2025, 4, 10)):
            with self.assertRaisesRegex(MonitoringError, 'visited on site'):
                Monitoring.submit_report([monitoring])
        self.assertEqual(monitoring.state, 'in_progress')
        Monitoring.write([monitoring],
            {'site_visit_date': dt.date(2025, 4, 8)})
        with today(dt.date(2025, 4, 10)):
            Monitoring.submit_report([monitoring])
        self.assertEqual(monitoring.state, 'reporting')
        visit, = [d for d in monitoring.deadlines if d.kind == 'site_visit']
        self.assertEqual(visit.state, 'done')

    @with_transaction()
    def test_requester_required_on_request(self):
        "A monitoring on request says who requested it"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        contract, = self._contracts(orgs, {'number': 'S-1'})
        values = {
            'contract': contract.id,
            'start_date': dt.date(2025, 4, 1),
            'end_date': dt.date(2025, 4, 15),
            }
        with self.assertRaises(RequiredValidationError):
            Monitoring.create([dict(values, origin='request')])
        # Other periods: one unplanned monitoring per project and period
        overdue, = Monitoring.create([dict(values, origin='overdue',
                    start_date=dt.date(2025, 6, 2),
                    end_date=dt.date(2025, 6, 16))])
        self.assertIsNone(overdue.requester)
        requested, = Monitoring.create([dict(values, origin='request',
                    requester='law_enforcement',
                    start_date=dt.date(2025, 9, 1),
                    end_date=dt.date(2025, 9, 15))])
        self.assertEqual(requested.requester, 'law_enforcement')

    @with_transaction()
    def test_plan_contract_unique(self):
        "A project is in a plan once, whatever its tranches (D§38)"
        pool = Pool()
        Plan = pool.get('damu.plan')
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        contract, = self._contracts(orgs, {'number': 'S-1'})
        plan, = Plan.create([{
                    'name': "2026", 'year': 2026,
                    'period_start': dt.date(2026, 1, 1),
                    'period_end': dt.date(2026, 12, 31)}])
        values = {
            'contract': contract.id,
            'origin': 'planned',
            'start_date': dt.date(2026, 2, 2),
            'end_date': dt.date(2026, 2, 16),
            }
        Monitoring.create([dict(values, plan=plan.id)])
        # An unplanned monitoring of the same project is allowed, one per
        # period (D§38)
        Monitoring.create([dict(values, origin='request', requester='court')])
        with self.assertRaises(MonitoringError):
            Monitoring.create([dict(values, origin='overdue')])
        # Last: a failed SQL statement aborts the PostgreSQL transaction
        with self.assertRaises(SQLConstraintError):
            Monitoring.create([dict(values, plan=plan.id)])

    @with_transaction()
    def test_act_impossibility_printed(self):
        "The Act 6 of an impossible monitoring prints the project"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Impossibility = pool.get('damu.act.impossibility', type='report')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs, number='S-77',
            entrepreneur="Dala Bakery LLP")
        with today(dt.date(2025, 2, 20)):
            Monitoring.notify([monitoring])
        with today(dt.date(2025, 3, 31)):
            Monitoring.declare_impossible([monitoring])
        self.assertEqual(monitoring.state, 'impossible')
        act, = monitoring.acts
        self.assertEqual((act.kind, act.state), ('impossibility', 'issued'))
        oext, content, _, _ = Impossibility.execute([act.id], {})
        self.assertEqual(oext, 'pdf')
        text = pdf_text(content)
        self.assertIn('Dala Bakery LLP, agreement No. S-77', text)
        # The counterparty of Act 6 is the entrepreneur
        self.assertIn('Dala Bakery LLP (name of the bank/entrepreneur) did '
            'not provide', text)

    @with_transaction()
    def test_annex5_excludes_ended_guarantees(self):
        "Annex 5 as of a date leaves out the guarantees ended by then"
        pool = Pool()
        Contract = pool.get('damu.contract')
        Report = pool.get('damu.guarantee.report.xlsx', type='report')
        from trytond.modules.kz_damu_monitoring.guarantee_report import (
            annex5_lines)
        orgs = setup_orgs()
        g = {'kind': 'guarantee', 'sub_kind': 'individual'}
        running, repaid, terminated, old = self._contracts(orgs,
            dict(g, number='G-1', amount=Decimal(1000),
                guarantee_amount=Decimal(500)),
            dict(g, number='G-2', amount=Decimal(2000),
                guarantee_amount=Decimal(1000)),
            dict(g, number='G-3', amount=Decimal(4000),
                guarantee_amount=Decimal(2000)),
            # repaid before the date of closing was recorded
            dict(g, number='G-4', amount=Decimal(8000),
                guarantee_amount=Decimal(4000), state='repaid'))
        with today(dt.date(2025, 3, 15)):
            Contract.repay([repaid])
        with today(dt.date(2025, 4, 10)):
            Contract.terminate([terminated])
        self.assertEqual(repaid.closed_date, dt.date(2025, 3, 15))
        self.assertEqual(terminated.closed_date, dt.date(2025, 4, 10))
        self.assertIsNone(running.closed_date)

        def totals(date):
            return annex5_lines(date)[1]
        # Terminated after the end of March: still in the March report
        self.assertEqual(totals(dt.date(2025, 3, 31))['loan_amount'],
            Decimal(5000))
        self.assertEqual(totals(dt.date(2025, 3, 31))['guarantee_amount'],
            Decimal(2500))
        self.assertEqual(totals(dt.date(2025, 3, 14))['loan_amount'],
            Decimal(7000))
        self.assertEqual(totals(dt.date(2025, 4, 30))['loan_amount'],
            Decimal(1000))
        _, content, _, _ = Report.execute([], {'date': '2025-04-30'})
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active
            .iter_rows(values_only=True))
        self.assertEqual(rows[-1][1:4], ('Total', 1000, 0))
        # Back to active: counted again
        Contract.reactivate([repaid])
        self.assertIsNone(repaid.closed_date)
        self.assertEqual(totals(dt.date(2025, 4, 30))['loan_amount'],
            Decimal(3000))

    @with_transaction()
    def test_list_first_column(self):
        "The first column of every list is the record, not a link"
        self.assertEqual(first_column_links(self.module), [])


del ModuleTestCase

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The Damu notices and documents: rendered for real to PDF and compared
with the Russian original of the rules; their delivery to the bank, the
grantee and grantor, the coordinator, the commission and the authorized
body."""
import datetime as dt
import os
import unittest
from decimal import Decimal
from unittest.mock import patch

from trytond import config
from trytond.modules.kz_base import deadline as deadline_module
from trytond.modules.kz_base import notification
from trytond.modules.kz_damu_monitoring.exceptions import MonitoringError
from trytond.modules.kz_base.tests.tools import (
    as_user, create_user, today)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from . import seed
from .tools import BINS, create_monitoring, setup_orgs

LOCALE = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'locale')
ANNEX_HEADING = "Перечень документов"


class mail:
    "Capture the e-mails sent at commit, with a sender configured"

    def __enter__(self):
        self.sent = []
        get = config.get
        self._patches = [
            patch.object(notification, 'send_message_transactional',
                side_effect=self.sent.append),
            patch.object(config, 'get', side_effect=lambda section, option,
                default=None: 'damu@example.kz' if (section, option) == (
                    'email', 'from') else get(section, option,
                    default=default)),
            ]
        for p in self._patches:
            p.start()
        return self.sent

    def __exit__(self, *exc):
        for p in reversed(self._patches):
            p.stop()


def attachments(message):
    return {part.get_filename(): part.get_content()
        for part in message.iter_attachments()}


class DamuNoticeTestCase(unittest.TestCase):
    "Test the Damu notices and documents"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_damu_monitoring')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _user(self, login, group, organization=None, email=None):
        return create_user(
            login, group, organization, name=login.title(), email=email)

    def _monitoring(self, orgs, number='S-1', start=dt.date(2025, 4, 1),
            **contract):
        contract = dict({'entrepreneur': f"Entrepreneur {number}"},
            **contract)
        return create_monitoring(orgs, start, number=number, **contract)

    def _guarantee(self, orgs, number='G-1', **values):
        return self._monitoring(orgs, number, kind='guarantee',
            sub_kind='individual', guarantee_number=f'GA-{number}',
            guarantee_date=dt.date(2024, 3, 1),
            guarantee_amount=Decimal(50000000), **values)

    def _grant(self, orgs, number='R-1', **values):
        return self._monitoring(orgs, number, kind='grant',
            sub_kind='business_idea', purpose=None,
            bank=orgs['grantor'].id, amount=Decimal(5000000),
            jobs_planned=3, **values)

    def _russian(self):
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        ru, = Lang.search([('code', '=', 'ru')])
        Lang.write([ru], {'translatable': True})
        Translation.translation_import('ru', 'kz_damu_monitoring',
            os.path.join(LOCALE, 'ru.po'))
        return Transaction().set_context(language='ru')

    def assertLabels(self, labels, text):
        "Each label is in the text, but for line breaks and hyphenation"
        squashed = seed.squash(text)
        missing = [l for l in labels if seed.squash(l) not in squashed]
        self.assertEqual(missing, [], text)

    @with_transaction()
    def test_bank_notice_delivered(self):
        "Notify: one notice per bank with its projects, to its users, once"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Notice = pool.get('damu.notice')
        Notification = pool.get('res.notification')
        orgs = setup_orgs()
        halyk1 = self._user('halyk1', 'kz_base.group_bank', orgs['halyk'],
            'one@halyk.kz')
        halyk2 = self._user('halyk2', 'kz_base.group_bank', orgs['halyk'],
            'two@halyk.kz')
        bcc = self._user('bcc', 'kz_base.group_bank', orgs['bcc'])
        monitorings = [self._monitoring(orgs, 'S-1'),
            self._guarantee(orgs, 'G-1'),
            self._monitoring(orgs, 'S-2', bank=orgs['bcc'].id,
                entrepreneur_bin=BINS[1])]
        with today(dt.date(2025, 2, 20)), mail() as sent:
            Monitoring.notify(monitorings)
        notices = Notice.search([], order=[('organization.name', 'DESC')])
        self.assertEqual([n.organization for n in notices],
            [orgs['halyk'], orgs['bcc']])
        halyk, bcc_notice = notices
        self.assertEqual(halyk.kind, 'bank')
        self.assertEqual(halyk.state, 'sent')
        self.assertEqual([l.monitoring for l in halyk.lines],
            monitorings[:2])
        self.assertEqual(halyk.documents_date, dt.date(2025, 3, 31))
        self.assertEqual(halyk.entrepreneur_notice_date,
            dt.date(2025, 3, 13))
        self.assertEqual({d.user for d in halyk.deliveries},
            {halyk1, halyk2})
        self.assertEqual({d.attempt for d in halyk.deliveries}, {1})
        self.assertEqual({d.user for d in bcc_notice.deliveries}, {bcc})
        # In the web client and by e-mail with the PDF attached
        self.assertEqual(len(Notification.search([
                        ('user', '=', halyk1.id),
                        ('model', '=', 'damu.notice')])), 1)
        self.assertEqual(sorted(m['To'] for m in sent),
            ['one@halyk.kz', 'two@halyk.kz'])
        files = attachments(sent[0])
        self.assertEqual(list(files), [halyk.document_name])
        self.assertEqual(files[halyk.document_name][:5], b'%PDF-')
        self.assertEqual(bytes(halyk.document)[:5], b'%PDF-')
        # A retried call or cron sends nothing twice
        with mail() as sent:
            Notice.send(notices)
            Notice.send_pending()
        self.assertEqual(sent, [])
        self.assertEqual(len(Notice(halyk.id).deliveries), 2)
        # Re-sending is possible and logged
        with mail() as sent:
            Notice.resend([halyk])
        self.assertEqual(len(sent), 2)
        self.assertEqual(
            sorted(d.attempt for d in Notice(halyk.id).deliveries),
            [1, 1, 2, 2])
        # The bank sees its own notices only and acknowledges them
        with as_user(bcc):
            self.assertEqual(Notice.search([]), [bcc_notice])
        with as_user(halyk1):
            self.assertEqual(Notice.search([]), [halyk])
            Notice.acknowledge([Notice(halyk.id)])
        halyk = Notice(halyk.id)
        self.assertEqual(halyk.state, 'acknowledged')
        self.assertEqual(halyk.acknowledged_by, halyk1)
        self.assertTrue(halyk.acknowledged_date)

    @with_transaction()
    def test_notice_without_recipient_waits(self):
        "A bank without users: the notice waits for the hourly cron"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Notice = pool.get('damu.notice')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs)
        with today(dt.date(2025, 2, 20)):
            Monitoring.notify([monitoring])
        notice, = Notice.search([])
        self.assertEqual((notice.state, notice.deliveries), ('draft', ()))
        user = self._user('halyk', 'kz_base.group_bank', orgs['halyk'])
        with mail():
            Notice.send_pending()
            Notice.send_pending()
        notice = Notice(notice.id)
        self.assertEqual(notice.state, 'sent')
        self.assertEqual([d.user for d in notice.deliveries], [user])

    @with_transaction()
    def test_entrepreneur_notice_reminds_bank(self):
        "The bank's users are reminded of their 10-wd duty (D§17, 25)"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Deadline = pool.get('kz.deadline')
        orgs = setup_orgs()
        officer = self._user('officer', 'kz_base.group_damu_officer')
        bank_user = self._user('halyk', 'kz_base.group_bank', orgs['halyk'])
        monitoring = self._monitoring(orgs)
        Monitoring.write([monitoring], {'officer': officer.id})
        with today(dt.date(2025, 2, 20)), mail():
            Monitoring.notify([monitoring])
        duty, = [d for d in monitoring.deadlines
            if d.kind == 'entrepreneur_notice']
        self.assertEqual(duty.get_deadline_recipients(), [bank_user])
        with today(dt.date(2025, 3, 11)), patch.object(
                deadline_module, 'notify_users') as notify:
            Deadline.check_deadlines()
        reminded = [c.args[0] for c in notify.call_args_list
            if c.args[3] == [duty]]
        self.assertEqual(reminded, [[bank_user]])

    @with_transaction()
    def test_notice_pdf_follows_seed(self):
        "The bank and grant notices carry Annexes 1, 2, 3 of the seed"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Notice = pool.get('damu.notice')
        NoticeReport = pool.get('damu.notice', type='report')
        orgs = setup_orgs()
        bank = [self._monitoring(orgs, 'S-1'), self._guarantee(orgs, 'G-1')]
        grant = self._grant(orgs)
        with today(dt.date(2025, 2, 20)):
            action = Monitoring.notify(bank + [grant])
        bank_notice, = Notice.search([('kind', '=', 'bank')])
        grant_notice, = Notice.search([('kind', '=', 'grant')])
        # Send Notices opens the notices it created and says what is next
        self.assertEqual(action['res_model'], 'damu.notice')
        self.assertIn("2 notice(s) created", action['kz_message'])
        self.assertIn("Next:", action['kz_message'])
        with self._russian():
            oext, content, _, _ = NoticeReport.execute([bank_notice.id], {})
            self.assertEqual(oext, 'pdf')
            text = seed.pdf_text(content)
            _, content, _, _ = NoticeReport.execute([grant_notice.id], {})
            grant_text = seed.pdf_text(content)
        annex1 = seed.section(ANNEX_HEADING, 'Приложение 2')
        annex2 = seed.section(ANNEX_HEADING, 'Приложение 3',
            after='Приложение 2')
        annex3 = seed.section(ANNEX_HEADING, 'Приложение 4',
            after='Приложение 3')
        self.assertLabels([seed.normalize(l) for l in annex1 + annex2], text)
        self.assertLabels([seed.normalize(l) for l in annex3], grant_text)
        self.assertNotIn(seed.normalize(annex3[0]), text)
        # The labels of the notice come from D§16, 24, 25, 30
        rules = seed.normalize(seed.russian())
        labels = ["Уведомление о проведении мониторинга",
            "Список проектов, подлежащих мониторингу",
            "Срок представления документов, необходимых для проведения "
            "мониторинга",
            "не позднее, чем за 10 (десять) рабочих дней до даты начала "
            "мониторинга письменно уведомляет предпринимателей, указанных "
            "в уведомлении Финансового агентства, о проведении мониторинга"]
        self.assertLabels([l.lower() for l in labels], rules.lower())
        self.assertLabels(labels, text)
        self.assertLabels(["Entrepreneur S-1", "Entrepreneur G-1", "S-1",
                "G-1", "01.04.2025", "15.04.2025", "31.03.2025",
                "13.03.2025", "Halyk Bank"], text)
        self.assertLabels(["Entrepreneur R-1", "Akimat of Astana"],
            grant_text)

    def _refused_act(self, orgs):
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Act = pool.get('damu.act')
        monitoring = self._monitoring(orgs, 'S-77',
            entrepreneur="Dala Bakery LLP")
        with today(dt.date(2025, 2, 20)):
            Monitoring.notify([monitoring])
        with today(dt.date(2025, 4, 1)):
            Monitoring.start([monitoring])
        Monitoring.write([monitoring], {'result': 'violation',
                'refusal_reason': 'disagreement'})
        with today(dt.date(2025, 4, 10)):
            Monitoring.submit_report([monitoring])
            Monitoring.receive_report([monitoring])
        with today(dt.date(2025, 4, 18)):
            Monitoring.refuse([monitoring])
        act, = monitoring.acts
        Act.write([act], {'director': "Aliyev A.A.",
                'specialists': "Sadykova S.S.", 'sent_method': "courier",
                'receiving_unit': "Credit department",
                'receipt_proof': "registry stamp No. 12"})
        return act

    @with_transaction()
    def test_act_refusal_pdf_follows_seed(self):
        "Annex 7 as PDF: every label of the seed form, every blank filled"
        pool = Pool()
        Refusal = pool.get('damu.act.refusal', type='report')
        orgs = setup_orgs()
        act = self._refused_act(orgs)
        self.assertEqual(act.received_date, dt.date(2025, 4, 10))
        with self._russian():
            oext, content, _, _ = Refusal.execute([act.id], {})
        self.assertEqual(oext, 'pdf')
        text = seed.pdf_text(content)
        form = seed.section('Приложение 7', None)
        self.assertLabels(seed.fragments(form), text)
        self.assertLabels(["Aliyev A.A.", "Sadykova S.S.", "courier",
                "Credit department", "registry stamp No. 12", "10.04.2025",
                "17.04.2025", "Halyk Bank"], text)

    @with_transaction()
    def test_act_impossibility_pdf_follows_seed(self):
        "Annex 6 as PDF: the date of non-provision and the names signed"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Act = pool.get('damu.act')
        Impossibility = pool.get('damu.act.impossibility', type='report')
        orgs = setup_orgs()
        monitoring = self._grant(orgs, entrepreneur="IE Omarova")
        with today(dt.date(2025, 3, 1)):
            Monitoring.notify([monitoring])
        with today(dt.date(2025, 4, 2)):
            Monitoring.declare_impossible([monitoring])
        act, = monitoring.acts
        self.assertEqual(act.non_provision_date, dt.date(2025, 3, 31))
        with self._russian():
            _, content, _, _ = Impossibility.execute([act.id], {})
        blank = seed.pdf_text(content)
        Act.write([act], {'director': "Aliyev A.A.",
                'specialists': "Sadykova S.S."})
        with self._russian():
            _, content, _, _ = Impossibility.execute([act.id], {})
        text = seed.pdf_text(content)
        form = seed.section('Приложение 6', 'Приложение 7')
        self.assertLabels(seed.fragments(form), text)
        self.assertLabels(["31.03.2025", "02.04.2025", "IE Omarova"], text)
        # The names under both signatures
        self.assertEqual(text.count("Aliyev A.A."), 2)
        self.assertEqual(text.count("Sadykova S.S."), 2)
        # Without names the blanks are printed for hand completion
        self.assertIn('_' * 30, blank)

    @with_transaction()
    def test_monitoring_report_pdf(self):
        "The report of one project with the signature blocks (D§38)"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        MonitoringReport = pool.get('damu.monitoring.report', type='report')
        orgs = setup_orgs()
        officer = self._user('officer', 'kz_base.group_damu_officer')
        monitoring = self._monitoring(orgs)
        with today(dt.date(2025, 2, 20)):
            Monitoring.notify([monitoring])
        with today(dt.date(2025, 4, 1)):
            Monitoring.start([monitoring])
        Monitoring.write([monitoring], {'result': 'compliant',
                'conclusion': "The loan was used as intended."})
        with today(dt.date(2025, 4, 10)):
            Monitoring.submit_report([monitoring])
        Monitoring.write([monitoring], {
                'counterparty_signatory': "Bekov B.B.",
                'counterparty_signed_date': dt.date(2025, 4, 14)})
        with today(dt.date(2025, 4, 15)), Transaction().set_user(officer.id):
            Monitoring.sign([monitoring])
        with self._russian():
            oext, content, _, _ = MonitoringReport.execute(
                [monitoring.id], {})
        self.assertEqual(oext, 'pdf')
        text = seed.pdf_text(content)
        rules = seed.normalize(seed.russian())
        labels = ["Мониторинговый отчет по проекту", "Финансовое агентство",
            "Ф.И.О.", "(подпись, печать (при наличии)"]
        self.assertLabels(labels, rules)
        self.assertLabels(labels + ["Bekov B.B.", "Officer", "14.04.2025",
                "15.04.2025", "The loan was used as intended.",
                "Entrepreneur S-1", "Halyk Bank"], text)

    @with_transaction()
    def test_signing_counts_from_receipt(self):
        "5 wd from the receipt by the bank; both signatures recorded"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Notice = pool.get('damu.notice')
        orgs = setup_orgs()
        bank_user = self._user('halyk', 'kz_base.group_bank', orgs['halyk'],
            'halyk@halyk.kz')
        officer = self._user('officer', 'kz_base.group_damu_officer')
        monitoring = self._monitoring(orgs)
        with today(dt.date(2025, 2, 20)), mail():
            Monitoring.notify([monitoring])
        with today(dt.date(2025, 4, 1)):
            Monitoring.start([monitoring])
        Monitoring.write([monitoring], {'result': 'compliant'})
        with today(dt.date(2025, 4, 10)), mail() as sent:
            Monitoring.submit_report([monitoring])
        report, = Notice.search([('kind', '=', 'report')])
        self.assertEqual(report.state, 'sent')
        # The notice and the report itself
        message, = sent
        self.assertEqual(len(attachments(message)), 2)
        # The bank acknowledges on Monday 14 April: due on the 21st
        with today(dt.date(2025, 4, 14)), \
                as_user(bank_user):
            Notice.acknowledge([Notice(report.id)])
        monitoring = Monitoring(monitoring.id)
        self.assertEqual(monitoring.report_received_date,
            dt.date(2025, 4, 14))
        signing, = [d for d in monitoring.deadlines if d.kind == 'signing']
        self.assertEqual(signing.due_date, dt.date(2025, 4, 21))
        with self.assertRaises(MonitoringError):
            Monitoring.sign([monitoring])
        Monitoring.write([monitoring], {
                'counterparty_signatory': "Bekov B.B.",
                'counterparty_signed_date': dt.date(2025, 4, 18)})
        with today(dt.date(2025, 4, 21)), Transaction().set_user(officer.id):
            Monitoring.sign([monitoring])
        self.assertEqual((monitoring.state, monitoring.damu_signed_by,
                monitoring.signed_date),
            ('signed', officer, dt.date(2025, 4, 21)))

    @with_transaction()
    def test_one_report_per_period_unplanned(self):
        "Unplanned monitorings too: one per project and period (D§38)"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        monitoring = self._monitoring(orgs)
        values = {'contract': monitoring.contract.id, 'origin': 'overdue',
            'start_date': dt.date(2025, 4, 10),
            'end_date': dt.date(2025, 4, 20)}
        Monitoring.create([dict(values, start_date=dt.date(2025, 6, 2),
                    end_date=dt.date(2025, 6, 16))])
        Monitoring.cancel([monitoring])
        Monitoring.create([values])
        # A second overlapping monitoring of the project is refused
        with self.assertRaises(MonitoringError):
            Monitoring.create([dict(values, origin='request',
                        requester='court')])

    @with_transaction()
    def test_grant_breach_notified(self):
        "Not only misuse: project not carried out, jobs, terms (D§34)"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        cases = [{'jobs_created': 1}, {'project_not_implemented': True},
            {'terms_breached': True}, {'jobs_created': 3}]
        monitorings = []
        for i, values in enumerate(cases):
            monitoring = self._grant(orgs, f'R-{i}',
                entrepreneur_bin=BINS[i])
            with today(dt.date(2025, 3, 1)):
                Monitoring.notify([monitoring])
            with today(dt.date(2025, 4, 1)):
                Monitoring.start([monitoring])
            Monitoring.write([monitoring], dict(values, result='violation',
                    site_visit_date=dt.date(2025, 4, 3)))
            with today(dt.date(2025, 4, 10)):
                Monitoring.submit_report([monitoring])
            Monitoring.write([monitoring], {
                    'counterparty_signed_date': dt.date(2025, 4, 11)})
            with today(dt.date(2025, 4, 14)):
                Monitoring.sign([monitoring])
            monitorings.append(monitoring)
        self.assertEqual(
            [('misuse_notice' in m.deadlines_pending) for m in monitorings],
            [True, True, True, False])

    @with_transaction()
    def test_commission_coordinator_authorized_body(self):
        "Act 6 to the coordinator then the authorized body; misuse notice "
        "to coordinator and commission; results to the authorized body"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Notice = pool.get('damu.notice')
        orgs = setup_orgs()
        Organization = pool.get('kz.organization')
        damu_astana, damu_shymkent = Organization.create([
                {'name': "Damu Astana", 'kind': 'financial_agency',
                    'region': orgs['astana'].id},
                {'name': "Damu Shymkent", 'kind': 'financial_agency',
                    'region': orgs['shymkent'].id}])
        coordinator = self._user('coordinator',
            'kz_damu_monitoring.group_regional_coordinator', damu_astana,
            'coordinator@damu.kz')
        self._user('other', 'kz_damu_monitoring.group_regional_coordinator',
            damu_shymkent)
        commission = self._user('commission',
            'kz_damu_monitoring.group_competition_commission')
        authorized_body, = Organization.create([{
                    'name': "Authorized body", 'kind': 'authorized_body'}])
        authorized = self._user('authorized', 'kz_base.group_authorized_body',
            authorized_body)
        self._user('grantor', 'kz_base.group_bank', orgs['grantor'])
        monitoring = self._grant(orgs)
        with today(dt.date(2025, 3, 1)), mail():
            Monitoring.notify([monitoring])
        with today(dt.date(2025, 4, 2)), mail() as sent:
            Monitoring.declare_impossible([monitoring])
        act_notice, = Notice.search([('kind', '=', 'impossibility')])
        self.assertEqual({d.user for d in act_notice.deliveries},
            {coordinator})
        # The act is attached to the letter
        message, = sent
        self.assertEqual(len(attachments(message)), 2)
        with mail():
            Notice.forward([act_notice])
            Notice.forward([act_notice])
        act_notice = Notice(act_notice.id)
        self.assertEqual({d.user for d in act_notice.deliveries
                if d.forwarded}, {authorized})
        self.assertEqual(len(act_notice.deliveries), 2)
        with today(dt.date(2025, 4, 3)), mail():
            Monitoring.notify_commission([monitoring])
        misuse, = Notice.search([('kind', '=', 'misuse')])
        self.assertEqual({d.user for d in misuse.deliveries},
            {coordinator, commission})
        with as_user(commission):
            self.assertEqual(set(Notice.search([])), {misuse, act_notice})
        with as_user(authorized):
            self.assertEqual(Notice.search([]), [act_notice])
        with today(dt.date(2025, 4, 4)), mail():
            Monitoring.communicate_results([monitoring])
            Monitoring.communicate_results([monitoring])
        results, = Notice.search([('kind', '=', 'results')])
        self.assertEqual({d.user for d in results.deliveries},
            {coordinator, authorized})
        self.assertEqual((monitoring.results_sent_date,
                monitoring.coordinator_report_date),
            (dt.date(2025, 4, 4), dt.date(2025, 4, 4)))

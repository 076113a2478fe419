# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Signed documents beyond the acts: the Damu monitoring report and
notices, the green corridor decisions, and the sealed PDF of a signed
document, against the test PKI."""
import base64
import datetime as dt
import io
import os
import tempfile

from trytond.model.exceptions import AccessButtonError, AccessError
from trytond.modules.kz_base.tests.tools import config_option, language
from trytond.modules.kz_base.tests.tools import today as base_today
from trytond.modules.kz_eds.exceptions import SignatureError
from trytond.modules.kz_eds.tests.pki import (
    BIN_COMPANY, IIN_REVOKED, IIN_VALID)
from trytond.modules.kz_eds.tests.tools import eds_configured, pki, sign
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

PKI = None


def setUpModule():
    global PKI
    PKI, _ = pki()


def as_user(user):
    "Act as the user through the ORM with its access checked, as in RPC"
    return Transaction().set_user(user.id), Transaction().set_context(
        _check_access=True)


class SignedDocumentsTestCase(ModuleTestCase):
    "Test the signed monitoring reports, notices, decisions and PDF"
    module = 'kz_eds'
    extras = ['kz_damu_monitoring', 'kz_green_corridor']

    def user(self, login, group, iin=None, organization=None):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{
                    'login': login, 'name': login.title(), 'iin': iin,
                    'kz_organization': organization.id if organization
                    else None,
                    'groups': [('add', [
                                ModelData.get_id('kz_base', group)])],
                    }])
        return user

    def sign_as(self, user, record, certificate=None, content=None):
        set_user, set_context = as_user(user)
        with set_user, set_context:
            record = record.__class__(record.id)
            sign(record, certificate or PKI.valid_signing, content=content)

    def assertSigned(self, record):
        record = record.__class__(record.id)
        self.assertTrue(record.kz_eds_signed)
        signature, = record.kz_eds_signatures
        self.assertEqual(signature.verify().iin, IIN_VALID)
        self.assertRegex(record.kz_eds_status, '^Valid signature of VALID')
        return signature

    def assertTamperedRefused(self, user, record, old, new):
        "A signature of another version of the record is refused"
        Model = record.__class__
        content = base64.b64decode(Model.kz_eds_data([record])[record.id])
        tampered = content.replace(old, new)
        self.assertNotEqual(content, tampered)
        with self.assertRaisesRegex(SignatureError, 'not valid'):
            self.sign_as(user, record, content=tampered)
        self.assertFalse(Model(record.id).kz_eds_signed)

    def assertWriteRefused(self, user, records, values, pattern='signed'):
        """The user may no longer change the signed records, nor may the
        server"""
        Model = records[0].__class__
        set_user, set_context = as_user(user)
        with set_user, set_context, \
                self.assertRaisesRegex(AccessError, pattern):
            Model.write(Model.browse(records), values)
        with self.assertRaisesRegex(AccessError, 'signed'):
            Model.write(records, values)

    def monitoring_reported(self):
        """Return a monitoring whose report was sent for signature, its
        officer (IIN of the test user) and the user of the bank"""
        from trytond.modules.kz_damu_monitoring.tests.tools import (
            create_monitoring, setup_orgs)
        Monitoring = Pool().get('damu.monitoring')
        orgs = setup_orgs()
        officer = self.user('officer', 'group_damu_officer', IIN_VALID)
        bank = self.user('halyk', 'group_bank', organization=orgs['halyk'])
        monitoring = create_monitoring(orgs)
        with base_today(dt.date(2025, 2, 20)):
            Monitoring.notify([monitoring])
        with base_today(dt.date(2025, 4, 1)):
            Monitoring.start([monitoring])
        Monitoring.write([monitoring], {
                'result': 'compliant',
                'conclusion': "The loan was used as intended.",
                })
        with base_today(dt.date(2025, 4, 10)):
            Monitoring.submit_report([monitoring])
        return Monitoring(monitoring.id), officer, bank

    @with_transaction()
    def test_monitoring_report(self):
        """The officer signs the report sent; it no longer changes, while
        the bank's signature and Damu's go on"""
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Subject = pool.get('damu.monitoring.subject')
        monitoring, officer, _ = self.monitoring_reported()
        with eds_configured():
            self.assertTamperedRefused(officer, monitoring,
                b'used as intended', b'used otherwise!')
            self.sign_as(officer, monitoring)
            signature = self.assertSigned(monitoring)
            self.assertIn(b'used as intended', signature.content)
            # The subjects are part of the report
            self.assertIn(b'"subjects":[{', signature.content)

            self.assertWriteRefused(officer, [monitoring],
                {'site_visit_date': dt.date(2025, 4, 2)})
            self.assertWriteRefused(officer, monitoring.subjects,
                {'note': "Changed"})
            self.assertWriteRefused(officer, [monitoring],
                {'conclusion': "Other."}, pattern='')
            with self.assertRaisesRegex(SignatureError, 'back to work'):
                Monitoring.back_to_work([monitoring])

            # The workflow goes on around the signed report
            Monitoring.write([monitoring], {
                    'counterparty_signatory': "Bekov B.B.",
                    'counterparty_signed_date': dt.date(2025, 4, 14)})
            set_user, set_context = as_user(officer)
            with base_today(dt.date(2025, 4, 15)), set_user, set_context:
                Monitoring.sign([Monitoring(monitoring.id)])
            monitoring = Monitoring(monitoring.id)
            self.assertEqual(monitoring.state, 'signed')
            self.assertSigned(monitoring)
            # Signed once
            with self.assertRaises(AccessButtonError):
                self.sign_as(officer, monitoring)
            # Last: the line created is refused after its INSERT, which
            # only the rollback of the request undoes
            with self.assertRaisesRegex(AccessError, 'signed'):
                Subject.create([{'monitoring': monitoring.id,
                            'subject': 'growth'}])

    @with_transaction()
    def test_monitoring_report_not_sent(self):
        "A report not sent for signature is not signed"
        from trytond.modules.kz_damu_monitoring.tests.tools import (
            create_monitoring, setup_orgs)
        self.user('officer', 'group_damu_officer', IIN_VALID)
        monitoring = create_monitoring(setup_orgs())
        with eds_configured():
            with self.assertRaisesRegex(SignatureError, 'sent for'):
                sign(monitoring, PKI.valid_signing)

    @with_transaction()
    def test_notice(self):
        """A notice is signed once sent; acknowledged after, it may no
        longer change"""
        pool = Pool()
        Notice = pool.get('damu.notice')
        NoticeLine = pool.get('damu.notice.line')
        monitoring, officer, bank = self.monitoring_reported()
        notice, = Notice.search([('kind', '=', 'report')])
        self.assertEqual(notice.state, 'sent')
        draft, = Notice.create_for('misuse', [monitoring])
        with eds_configured():
            with self.assertRaisesRegex(SignatureError, 'once it has been'):
                sign(draft, PKI.valid_signing)
            self.assertTamperedRefused(officer, notice,
                b'"kind":"report"', b'"kind":"misuse"')
            self.sign_as(officer, notice)
            signature = self.assertSigned(notice)
            # The PDF sent and the projects listed are signed
            self.assertIn(b'"document":"', signature.content)
            self.assertIn(b'"lines":[{', signature.content)

            # Read-only for the officer anyway once sent
            self.assertWriteRefused(officer, [notice],
                {'grantee_email': 'x@example.kz'}, pattern='')
            with self.assertRaisesRegex(AccessError, 'signed'):
                NoticeLine.write(list(notice.lines), {'sequence': 9})
            with self.assertRaisesRegex(AccessError, 'signed'):
                Notice.delete([notice])

            set_user, set_context = as_user(bank)
            with set_user, set_context:
                Notice.acknowledge([Notice(notice.id)])
            notice = Notice(notice.id)
            self.assertEqual(notice.state, 'acknowledged')
            self.assertSigned(notice)

    @with_transaction()
    def test_green_corridor_decision(self):
        """The authorized body signs a decision; nobody else may, and a
        signed decision no longer changes"""
        from trytond.modules.kz_green_corridor.tests.test_module import (
            MILLION, create_currencies, create_project, today)
        pool = Pool()
        Decision = pool.get('green_corridor.decision')
        create_currencies()
        with today():
            project = create_project(usd=40 * MILLION, new_jobs=600)
        decision, = project.gc_decisions
        body = self.user('body', 'group_authorized_body', IIN_VALID)
        # Sees the decisions, does not decide them
        other = self.user('task_force', 'group_task_force', IIN_REVOKED)
        with eds_configured():
            with self.assertRaises(AccessButtonError):
                self.sign_as(other, decision, PKI.revoked)
            self.assertTamperedRefused(body, decision,
                b'"new_jobs":600', b'"new_jobs":900')
            self.sign_as(body, decision)
            signature = self.assertSigned(decision)
            self.assertIn(b'"score":"', signature.content)
            # Nobody writes a decision, and the server no longer
            self.assertWriteRefused(body, [decision], {'note': "Other"},
                pattern='')
            with self.assertRaisesRegex(AccessError, 'signed'):
                Decision.delete([decision])

    @with_transaction()
    def test_verified_in_any_language(self):
        """The content is that of the platform's language: an act signed
        reads as validly signed in Russian too"""
        from trytond.modules.kz_damu_monitoring.tests.tools import (
            create_monitoring, setup_orgs)
        pool = Pool()
        Act = pool.get('damu.act')
        officer = self.user('officer', 'group_damu_officer', IIN_VALID)
        act, = Act.create([{
                    'monitoring': create_monitoring(setup_orgs()).id,
                    'kind': 'refusal', 'director': "Aliyev A.A."}])
        Act.issue([act])
        with eds_configured():
            self.sign_as(officer, act)
            with language('ru', 'kz_damu_monitoring', 'kz_eds'):
                act = Act(act.id)
                self.assertIn('Акт', act.rec_name)
                signature, = act.kz_eds_signatures
                self.assertEqual(signature.verify().iin, IIN_VALID)

    def seal_configured(self, stack):
        "Configure the platform's seal: a certificate of the test PKI"
        directory = tempfile.mkdtemp(prefix='kz-eds-seal-')
        self.addCleanup(__import__('shutil').rmtree, directory, True)
        seal = PKI.intermediate.issue('KZ PLATFORM SEAL', None,
            bin_=BIN_COMPANY, purpose='signature')
        path = os.path.join(directory, 'seal.p12')
        with open(path, 'wb') as fp:
            fp.write(seal.pkcs12(b'seal-password'))
        stack.enter_context(config_option('kz_eds', 'seal', path))
        stack.enter_context(
            config_option('kz_eds', 'seal_password', 'seal-password'))

    def validate_pdf(self, content):
        "Return the status of the PDF's signature with the test PKI trusted"
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext
        from asn1crypto import x509 as asn1_x509
        from cryptography.hazmat.primitives import serialization

        def der(certificate):
            return asn1_x509.Certificate.load(certificate.public_bytes(
                    serialization.Encoding.DER))
        reader = PdfFileReader(io.BytesIO(content))
        signature, = reader.embedded_signatures
        context = ValidationContext(
            trust_roots=[der(PKI.root.certificate)],
            other_certs=[der(PKI.intermediate.certificate)],
            allow_fetching=False, revocation_mode='soft-fail')
        return reader, validate_pdf_signature(signature, context)

    @with_transaction()
    def test_sealed_pdf(self):
        """The PDF of a signed act carries the official's CMS and the
        platform's seal; a changed copy fails validation"""
        import contextlib
        from trytond.modules.kz_damu_monitoring.tests.tools import (
            create_monitoring, setup_orgs)
        pool = Pool()
        Act = pool.get('damu.act')
        SignedReport = pool.get('kz.eds.signed_document', type='report')
        officer = self.user('officer', 'group_damu_officer', IIN_VALID)
        act, = Act.create([{
                    'monitoring': create_monitoring(setup_orgs()).id,
                    'kind': 'refusal', 'director': "Aliyev A.A."}])
        Act.issue([act])
        data = {'model': 'damu.act', 'id': act.id, 'ids': [act.id]}
        with contextlib.ExitStack() as stack:
            stack.enter_context(eds_configured())
            with self.assertRaisesRegex(SignatureError, 'not signed'):
                SignedReport.execute([act.id], data)
            self.sign_as(officer, act)
            with self.assertRaisesRegex(SignatureError, 'not configured'):
                SignedReport.execute([act.id], data)
            self.seal_configured(stack)
            oext, content, _, _ = SignedReport.execute([act.id], data)
        self.assertEqual(oext, 'pdf')
        reader, status = self.validate_pdf(content)
        self.assertTrue(status.intact)
        self.assertTrue(status.valid)
        self.assertTrue(status.trusted)
        self.assertEqual(
            status.signing_cert.subject.native['common_name'],
            'KZ PLATFORM SEAL')
        self.assertIn('VALID USER', str(reader.embedded_signatures[0]
                .sig_object['/Reason']))
        # The official's own signature and what he signed travel with it
        signature, = Act(act.id).kz_eds_signatures
        names = reader.root['/Names']['/EmbeddedFiles']['/Names']
        files = {str(names[i]): names[i + 1]['/EF']['/F'].data
            for i in range(0, len(names), 2)}
        self.assertEqual(files['signature-%s.p7s' % signature.id],
            signature.signature)
        self.assertEqual(files['signed-content-%s.json' % signature.id],
            signature.content)

        index = content.index(b'/CreationDate')
        tampered = bytearray(content)
        position = content.index(b'D:2', index) + 2
        tampered[position] = ord('1')
        _, status = self.validate_pdf(bytes(tampered))
        self.assertFalse(status.intact)


del ModuleTestCase

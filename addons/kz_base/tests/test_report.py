# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Documents are converted for real by LibreOffice, or the user gets a
clear error (report.ReportConversionMixin)."""
import unittest
from types import SimpleNamespace

from trytond.modules.kz_base.exceptions import ReportConversionError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from .tools import config_option, language, pdf_text

DOCUMENT = '''<?xml version="1.0" encoding="UTF-8"?>
<office:document
 xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 office:version="1.2"
 office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text>
<text:p>Акт о невозможности проведения мониторинга №&#160;7</text:p>
</office:text></office:body></office:document>'''


def action(extension='pdf', template_extension='odt'):
    return SimpleNamespace(name="Test Act", report_name='kz.test.act',
        template_extension=template_extension, extension=extension)


class ReportConversionTestCase(unittest.TestCase):
    "Test the conversion of documents"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_base')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def report(self):
        return Pool().get('kz.test.act', type='report')

    @with_transaction()
    def test_mixin_on_every_report(self):
        "Every report of the pool has the conversion mixin"
        from trytond.modules.kz_base.report import ReportConversionMixin
        for name, Report in Pool().iterobject(type='report'):
            self.assertTrue(
                issubclass(Report, ReportConversionMixin), name)
        self.assertTrue(issubclass(self.report(), ReportConversionMixin))

    @with_transaction()
    def test_convert_to_pdf(self):
        "An OpenDocument text is converted to a real PDF"
        oext, content = self.report().convert(action(), DOCUMENT)
        self.assertEqual(oext, 'pdf')
        self.assertIn(
            "Акт о невозможности проведения мониторинга № 7",
            pdf_text(content))

    @with_transaction()
    def test_concurrent_conversions(self):
        "Two documents converted at once are both converted"
        from concurrent.futures import ThreadPoolExecutor
        Report = self.report()
        with ThreadPoolExecutor(2) as executor:
            results = list(executor.map(
                    lambda i: Report.convert(action(), DOCUMENT), range(2)))
        self.assertEqual([r[0] for r in results], ['pdf', 'pdf'])

    @with_transaction()
    def test_same_format(self):
        "A document without conversion is returned as it is"
        oext, content = self.report().convert(
            action(extension=None), DOCUMENT)
        self.assertEqual((oext, content), ('odt', DOCUMENT))

    @with_transaction()
    def test_converter_missing(self):
        "Without LibreOffice the user gets a clear, translated error"
        with config_option('report', 'convert_command',
                '/nonexistent/soffice --headless --convert-to '
                '"%(output_extension)s" "%(input_path)s"'):
            with self.assertRaisesRegex(ReportConversionError,
                    r'"Test Act" cannot be produced as PDF.*'
                    r'"/nonexistent/soffice".*not installed'):
                self.report().convert(action(), DOCUMENT)
            with language('ru', 'kz_base'):
                with self.assertRaisesRegex(ReportConversionError,
                        'не установлена на сервере'):
                    self.report().convert(action(), DOCUMENT)

    @with_transaction()
    def test_conversion_fails(self):
        "A conversion that fails is an error, not a silent .odt"
        with config_option('report', 'convert_command', 'false'):
            with self.assertRaisesRegex(ReportConversionError,
                    r'"Test Act" could not be converted to PDF'):
                self.report().convert(action(), DOCUMENT)

    @with_transaction()
    def test_conversion_timeout(self):
        "A conversion that takes too long is an error"
        with config_option('report', 'convert_command', 'sleep 30'), \
                config_option('kz', 'report_convert_timeout', '1'):
            with self.assertRaises(ReportConversionError):
                self.report().convert(action(), DOCUMENT)

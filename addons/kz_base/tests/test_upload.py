# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The checks of uploaded spreadsheets (upload.check_xlsx_upload): zip
bombs, too many parts, XML entities and oversized files are refused before
any parser sees them."""
import io
import struct
import unittest
import zipfile
from unittest.mock import patch

from openpyxl import Workbook

from trytond import config
from trytond.modules.kz_base import upload
from trytond.modules.kz_base.exceptions import UploadError
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

MB = 1024 * 1024


def workbook():
    "Return the bytes of a small real .xlsx"
    book = Workbook()
    book.active.append(['BIN', 'Amount'])
    book.active.append(['990140000384', 1000])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def zipped(parts, compression=zipfile.ZIP_DEFLATED):
    "Return a zip of {name: bytes}"
    output = io.BytesIO()
    with zipfile.ZipFile(output, 'w', compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return output.getvalue()


def lying_about_size(data, size):
    "Rewrite the uncompressed size a zip declares for its single part"
    data = bytearray(data)
    local = data.index(b'PK\x03\x04')
    struct.pack_into('<I', data, local + 22, size)
    central = data.index(b'PK\x01\x02')
    struct.pack_into('<I', data, central + 24, size)
    return bytes(data)


class UploadTestCase(unittest.TestCase):
    "Test the checks of uploaded spreadsheets"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_base')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def assertRefused(self, data, pattern, **limits):
        with self.assertRaisesRegex(UploadError, pattern) as context:
            upload.check_xlsx_upload(data, 'annex4.xlsx', **limits)
        self.assertIn('annex4.xlsx', context.exception.message)

    @with_transaction()
    def test_workbook_accepted(self):
        "A real workbook and a legacy .xls header pass"
        upload.check_xlsx_upload(workbook(), 'annex4.xlsx')
        upload.check_xlsx_upload(
            b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\0' * 100, 'annex4.xls')

    @with_transaction()
    def test_too_big(self):
        "A file over the size limit is refused, whatever its format"
        self.assertRefused(workbook(), 'too big: at most', max_size=100)
        self.assertRefused(b'\xd0\xcf\x11\xe0' + b'\0' * 200,
            'too big: at most', max_size=100)

    @with_transaction()
    def test_zip_bomb(self):
        "A small file unpacking over the limit is refused"
        bomb = zipped({'xl/worksheets/sheet1.xml': b'0' * (3 * MB)})
        self.assertLess(len(bomb), 10 * 1024)
        self.assertRefused(bomb, 'zip bomb', max_uncompressed=MB)

    @with_transaction()
    def test_zip_lying_about_its_size(self):
        "A zip declaring a smaller size than it unpacks to is refused"
        bomb = lying_about_size(
            zipped({'xl/worksheets/sheet1.xml': b'0' * (3 * MB)}), 1000)
        self.assertRefused(bomb, 'damaged', max_uncompressed=MB)

    @with_transaction()
    def test_too_many_parts(self):
        "A zip of more parts than the limit is refused"
        parts = {f'xl/part{i}.xml': b'<x/>' for i in range(6)}
        self.assertRefused(zipped(parts), 'more than 5 parts', max_entries=5)
        upload.check_xlsx_upload(zipped(parts), max_entries=6)

    @with_transaction()
    def test_xml_entities(self):
        "A DOCTYPE or ENTITY in any encoding or case is refused"
        laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz ['
            b'<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<lolz>&lol2;</lolz>')
        external = (b'<?xml version="1.0"?><!DOCTYPE x '
            b'[<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>')
        utf16 = '<?xml version="1.0" encoding="UTF-16"?><!doctype x><x/>'
        for name, content in [
                ('laughs', laughs),
                ('external', external),
                ('utf-16', utf16.encode('utf-16')),
                ('entity only', b'<x><!ENTITY a "b"></x>'),
                ]:
            with self.subTest(name=name):
                data = zipped({
                        '[Content_Types].xml': b'<Types/>',
                        'xl/workbook.xml': content,
                        })
                self.assertRefused(data, 'xl/workbook.xml')

    @with_transaction()
    def test_doctype_across_chunks(self):
        "A declaration split over two read chunks is still found"
        padding = b' ' * (upload.CHUNK - 4)
        data = zipped({'xl/styles.xml': padding + b'<!DOCTYPE x><x/>'})
        self.assertRefused(data, 'document type')

    @with_transaction()
    def test_damaged_zip(self):
        "A truncated or garbage zip is refused as damaged"
        self.assertRefused(b'PK\x03\x04garbage', 'damaged')
        self.assertRefused(workbook()[:-100], 'damaged')

    @with_transaction()
    def test_limits_from_configuration(self):
        "The [kz] section of the configuration gives the default limits"
        values = {'upload_max_size': 100, 'upload_max_entries': 1}
        getint = config.getint

        def kz_getint(section, option, default=None):
            if section == 'kz' and option in values:
                return values[option]
            return getint(section, option, default=default)
        with patch.object(config, 'getint', kz_getint):
            self.assertEqual(upload.limits(), (100, 200 * MB, 1))
            self.assertRefused(workbook(), 'too big')
            self.assertRefused(workbook(), 'more than 1 parts', max_size=MB)

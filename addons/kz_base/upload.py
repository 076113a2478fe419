# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Checks of an uploaded spreadsheet before any library parses it.

An .xlsx (or .ods) file is a zip of XML parts: a small upload can unpack
to gigabytes (zip bomb), hold thousands of parts, or carry an XML document
type declaration whose entities expand exponentially (billion laughs) or
read files of the server (external entities).  check_xlsx_upload refuses
them all with a translated error; every module that imports Excel or ODS
files calls it first.

The limits come from the [kz] section of the trytond configuration
(upload_max_size, upload_max_uncompressed in bytes, upload_max_entries);
a module may pass its own, e.g. those of its settings."""
import io
import zipfile

from trytond import config
from trytond.i18n import gettext

from .exceptions import UploadError

MB = 1024 * 1024
ZIP_MAGIC = b'PK\x03\x04'
CHUNK = 1024 * 1024
# Workbook parts never need a DTD: any declaration is refused, in the
# encodings an XML parser accepts without a declaration.
FORBIDDEN = [keyword.encode(encoding)
    for keyword in ['<!DOCTYPE', '<!ENTITY']
    for encoding in ['ascii', 'utf-16-le', 'utf-16-be', 'utf-32-le',
        'utf-32-be']]
OVERLAP = max(len(f) for f in FORBIDDEN) - 1


def limits():
    "Return the default (size, uncompressed size, entries) limits"
    return (
        config.getint('kz', 'upload_max_size', default=20 * MB),
        config.getint('kz', 'upload_max_uncompressed', default=200 * MB),
        config.getint('kz', 'upload_max_entries', default=1000),
        )


def _mb(size):
    return f'{size / MB:g}'


def check_xlsx_upload(data, filename='', max_size=None,
        max_uncompressed=None, max_entries=None):
    """Raise UploadError unless data is a spreadsheet safe to parse

    A file that is not a zip (a legacy .xls) is only checked for its size;
    recognising its format is left to the caller."""
    default_size, default_uncompressed, default_entries = limits()
    if max_size is None:
        max_size = default_size
    if max_uncompressed is None:
        max_uncompressed = default_uncompressed
    if max_entries is None:
        max_entries = default_entries
    filename = filename or ''
    data = bytes(data or b'')
    if len(data) > max_size:
        raise UploadError(gettext('kz_base.msg_upload_too_big',
                filename=filename, limit=_mb(max_size)))
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > max_entries:
                raise UploadError(gettext('kz_base.msg_upload_too_many_parts',
                        filename=filename, limit=max_entries))
            # The sizes written in the zip bound what zipfile unpacks; they
            # are checked before unpacking anything, the counted bytes after.
            if sum(i.file_size for i in infos) > max_uncompressed:
                raise _too_big_uncompressed(filename, max_uncompressed)
            unpacked = 0
            for info in infos:
                unpacked = _scan(archive, info, filename, unpacked,
                    max_uncompressed)
    except UploadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError,
            RuntimeError, ValueError, EOFError, OSError):
        # Encrypted parts, unknown compressions, bad CRCs, truncated files
        raise UploadError(gettext('kz_base.msg_upload_malformed',
                filename=filename))


def _too_big_uncompressed(filename, limit):
    return UploadError(gettext('kz_base.msg_upload_too_big_uncompressed',
            filename=filename, limit=_mb(limit)))


def _scan(archive, info, filename, unpacked, max_uncompressed):
    "Read one part in chunks: count its bytes and look for a DTD"
    tail = b''
    with archive.open(info) as part:
        while True:
            chunk = part.read(CHUNK)
            if not chunk:
                break
            unpacked += len(chunk)
            if unpacked > max_uncompressed:
                raise _too_big_uncompressed(filename, max_uncompressed)
            window = (tail + chunk).upper()
            if any(f in window for f in FORBIDDEN):
                raise UploadError(gettext('kz_base.msg_upload_xml_dtd',
                        filename=filename, part=info.filename))
            tail = window[-OVERLAP:]
    return unpacked

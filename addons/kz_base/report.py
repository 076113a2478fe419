# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Documents converted for real, or a clear error.

trytond converts a report (e.g. .odt to .pdf) with ``[report]
convert_command`` (LibreOffice headless by default) and, when the command
is missing, fails or times out, logs the error and silently returns the
unconverted document.  The mixin below, registered in tryton.cfg
[register_mixin] on every Report, turns that into a translated UserError:
the user is told the document could not be produced, instead of receiving
an .odt named like a PDF.

Setting ([kz]): ``report_convert_timeout``, the seconds a conversion may
take (120 by default; trytond's own is 300).  A failed conversion is not
retried (see convert)."""
import logging
import shlex
import shutil

from trytond.config import config
from trytond.i18n import gettext
from trytond.report.report import FORMAT2EXT

from .exceptions import ReportConversionError

logger = logging.getLogger(__name__)
DEFAULT_COMMAND = 'soffice'


def convert_program():
    "Return the program of [report] convert_command"
    command = config.get('report', 'convert_command', default=None)
    if not command:
        return DEFAULT_COMMAND
    args = shlex.split(command)
    return args[0] if args else ''


class ReportConversionMixin:
    "Refuse to return an unconverted document"
    __slots__ = ()

    @classmethod
    def convert(cls, report, data, timeout=None, retry=None):
        input_format = report.template_extension
        output_format = report.extension or input_format
        if timeout is None:
            timeout = config.getfloat(
                'kz', 'report_convert_timeout', default=120)
        # No retry: trytond 8.0 retries with the argument iterator its first
        # attempt consumed, which ends in an IndexError traceback
        retry = 0
        needs_program = (input_format != output_format
            and not (input_format in {'html', 'xhtml'}
                and output_format == 'pdf' and _has_weasyprint()))
        if needs_program:
            program = convert_program()
            if not program or not shutil.which(program):
                logger.error("cannot convert %s to %s: %r not found",
                    report.report_name, output_format, program)
                raise ReportConversionError(gettext(
                        'kz_base.msg_report_converter_missing',
                        report=report.name, format=output_format.upper(),
                        program=program))
        oext, content = super().convert(
            report, data, timeout=timeout, retry=retry)
        expected = FORMAT2EXT.get(output_format, output_format)
        if oext not in {output_format, expected}:
            # trytond logged the cause and returned the input unconverted
            raise ReportConversionError(gettext(
                    'kz_base.msg_report_conversion_failed',
                    report=report.name, format=output_format.upper()))
        return oext, content


def _has_weasyprint():
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return False
    return True

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The PDF of a signed document, sealed by the platform.

The official's CMS signs the canonical content of the document (JSON), not
the bytes of a PDF, so it cannot be the PDF's own signature.  The PDF the
platform renders carries it instead: the signed content and the
official's CMS are embedded as attached files (checkable offline with any
CMS tool), and the platform seals the whole with its own certificate
(PAdES, pyHanko), the seal naming who signed and when.  Any change of the
PDF breaks the seal.

Configuration ([kz_eds] section): seal, the PKCS#12 file of the seal
certificate (a legal entity's signing certificate of the operator);
seal_password, its password."""
import datetime as dt
import io

from trytond import config
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.report import Report

from .exceptions import SignatureError

SECTION = 'kz_eds'


def _signer():
    from pyhanko.sign import signers
    path = config.get(SECTION, 'seal', default=None)
    if not path:
        raise SignatureError(gettext('kz_eds.msg_seal_not_configured'))
    password = config.get(SECTION, 'seal_password', default=None)
    with open(path, 'rb') as fp:
        data = fp.read()
    return signers.SimpleSigner.load_pkcs12_data(
        data, other_certs=[],
        passphrase=password.encode() if password else None)


def seal(pdf, signatures, reason):
    """Return the PDF with the signed content and the CMS of the
    signatures attached, sealed by the platform with the reason"""
    from pyhanko.pdf_utils import embed, generic
    from pyhanko.pdf_utils.incremental_writer import (
        IncrementalPdfFileWriter)
    from pyhanko.sign import fields, signers

    signer = _signer()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    for signature in signatures:
        moment = signature.signed_at.replace(tzinfo=dt.timezone.utc)
        for name, data, mime_type, description in [
                ('signed-content-%s.json' % signature.id,
                    signature.content, 'application/json',
                    "Content signed by %s" % signature.signer_name),
                ('signature-%s.p7s' % signature.id,
                    signature.signature, 'application/pkcs7-signature',
                    "CMS signature of %s (IIN %s)" % (
                        signature.signer_name, signature.signer_iin)),
                ]:
            embed.embed_file(writer, embed.FileSpec(
                    file_spec_string=name,
                    embedded_data=embed.EmbeddedFileObject.from_file_data(
                        writer, data=bytes(data), mime_type=mime_type,
                        params=embed.EmbeddedFileParams(
                            creation_date=moment,
                            modification_date=moment)),
                    description=description,
                    af_relationship=generic.NameObject('/Source')))
    output = signers.sign_pdf(writer,
        signers.PdfSignatureMetadata(
            field_name='PlatformSeal', reason=reason,
            md_algorithm='sha256',
            subfilter=fields.SigSeedSubFilter.PADES),
        signer=signer)
    return output.getvalue()


class SignedDocumentReport(Report):
    "The PDF of a signed document sealed by the platform"
    __name__ = 'kz.eds.signed_document'

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        Lang = pool.get('ir.lang')
        action_id = data.get('action_id')
        model = data.get('model')
        if action_id is None:
            domain = [('report_name', '=', cls.__name__)]
            if model:
                domain.append(('model', '=', model))
            action_report, = ActionReport.search(domain, limit=1)
        else:
            action_report = ActionReport(action_id)
        model = action_report.model or model
        cls.check_access(action_report, model, ids)
        if len(ids) != 1:
            raise SignatureError(gettext('kz_eds.msg_seal_one_document'))
        record = pool.get(model)(ids[0])
        signatures = sorted(record.kz_eds_signatures, key=lambda s: s.id)
        if not signatures:
            raise SignatureError(gettext(
                    'kz_eds.msg_seal_not_signed', document=record.rec_name))
        report_name = record.kz_eds_report()
        if not report_name:
            raise SignatureError(gettext(
                    'kz_eds.msg_seal_not_pdf', document=record.rec_name))
        DocumentReport = pool.get(report_name, type='report')
        oext, content, _, name = DocumentReport.execute([record.id], {
                'model': model, 'id': record.id, 'ids': [record.id],
                })
        if oext != 'pdf':
            raise SignatureError(gettext(
                    'kz_eds.msg_seal_not_pdf', document=record.rec_name))
        lang = Lang.get()
        reason = '; '.join(gettext('kz_eds.msg_seal_reason',
                signer=s.signer_name, iin=s.signer_iin or '',
                date=lang.strftime(s.signed_at, '%d.%m.%Y %H:%M UTC'))
            for s in signatures)
        return ('pdf', seal(content, signatures, reason), False, name)

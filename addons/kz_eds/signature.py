# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Documents signed by the responsible official with his EDS.

A signable document (SignedMixin) gives its canonical content: the JSON of
its stored fields.  The official's NCALayer signs it (a detached CMS); the
CMS and the signed content are kept in kz.eds.signature.  On display the
signature is verified again against the document as it is now: a document
changed after signature (even behind the application's back) shows an
invalid signature, and the application refuses to change a signed one."""
import base64
import datetime as dt
import decimal
import hashlib
import json

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

from . import eds
from .exceptions import SignatureError

# Fields whose change does not change the document
_META_FIELDS = {
    'id', 'create_uid', 'create_date', 'write_uid', 'write_date',
    'rec_name', 'kz_eds_signatures', 'kz_eds_signed', 'kz_eds_status',
    }


def _value(value):
    if isinstance(value, ModelSQL):
        return [value.__name__, value.id, value.rec_name]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    return value


class SignedMixin:
    "A document the responsible official signs with his EDS"
    __slots__ = ()
    kz_eds_signatures = fields.One2Many(
        'kz.eds.signature', 'document', "Signatures", readonly=True)
    kz_eds_signed = fields.Function(
        fields.Boolean("Signed"), 'get_kz_eds_signed')
    kz_eds_status = fields.Function(
        fields.Char("Signature"), 'get_kz_eds_status')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__.update({
                'kz_eds_data': RPC(readonly=True, instantiate=0),
                'kz_eds_sign': RPC(readonly=False, instantiate=0),
                })
        cls._buttons.update({
                'kz_eds_sign_button': {
                    'invisible': Eval('kz_eds_signed', False),
                    'depends': ['kz_eds_signed'],
                    },
                })

    def get_kz_eds_signed(self, name):
        return bool(self.kz_eds_signatures)

    def get_kz_eds_status(self, name):
        "Verify the signatures against the document as it is now"
        texts = []
        for signature in self.kz_eds_signatures:
            texts.append(signature.verify_text(self))
        return '\n'.join(texts)

    def kz_eds_content(self):
        "Return the canonical bytes of the document, as signed"
        values = {}
        for name, field in sorted(self._fields.items()):
            if (name in _META_FIELDS
                    or isinstance(field, (fields.Function, fields.One2Many,
                            fields.Many2Many))
                    or not getattr(field, 'sql_type', None)):
                continue
            values[name] = _value(getattr(self, name))
        return json.dumps({
                'model': self.__name__,
                'id': self.id,
                'rec_name': self.rec_name,
                'values': values,
                }, sort_keys=True, ensure_ascii=False,
            separators=(',', ':')).encode('utf-8')

    def kz_eds_check_signable(self):
        "Raise a SignatureError if the document may not be signed now"
        pass

    @classmethod
    @ModelView.button
    def kz_eds_sign_button(cls, records):
        # The web client intercepts this button and asks NCALayer to sign
        # (sao/custom.js); other clients cannot reach NCALayer
        raise SignatureError(gettext('kz_eds.msg_sign_in_web_client'))

    @classmethod
    def kz_eds_data(cls, records):
        "Return {id: base64 of the content} for NCALayer to sign"
        return {r.id: base64.b64encode(r.kz_eds_content()).decode()
            for r in records}

    @classmethod
    def kz_eds_sign(cls, records, signatures):
        """Store the CMS signatures ({id: base64 CMS}) of the records made
        by the official of the transaction with his own certificate"""
        pool = Pool()
        Signature = pool.get('kz.eds.signature')
        User = pool.get('res.user')
        ModelAccess = pool.get('ir.model.access')
        # Who may change the document may sign it
        ModelAccess.check(cls.__name__, 'write')
        user = User(Transaction().user)
        signatures = {int(k): v for k, v in signatures.items()}
        to_create = []
        for record in records:
            record.kz_eds_check_signable()
            cms = signatures.get(record.id)
            if not cms:
                raise SignatureError(gettext(
                        'kz_eds.msg_signature_missing',
                        document=record.rec_name))
            content = record.kz_eds_content()
            try:
                signer = eds.verify(cms, content=content, purpose='sign')
            except eds.VerificationError as error:
                raise SignatureError(gettext(
                        'kz_eds.msg_signature_refused',
                        document=record.rec_name,
                        reason=User.kz_eds_refusal(error)))
            if not user.iin or signer.iin != user.iin:
                raise SignatureError(gettext(
                        'kz_eds.msg_signature_other_person',
                        document=record.rec_name,
                        iin=signer.iin or '', user=user.rec_name))
            to_create.append({
                    'document': str(record),
                    'content': content,
                    'signature': eds.decode(cms),
                    'digest': hashlib.sha256(content).hexdigest(),
                    'signer_name': signer.common_name,
                    'signer_iin': signer.iin,
                    'signer_bin': signer.bin,
                    'certificate_serial': signer.serial_number,
                    'certificate_issuer': signer.issuer,
                    'signed_by': user.id,
                    'signed_at': dt.datetime.now(),
                    })
        # Signatures are written by the server only
        with without_check_access():
            Signature.create(to_create)

    @classmethod
    def copy(cls, records, default=None):
        default = default.copy() if default is not None else {}
        # A copy is a new, unsigned document
        default.setdefault('kz_eds_signatures', None)
        return super().copy(records, default=default)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode in {'write', 'delete'}:
            for record in records:
                if record.kz_eds_signatures:
                    raise AccessError(gettext(
                            'kz_eds.msg_signed_document_readonly',
                            document=record.rec_name))


class Signature(ModelSQL, ModelView):
    "Document signature"
    __name__ = 'kz.eds.signature'
    __string__ = "Document Signature"
    document = fields.Reference(
        "Document", selection='get_documents', required=True, readonly=True)
    signer_name = fields.Char("Signer", readonly=True)
    signer_iin = fields.Char("IIN", readonly=True)
    signer_bin = fields.Char("BIN", readonly=True)
    certificate_serial = fields.Char("Certificate Serial", readonly=True)
    certificate_issuer = fields.Char("Certificate Issuer", readonly=True)
    signed_by = fields.Many2One(
        'res.user', "Signed by", readonly=True, ondelete='RESTRICT')
    signed_at = fields.DateTime("Signed at", readonly=True)
    content = fields.Binary("Signed Content", readonly=True)
    signature = fields.Binary(
        "Signature (CMS)", readonly=True,
        filename='signature_filename')
    signature_filename = fields.Function(
        fields.Char("Signature File Name"), 'get_signature_filename')
    digest = fields.Char("SHA-256", readonly=True)
    status = fields.Function(fields.Char("Status"), 'get_status')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('signed_at', 'DESC'))

    @classmethod
    def get_documents(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        models = [name for name, klass in pool.iterobject()
            if issubclass(klass, SignedMixin)]
        return [(None, '')] + [(m, Model.get_name(m)) for m in models]

    def get_signature_filename(self, name):
        return 'signature-%s.p7s' % self.id

    def verify(self, document=None):
        """Return the Signer if the signature is valid for the document as
        it is now, else raise VerificationError"""
        document = document or self.document
        if not document:
            raise eds.VerificationError('changed')
        content = document.kz_eds_content()
        if content != self.content:
            raise eds.VerificationError('changed')
        # At the time of signature: a certificate that expired since does
        # not void what it signed
        moment = self.signed_at.replace(tzinfo=dt.timezone.utc)
        return eds.verify(
            self.signature, content=content, purpose='sign', moment=moment)

    def verify_text(self, document=None):
        "Return the translated result of verify"
        User = Pool().get('res.user')
        try:
            self.verify(document)
        except eds.VerificationError as error:
            if error.reason == 'changed':
                reason = gettext('kz_eds.msg_signature_document_changed')
            else:
                reason = User.kz_eds_refusal(error)
            return gettext('kz_eds.msg_signature_invalid',
                signer=self.signer_name, iin=self.signer_iin,
                date=self.signed_at.strftime('%Y-%m-%d %H:%M'),
                reason=reason)
        return gettext('kz_eds.msg_signature_valid',
            signer=self.signer_name, iin=self.signer_iin,
            date=self.signed_at.strftime('%Y-%m-%d %H:%M'))

    def get_status(self, name):
        return self.verify_text()

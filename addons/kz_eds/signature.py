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


def _stored_values(record, exclude=()):
    "Return the values of the stored fields of the record"
    values = {}
    for name, field in sorted(record._fields.items()):
        if (name in _META_FIELDS or name in exclude
                or isinstance(field, (fields.Function, fields.One2Many,
                        fields.Many2Many))
                or not getattr(field, 'sql_type', None)):
            continue
        values[name] = _value(getattr(record, name))
    return values


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

    @classmethod
    def _kz_eds_unsigned_fields(cls):
        """Return the names of the fields outside of the signed document:
        the bookkeeping of a workflow that goes on after signature (state,
        dates of sending and receipt).  They may still change."""
        return set()

    @classmethod
    def _kz_eds_lines(cls):
        """Return the names of the One2Many fields whose lines are part of
        the signed document (their model inherits SignedLineMixin)"""
        return set()

    def kz_eds_content(self):
        "Return the canonical bytes of the document, as signed"
        # In the platform's language: the names of related records are
        # signed, and must not depend on who looks at the document
        Config = Pool().get('ir.configuration')
        with Transaction().set_context(language=Config.get_language()):
            record = self.__class__(self.id)
            values = _stored_values(
                record, exclude=self._kz_eds_unsigned_fields())
            for name in sorted(self._kz_eds_lines()):
                field = self._fields[name]
                values[name] = [
                    _stored_values(line, exclude={field.field})
                    for line in sorted(
                        getattr(record, name), key=lambda l: l.id)]
            rec_name = record.rec_name
        return json.dumps({
                'model': self.__name__,
                'id': self.id,
                'rec_name': rec_name,
                'values': values,
                }, sort_keys=True, ensure_ascii=False,
            separators=(',', ':')).encode('utf-8')

    def kz_eds_report(self):
        "Return the name of the report printing the document as PDF"
        return None

    def kz_eds_check_signable(self):
        "Raise a SignatureError if the document may not be signed now"
        pass

    @classmethod
    @ModelView.button
    def kz_eds_sign_button(cls, records, signatures=None):
        """Store the CMS signatures ({id: base64 CMS}) of the records made
        by the official of the transaction with his own certificate.

        As a button: who may click it (its groups, else write access) may
        sign, and not a signed document again."""
        if signatures is None:
            # The web client intercepts this button and asks NCALayer to
            # sign (sao/custom.js); other clients cannot reach NCALayer
            raise SignatureError(gettext('kz_eds.msg_sign_in_web_client'))
        pool = Pool()
        Signature = pool.get('kz.eds.signature')
        User = pool.get('res.user')
        user = User(Transaction().user)
        # Only user administrators read IINs (kz_base's field access)
        with without_check_access():
            user_iin = user.iin
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
            if not user_iin or signer.iin != user_iin:
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
    def kz_eds_data(cls, records):
        "Return {id: base64 of the content} for NCALayer to sign"
        return {r.id: base64.b64encode(r.kz_eds_content()).decode()
            for r in records}

    @classmethod
    def kz_eds_sign(cls, records, signatures):
        "Store the CMS signatures ({id: base64 CMS}) of the records"
        cls.kz_eds_sign_button(records, signatures=signatures)

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
        if mode == 'write' and values is not None and (
                set(values) <= cls._kz_eds_unsigned_fields()):
            # The workflow goes on around the signed document
            return
        if mode in {'write', 'delete'}:
            for record in records:
                if record.kz_eds_signatures:
                    raise AccessError(gettext(
                            'kz_eds.msg_signed_document_readonly',
                            document=record.rec_name))


class SignedLineMixin:
    """A line of a signed document: part of its content, changed no more
    once the document is signed"""
    __slots__ = ()
    # The Many2One to the signed document
    _kz_eds_document = None

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        name = cls._kz_eds_document
        documents = [getattr(r, name) for r in records]
        if mode == 'write' and values and values.get(name):
            # Nor moved to a signed document
            Document = cls._fields[name].get_target()
            documents.append(Document(values[name]))
        for document in documents:
            if document and document.kz_eds_signatures:
                raise AccessError(gettext(
                        'kz_eds.msg_signed_document_readonly',
                        document=document.rec_name))


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

"""wagtail's document form (`WAGTAILDOCS_DOCUMENT_FORM_BASE`), checked by content like every
other upload (siso_platform/uploads.py)."""

from wagtail.documents.forms import BaseDocumentForm

from siso_platform import uploads


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "chunks") and "file" in self.changed_data:
            uploads.check(
                upload,
                kinds=uploads.DOCUMENTS,
                limit_setting="SISO_UPLOAD_MAX_MB",
                field=str(self.fields["file"].label),
            )
        return upload

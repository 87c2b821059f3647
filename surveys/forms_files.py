"""Forms for importing a file of returns: the upload, and the confirmation after the preview."""

import re
from pathlib import PurePath
from typing import Any

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms
from django.core.files.uploadedfile import UploadedFile

from mash_survey.forms import ONE_CLICK, GovukForm

from .spreadsheets import EMPTY_MESSAGE, EXTENSIONS, UnreadableFileError, check_upload

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ImportUploadForm(GovukForm):
    file = forms.FileField(
        label="Upload a file of returns",
        help_text="A CSV or XLSX file, 5 MB or smaller.",
        error_messages={
            "required": "Select a CSV or XLSX file",
            "empty": EMPTY_MESSAGE,
            "invalid": "The selected file could not be uploaded: try again",
            "missing": "Select a CSV or XLSX file",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(
            Field("file", context={"label_size": Size.for_label(Size.MEDIUM)}),
            submit=Submit("upload", "Check the file", **ONE_CLICK),
        )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            check_upload(upload.name or "", upload.size or 0)
        except UnreadableFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class ImportConfirmForm(GovukForm):
    """What the preview page sends back: which stored upload to import, and the versions of
    the returns it showed. They come from the browser, so none is trusted: the hash must name
    a stored file whose content has that hash, the name is only recorded (and gives the file's
    type), and the versions must carry the signature the preview gave them."""

    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    file_name = forms.CharField(widget=forms.HiddenInput, max_length=255)
    #: The versions of the returns the preview showed, signed (`imports.seen_versions_token`).
    seen = forms.CharField(widget=forms.HiddenInput)

    def clean_sha256(self) -> str:
        value: str = self.cleaned_data["sha256"]
        if not SHA256.match(value):
            raise forms.ValidationError("Upload the file again")
        return value

    def clean_file_name(self) -> str:
        value: str = PurePath(self.cleaned_data["file_name"]).name
        if not value.lower().endswith(EXTENSIONS):
            raise forms.ValidationError("Upload the file again")
        return value

"""The form for a challenge's documents (challenges/documents.py checks what it sends)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Length

from challenge.challenges.models import DocumentKind


class DocumentForm(FlaskForm):
    kind = SelectField("What is it?", choices=[(k.value, k.label) for k in DocumentKind], default=DocumentKind.BRIEF)
    title = StringField("Title (optional)", validators=[Length(max=120, message="Keep the title to 120 characters.")],
                        description="Shown on the challenge page, for example “Data pack: referrals 2023–2025”. "
                                    "Left empty, it says what the document is.")
    file = FileField("File", validators=[FileRequired("Choose a file to upload.")])


class RemoveDocumentForm(FlaskForm):
    """A button and its CSRF token."""

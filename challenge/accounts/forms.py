from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length


class SignUpForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter your name"), Length(max=120)])
    email = EmailField("Email address", validators=[
        DataRequired("Enter your email address"), Length(max=254),
        Email("Enter an email address in the correct format, like name@example.org", check_deliverability=False),
    ])
    password = PasswordField("Password", description="At least 8 characters. A long phrase is easiest to remember.",
                             validators=[DataRequired("Enter a password"), Length(max=256)])


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=256)])
    remember = BooleanField("Remember me on this device")

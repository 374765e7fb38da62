from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .service import MIN_LENGTH


class NewPasswordForm(FlaskForm):
    """Choosing a password (through a one-time link): the new one twice."""

    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(message=_l("Please type a new password.")), Length(min=MIN_LENGTH, max=256)],
        description=_l("At least %(n)s characters. A short sentence is easy to remember and hard to guess.",
                       n=MIN_LENGTH),
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(message=_l("Please type the new password again.")),
        EqualTo("new_password", message=_l("The two new passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(NewPasswordForm):
    """Changing your own password: the current one first."""

    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(message=_l("Please type your current password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"})

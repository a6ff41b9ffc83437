"""How portal forms render (``PortalForm.default_renderer``): Django's form templates, the
ones every form on every page goes through, written in one pass.

Django renders a form field through five to eight small templates (its group, the label
and its attributes, the error list twice over, the input and its attributes, a select's
options one by one), 0.3 to 0.5 ms a field: the account page's two small forms took
2.2 ms, a fifth of the page (issue [performance]); written here, 0.5 ms, building the
forms included. ``PortalFormRenderer`` writes the same markup from the same context, as
the trail's and the directory's rows are written (``html.escape`` and ``mark_safe``),
and calls what those templates call (``label_tag``, ``errors``, ``css_classes``,
``aria_describedby``), so what Django ties together for screen readers stays tied (WCAG
2.1 1.3.1, 3.3.1, 3.3.2): each label ``for`` its input (a ``<legend>`` in a
``<fieldset>`` for radio buttons), marked ``required`` when the field is; the help text
as ``<auto_id>_helptext`` and the error list as ``<auto_id>_error``, both named in the
input's ``aria-describedby``, the input ``aria-invalid`` when it has errors
(``BoundField.build_widget_attrs``, Django's own).

Only the templates of ``WRITERS`` are written here, and only while they are Django's
own: an app that overrides one (``<app>/templates/django/forms/...``) gets its template
back. Every other (radio buttons and checkbox lists, a file input showing its current
file, formsets) is Django's template, rendered as usual.
"""

from html import escape
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.functional import Promise, cached_property

DJANGO_FORM_TEMPLATES = Path(django.forms.__file__).parent / "templates"
SELECT_OPTION = "django/forms/widgets/select_option.html"
INPUTS = ("input", "text", "email", "url", "number", "password", "hidden", "search", "tel", "date", "datetime",
          "time", "color", "checkbox", "file")  # each is {% include "django/forms/widgets/input.html" %}
_AUTOESCAPE = Context(autoescape=True)


def _text(value) -> str:
    """``value`` escaped as autoescape escapes a string (``{{ value|stringformat:'s' }}``):
    through ``html.escape``, unless it is safe HTML already (``mark_safe``)."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def _shown(value) -> str:
    """``{{ value }}``: text as ``_text``; a number or a date localized first, as the
    template language does."""
    return _text(value) if isinstance(value, (str, Promise)) else render_value_in_context(value, _AUTOESCAPE)


def _attrs(attrs) -> str:
    """``attrs.html``: ``name="value"``, a bare ``name`` for True, nothing for False."""
    return "".join(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
                   for name, value in (attrs or {}).items() if value is not False)


def _div(context) -> str:
    """``django/forms/div.html``, ``{{ form }}``: the form's own errors (and its hidden
    fields') on top, then a ``<div>`` per visible field, classed as ``css_classes`` says
    (``has-error``, ``required``), the hidden fields in the last one."""
    errors, fields = context["errors"], context["fields"]
    hidden = "".join(str(field) for field in context["hidden_fields"])
    parts = [str(errors)] if errors else []
    if errors and not fields:
        parts.append(f"<div>{hidden}</div>")
    for number, (field, _) in enumerate(fields, 1):
        classes = field.css_classes()
        at = f' class="{_text(classes)}"' if classes else ""
        parts.append(f"<div{at}>\n{field.as_field_group()}{hidden if number == len(fields) else ''}\n</div>")
    if not fields and not errors:
        parts.append(hidden)
    return "\n".join(parts)


def _field(context) -> str:
    """``django/forms/field.html``, ``{{ field.as_field_group }}``: the label (a legend in
    a fieldset), the help text, the errors and the input."""
    field = context["field"]
    parts = []
    if field.use_fieldset:
        described = field.aria_describedby
        parts.append(f'<fieldset aria-describedby="{_text(described)}">' if described else "<fieldset>")
        if field.label:
            parts.append(str(field.legend_tag()))
    elif field.label:
        parts.append(str(field.label_tag()))
    if field.help_text:
        at = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        parts.append(f'<div class="helptext"{at}>{field.help_text}</div>')  # |safe in Django's template
    if field.errors:
        parts.append(str(field.errors))
    parts.append(str(field) + ("</fieldset>" if field.use_fieldset else ""))
    return "\n".join(parts)


def _label(context) -> str:
    """``django/forms/label.html``, ``label_tag()`` and ``legend_tag()``."""
    label = _shown(context["label"])
    if not context["use_tag"]:
        return label
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def _errors(context) -> str:
    """``django/forms/errors/list/default.html``: an ``ErrorList``, its class
    (``errorlist``, ``errorlist nonfield``) and, for a field's, the id its input names in
    ``aria-describedby``; nothing when it is empty."""
    errors = context["errors"]
    if not errors:
        return ""
    at = f' id="{_text(errors.field_id)}_error"' if errors.field_id else ""
    items = "".join(f"<li>{_shown(error)}</li>" for error in errors)
    return f'<ul class="{_text(context["error_class"])}"{at}>{items}</ul>'


def _input(context) -> str:
    """``django/forms/widgets/input.html`` and the inputs that include it."""
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(context) -> str:
    """``django/forms/widgets/textarea.html``."""
    widget = context["widget"]
    value = _shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _select(context) -> str | None:
    """``django/forms/widgets/select.html`` with its options (``select_option.html``);
    None when an option has a template of its own."""
    widget = context["widget"]
    parts = []
    for group, options, _ in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{_shown(group)}">')
        for option in options:
            if option["template_name"] != SELECT_OPTION:
                return None
            parts.append(f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{_shown(option["label"])}</option>')
        if group:
            parts.append("\n  </optgroup>")
    return f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>{"".join(parts)}\n</select>'


WRITERS = {
    "django/forms/div.html": _div,
    "django/forms/field.html": _field,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
    **{f"django/forms/widgets/{name}.html": _input for name in INPUTS},
}
# What each writer stands for besides its own template: the templates it includes.
INCLUDED = {
    "django/forms/label.html": ["django/forms/attrs.html"],
    "django/forms/errors/list/default.html": ["django/forms/errors/list/ul.html"],
    "django/forms/widgets/textarea.html": ["django/forms/widgets/attrs.html"],
    "django/forms/widgets/select.html": ["django/forms/widgets/attrs.html", SELECT_OPTION],
    **{f"django/forms/widgets/{name}.html": ["django/forms/widgets/input.html", "django/forms/widgets/attrs.html"]
       for name in INPUTS},
}


class PortalFormRenderer(DjangoTemplates):
    """Django's ``DjangoTemplates`` form renderer, writing the templates of ``WRITERS`` in
    one pass (see the module's docstring)."""

    def render(self, template_name, context, request=None):
        write = self.writers.get(template_name)
        html = write(context) if write else None
        return super().render(template_name, context, request) if html is None else html

    @cached_property
    def writers(self) -> dict:
        """``WRITERS`` whose templates (and those they include) are still Django's own."""
        def django_s(name):
            return Path(self.get_template(name).origin.name).is_relative_to(DJANGO_FORM_TEMPLATES)

        return {name: write for name, write in WRITERS.items()
                if all(map(django_s, [name, *INCLUDED.get(name, [])]))}

"""Form widgets the portal needs beyond Django's own."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A select for lists that grow with the district: its schools and departments, two
    thousand at the largest. Django renders each option through two template includes,
    which cost 100-180 ms for 2,000 options on every page showing the list
    (bench.district); this writes the same markup in one pass, escaping every value and
    label as Django does (``html.escape``, quotes included). Same context, same
    attributes, same behaviour: only the rendering differs.

    The options are written first with none selected (``options_html``), then the chosen
    one is marked: the unmarked list depends on the choices alone, so a list that changes
    rarely can be kept ready-made (the public directory's, ``accounts.views_directory``)."""

    def render(self, name, value, attrs=None, renderer=None):
        # Django's Select builds a dict per option (``optgroups``) before its templates run;
        # at 2,000 options that alone cost more than the page's queries. The widget's own
        # context (name, attributes, the chosen values as strings) is Widget's.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        options = self._mark_selected(self.options_html(), widget["value"])
        return mark_safe(f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>{options}</select>')

    def options_html(self) -> str:
        """Every option of the widget's choices, none selected."""
        return self.option_tags(self.choices)

    @staticmethod
    def option_tags(choices) -> str:
        """``<option>``s (in ``<optgroup>``s where Django groups them) for ``choices``, none selected."""
        parts = []
        for option_value, label in choices:
            if isinstance(label, (list, tuple)):  # a group: (its label, its choices); unlabelled, no optgroup
                group = "".join(_option(value, sublabel) for value, sublabel in label)
                parts.append(f'<optgroup label="{escape(str(option_value))}">{group}</optgroup>'
                             if option_value else group)
            else:
                parts.append(_option(option_value, label))
        return "".join(parts)

    def _mark_selected(self, options: str, values: list[str]) -> str:
        """``options`` with the chosen values marked ``selected``, as Django marks them: every
        match in a multiple select, only the first match in a single one. An option's
        opening tag is found by its escaped value alone: labels are escaped too, so no
        label can contain one."""
        tags = {_opening_tag(value) for value in values}
        if self.allow_multiple_selected:
            for tag in tags:
                options = options.replace(tag, tag[:-1] + " selected>")
            return options
        found = [(at, tag) for tag in tags if (at := options.find(tag)) >= 0]
        if not found:
            return options
        at, tag = min(found)
        return f'{options[:at]}{tag[:-1]} selected>{options[at + len(tag):]}'


def _opening_tag(value) -> str:
    return f'<option value="{escape("" if value is None else str(value))}">'


def _option(value, label) -> str:
    return f"{_opening_tag(value)}{escape(str(label))}</option>"
